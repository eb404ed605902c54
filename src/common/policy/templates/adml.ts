/**
 * The en-US ADML resource file for the generated ADMX (docs/deployment.md, "Windows: Group Policy and
 * Intune"; Microsoft's ADML syntax:
 * policyDefinitionResources → resources → stringTable + presentationTable). Each ADMX `$(string.X)` and
 * `$(presentation.X)` reference resolves here.
 */
import { missingCase } from '../../errors';
import { POLICY_DEFINITIONS, type PolicyDefinition } from '../definitions';
import { POLICY_IDENTITY } from '../identity';
import { ADMX_REVISION, SUPPORTED_ON_ID, enumSuffix, hasPresentation } from './admx';
import { XML_DECLARATION, xmlEscape } from './xml';

const NS = 'http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions';

function explain(def: PolicyDefinition): string {
  const stored = def.kind === 'boolean' ? 'REG_DWORD 1 or 0' : def.kind === 'list' ? 'REG_MULTI_SZ' : 'REG_SZ';
  const choices = def.choices ? `\n\nAllowed values: ${def.choices.join(', ')}.` : '';
  return `${def.description}${choices}\n\nRegistry: ${POLICY_IDENTITY.registryKey}\\${def.registryName} (${stored}). Computer policy (HKLM) takes precedence over user policy (HKCU).`;
}

function strings(def: PolicyDefinition): string[] {
  const id = def.registryName;
  return [
    `      <string id="${id}">${xmlEscape(def.title)}</string>`,
    `      <string id="${id}_Explain">${xmlEscape(explain(def))}</string>`,
    ...(def.kind === 'enum' ? (def.choices ?? []) : []).map((c) => `      <string id="${id}_${enumSuffix(c)}">${xmlEscape(c)}</string>`),
  ];
}

function presentation(def: PolicyDefinition): string[] {
  const id = def.registryName;
  const label = xmlEscape(def.title);
  switch (def.kind) {
    case 'boolean':
      return [];
    case 'string':
      return [`      <presentation id="${id}">`, `        <textBox refId="${id}"><label>${label}</label></textBox>`, '      </presentation>'];
    case 'enum':
      return [
        `      <presentation id="${id}">`,
        `        <dropdownList refId="${id}" noSort="true" defaultItem="0">${label}</dropdownList>`,
        '      </presentation>',
      ];
    case 'list':
      return [`      <presentation id="${id}">`, `        <multiTextBox refId="${id}">${label} (one per line)</multiTextBox>`, '      </presentation>'];
    default:
      return missingCase(def.kind);
  }
}

export function generateAdml(definitions: readonly PolicyDefinition[] = POLICY_DEFINITIONS): string {
  return [
    XML_DECLARATION,
    `<policyDefinitionResources xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" revision="${ADMX_REVISION}" schemaVersion="1.0" xmlns="${NS}">`,
    `  <displayName>${xmlEscape(POLICY_IDENTITY.productName)}</displayName>`,
    `  <description>${xmlEscape(`Managed settings for ${POLICY_IDENTITY.productName}`)}</description>`,
    '  <resources>',
    '    <stringTable>',
    `      <string id="Seed">${xmlEscape(POLICY_IDENTITY.vendor)}</string>`,
    `      <string id="SeedMessenger">${xmlEscape(POLICY_IDENTITY.productName)}</string>`,
    `      <string id="${SUPPORTED_ON_ID}">${xmlEscape(`${POLICY_IDENTITY.productName} 0.1 or later`)}</string>`,
    ...definitions.flatMap(strings),
    '    </stringTable>',
    '    <presentationTable>',
    ...definitions.filter(hasPresentation).flatMap(presentation),
    '    </presentationTable>',
    '  </resources>',
    '</policyDefinitionResources>',
    '',
  ].join('\r\n');
}
