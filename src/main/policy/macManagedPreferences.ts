/**
 * macOS policy layers (docs/deployment.md, "macOS: configuration profile"): an MDM configuration
 * profile for the domain `com.seed.messenger` makes
 * macOS write `/Library/Managed Preferences/com.seed.messenger.plist` (device profile → machine layer)
 * and `/Library/Managed Preferences/<user>/com.seed.messenger.plist` (user profile → user layer). Both
 * are root-owned; they are read through the same trust checks as the Linux file, and may be XML or
 * binary ("bplist00") property lists.
 */
import { parseBuffer } from 'bplist-parser';
import plist from 'plist';
import { join } from 'node:path';
import { POLICY_IDENTITY } from '../../common/policy/identity';
import { PolicyFileFormatError } from './errors';
import type { LayerRead } from './layerRead';
import { readTrustedFile, type TrustRules } from './trustedFile';

const BINARY_MAGIC = 'bplist00';

export function managedPreferencesPath(dir: string, userName: string | null): string {
  const file = `${POLICY_IDENTITY.bundleId}.plist`;
  return userName === null ? join(dir, file) : join(dir, userName, file);
}

function parsePlist(bytes: Buffer, path: string): unknown {
  try {
    if (bytes.subarray(0, BINARY_MAGIC.length).toString('latin1') === BINARY_MAGIC) return parseBuffer(bytes)[0];
    const text = bytes.toString('utf8');
    if (!/^\uFEFF?\s*</.test(text)) throw new Error('neither a binary nor an XML property list');
    return plist.parse(text);
  } catch (e) {
    throw new PolicyFileFormatError(path, `not a property list (${e instanceof Error ? e.message.slice(0, 120) : 'parse error'})`);
  }
}

export async function loadManagedPreferences(path: string, rules: TrustRules): Promise<LayerRead> {
  const bytes = await readTrustedFile(path, rules);
  if (bytes === null) return { values: null, warnings: [] };
  const root = parsePlist(bytes, path);
  if (typeof root !== 'object' || root === null || Array.isArray(root) || root instanceof Date) {
    throw new PolicyFileFormatError(path, 'the top level must be a dictionary');
  }
  const values = Object.fromEntries(Object.entries(root).filter(([k]) => !k.startsWith('Payload') && !k.startsWith('PolicyBanner')));
  return { values, warnings: [] };
}
