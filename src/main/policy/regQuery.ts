/**
 * Parser for the text `reg.exe query <key>` prints (Windows; the policy keys under HKLM/HKCU
 * Software\Policies\<Vendor>\<App>, docs/deployment.md §2). Layout: the key path on its own line, then
 * one line per value,
 * `    <name>    <REG_TYPE>    <data>` (four-space separators). REG_DWORD/REG_QWORD data is hex
 * (`0x1`), REG_MULTI_SZ items are separated by a literal `\0`. Sub-key lines and value types a policy
 * never uses (REG_BINARY, REG_NONE…) are reported as unsupported, not guessed at.
 */
export type RegistryData = string | number | string[];

export interface RegistryValue {
  name: string;
  type: string;
  data: RegistryData;
}

export interface RegQueryResult {
  values: RegistryValue[];
  unsupported: { name: string; type: string }[];
}

const VALUE_LINE = /^ {4}(.+?) {4}(REG_[A-Z0-9_]+)(?: {4}(.*))?$/;

function decode(type: string, text: string): RegistryData | undefined {
  switch (type) {
    case 'REG_SZ':
    case 'REG_EXPAND_SZ':
      return text;
    case 'REG_DWORD':
    case 'REG_QWORD':
      return /^0x[0-9a-fA-F]{1,16}$/.test(text) ? Number(BigInt(text)) : undefined;
    case 'REG_MULTI_SZ':
      return text === '' ? [] : text.split('\\0');
    default:
      return undefined;
  }
}

export function parseRegQuery(stdout: string): RegQueryResult {
  const result: RegQueryResult = { values: [], unsupported: [] };
  for (const line of stdout.split(/\r?\n/)) {
    const m = VALUE_LINE.exec(line);
    if (!m) continue;
    const name = m[1] ?? '';
    const type = m[2] ?? '';
    const data = decode(type, m[3] ?? '');
    if (data === undefined) result.unsupported.push({ name, type });
    else result.values.push({ name, type, data });
  }
  return result;
}
