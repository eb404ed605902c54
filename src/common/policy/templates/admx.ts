/**
 * ADMX policy definitions generated from the policy table (docs/deployment.md, "Windows: Group Policy and
 * Intune"; structure of Microsoft's
 * PolicyDefinitions schema, "ADMX syntax": policyNamespaces, resources, supportedOn, categories,
 * policies). Every policy has class="Both", so Group Policy / Intune can set it for the computer
 * (HKLM, wins) or for the user (HKCU), under `Software\Policies\Seed\Seed Messenger`. Booleans are
 * REG_DWORD 1/0, enums a dropdown writing REG_SZ, lists a multi-line box writing REG_MULTI_SZ.
 */
import { missingCase } from '../../errors';
import { POLICY_DEFINITIONS, type PolicyDefinition } from '../definitions';
import { POLICY_IDENTITY } from '../identity';
import { XML_DECLARATION, xmlEscape } from './xml';

export const ADMX_REVISION = '1.0';
export const SUPPORTED_ON_ID = 'SUPPORTED_SeedMessenger_0_1';
const NS = 'http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions';

function policyElements(def: PolicyDefinition): string[] {
  const id = def.registryName;
  switch (def.kind) {
    case 'boolean':
      return ['      <enabledValue><decimal value="1" /></enabledValue>', '      <disabledValue><decimal value="0" /></disabledValue>'];
    case 'string':
      return ['      <elements>', `        <text id="${id}" valueName="${id}" required="true" maxLength="2048" />`, '      </elements>'];
    case 'enum':
      return [
        '      <elements>',
        `        <enum id="${id}" valueName="${id}" required="true">`,
        ...(def.choices ?? []).map(
          (c) => `          <item displayName="$(string.${id}_${enumSuffix(c)})"><value><string>${xmlEscape(c)}</string></value></item>`,
        ),
        '        </enum>',
        '      </elements>',
      ];
    case 'list':
      return ['      <elements>', `        <multiText id="${id}" valueName="${id}" required="true" />`, '      </elements>'];
    default:
      return missingCase(def.kind);
  }
}

/** String-table suffix for an enum choice: `sender-only` → `sender_only`. */
export function enumSuffix(choice: string): string {
  return choice.replace(/[^A-Za-z0-9]/g, '_');
}

export function hasPresentation(def: PolicyDefinition): boolean {
  return def.kind !== 'boolean';
}

function policy(def: PolicyDefinition): string[] {
  const id = def.registryName;
  const presentation = hasPresentation(def) ? ` presentation="$(presentation.${id})"` : '';
  const attrs = `name="${id}" class="Both" displayName="$(string.${id})" explainText="$(string.${id}_Explain)"${presentation}`;
  const valueName = def.kind === 'boolean' ? ` valueName="${id}"` : '';
  return [
    `    <policy ${attrs} key="${xmlEscape(POLICY_IDENTITY.registryKey)}"${valueName}>`,
    '      <parentCategory ref="SeedMessenger" />',
    `      <supportedOn ref="${SUPPORTED_ON_ID}" />`,
    ...policyElements(def),
    '    </policy>',
  ];
}

export function generateAdmx(definitions: readonly PolicyDefinition[] = POLICY_DEFINITIONS): string {
  return [
    XML_DECLARATION,
    `<policyDefinitions xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" revision="${ADMX_REVISION}" schemaVersion="1.0" xmlns="${NS}">`,
    '  <policyNamespaces>',
    `    <target prefix="${POLICY_IDENTITY.admxPrefix}" namespace="${POLICY_IDENTITY.admxNamespace}" />`,
    '    <using prefix="windows" namespace="Microsoft.Policies.Windows" />',
    '  </policyNamespaces>',
    `  <resources minRequiredRevision="${ADMX_REVISION}" />`,
    '  <supportedOn>',
    '    <definitions>',
    `      <definition name="${SUPPORTED_ON_ID}" displayName="$(string.${SUPPORTED_ON_ID})" />`,
    '    </definitions>',
    '  </supportedOn>',
    '  <categories>',
    '    <category name="Seed" displayName="$(string.Seed)" />',
    '    <category name="SeedMessenger" displayName="$(string.SeedMessenger)">',
    '      <parentCategory ref="Seed" />',
    '    </category>',
    '  </categories>',
    '  <policies>',
    ...definitions.flatMap(policy),
    '  </policies>',
    '</policyDefinitions>',
    '',
  ].join('\r\n');
}
