/**
 * JSON settings files (docs/deployment.md, "Linux: policy file"): the Linux machine policy
 * `/etc/seed-messenger/policies.json`, read only through the trust checks (root or current user, nobody
 * else may write it or its folders), and the user's own app config (the lowest layer, trusted as the
 * user's). Both must hold one JSON object; a `$schema` member (editor support, see
 * resources/policy-templates/linux) is ignored.
 */
import { readFile } from 'node:fs/promises';
import { PolicyFileFormatError, PolicyStoreError } from './errors';
import type { LayerRead } from './layerRead';
import { readTrustedFile, type TrustRules } from './trustedFile';

function parseObject(text: string, path: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new PolicyFileFormatError(path, `not valid JSON (${e instanceof Error ? e.message.slice(0, 120) : 'parse error'})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new PolicyFileFormatError(path, 'the file must contain one JSON object');
  }
  const { $schema: _schema, ...values } = parsed as Record<string, unknown>;
  return values;
}

export async function loadLinuxPolicyFile(path: string, rules: TrustRules): Promise<LayerRead> {
  const bytes = await readTrustedFile(path, rules);
  if (bytes === null) return { values: null, warnings: [] };
  return { values: parseObject(bytes.toString('utf8'), path), warnings: [] };
}

export async function loadAppConfigFile(path: string): Promise<LayerRead> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : 'unknown error';
    if (code === 'ENOENT') return { values: null, warnings: [] };
    throw new PolicyStoreError(path, code);
  }
  return { values: parseObject(text, path), warnings: [] };
}
