/**
 * A macOS configuration profile (.mobileconfig, an XML property list) generated from the policy table
 * (docs/deployment.md, "macOS: configuration profile"). Its one payload has PayloadType = the app's
 * bundle id, so an MDM (Jamf, Intune, Kandji…)
 * that installs it makes macOS write the keys to `/Library/Managed Preferences/com.seed.messenger.plist`
 * (device profile) or `/Library/Managed Preferences/<user>/com.seed.messenger.plist` (user profile),
 * where src/main/policy reads them. The profile carries every setting with an example value: IT deletes
 * the keys it does not want to manage. UUIDs are fixed so regenerating never changes the file.
 */
import { missingCase } from '../../errors';
import { POLICY_DEFINITIONS, type PolicyDefinition } from '../definitions';
import { POLICY_IDENTITY } from '../identity';
import { xmlEscape } from './xml';

export const PROFILE_UUID = '5E3D9A61-0B7C-4F2E-9C1A-7D4B2E8F6A10';
export const PAYLOAD_UUID = 'A4C1F0E2-6B3D-4E59-8A7F-1C2D3E4F5A60';

function plistValue(def: PolicyDefinition, indent: string): string[] {
  const v = def.example;
  switch (def.kind) {
    case 'boolean':
      return [`${indent}${v === true ? '<true/>' : '<false/>'}`];
    case 'string':
    case 'enum':
      return [`${indent}<string>${xmlEscape(String(v))}</string>`];
    case 'list':
      return [`${indent}<array>`, ...(Array.isArray(v) ? v : []).map((x: string) => `${indent}\t<string>${xmlEscape(x)}</string>`), `${indent}</array>`];
    default:
      return missingCase(def.kind);
  }
}

function entry(key: string, value: string, indent: string): string[] {
  return [`${indent}<key>${xmlEscape(key)}</key>`, `${indent}${value}`];
}

export function generateMobileconfig(definitions: readonly PolicyDefinition[] = POLICY_DEFINITIONS): string {
  const { bundleId, productName, vendor } = POLICY_IDENTITY;
  const inner = '\t\t\t';
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    '<dict>',
    '\t<key>PayloadContent</key>',
    '\t<array>',
    '\t\t<dict>',
    ...entry('PayloadType', `<string>${bundleId}</string>`, inner),
    ...entry('PayloadVersion', '<integer>1</integer>', inner),
    ...entry('PayloadIdentifier', `<string>${bundleId}.policy.settings</string>`, inner),
    ...entry('PayloadUUID', `<string>${PAYLOAD_UUID}</string>`, inner),
    ...entry('PayloadDisplayName', `<string>${xmlEscape(productName)} settings</string>`, inner),
    ...definitions.flatMap((def) => [`${inner}<key>${def.key}</key>`, ...plistValue(def, inner)]),
    '\t\t</dict>',
    '\t</array>',
    ...entry('PayloadDisplayName', `<string>${xmlEscape(productName)} policy</string>`, '\t'),
    ...entry(
      'PayloadDescription',
      `<string>${xmlEscape(`Managed settings for ${productName}. Every key in the inner payload is enforced and locked in the app; delete the keys you do not want to manage.`)}</string>`,
      '\t',
    ),
    ...entry('PayloadIdentifier', `<string>${bundleId}.policy</string>`, '\t'),
    ...entry('PayloadOrganization', `<string>${xmlEscape(vendor)}</string>`, '\t'),
    ...entry('PayloadScope', '<string>System</string>', '\t'),
    ...entry('PayloadType', '<string>Configuration</string>', '\t'),
    ...entry('PayloadUUID', `<string>${PROFILE_UUID}</string>`, '\t'),
    ...entry('PayloadVersion', '<integer>1</integer>', '\t'),
    '</dict>',
    '</plist>',
    '',
  ].join('\n');
}
