/**
 * Windows policy layers (docs/deployment.md, "Windows: Group Policy and Intune"):
 * `HKLM\Software\Policies\Seed\Seed Messenger` is the machine layer and the same key under HKCU the user
 * layer — the keys Group Policy and Intune's ADMX ingestion write, and which only administrators can
 * change. Read with the system's own reg.exe (full path, never from PATH) through the injected command
 * runner. A missing key means "no policy"; registry value names are matched to policy keys
 * case-insensitively.
 */
import { POLICY_DEFINITIONS } from '../../common/policy/definitions';
import type { PolicyLayerName } from '../../common/policy/errors';
import { POLICY_IDENTITY } from '../../common/policy/identity';
import { PolicyStoreError } from './errors';
import type { CommandRunner } from './facts';
import type { LayerRead } from './layerRead';
import { parseRegQuery } from './regQuery';

export type RegistryHive = 'HKLM' | 'HKCU';

const KEY_BY_REGISTRY_NAME = new Map(POLICY_DEFINITIONS.map((d) => [d.registryName.toLowerCase(), d.key]));

export function registryPath(hive: RegistryHive): string {
  return `${hive}\\${POLICY_IDENTITY.registryKey}`;
}

export async function loadRegistryLayer(hive: RegistryHive, regExe: string, run: CommandRunner): Promise<LayerRead> {
  const layer: PolicyLayerName = hive === 'HKLM' ? 'machine' : 'user';
  const path = registryPath(hive);
  const out = await run(regExe, ['query', path]);
  if (out.exitCode === 1 && out.stdout.trim() === '') return { values: null, warnings: [] };
  if (out.exitCode !== 0) throw new PolicyStoreError(path, `reg.exe exited with ${out.exitCode}: ${out.stderr.trim().slice(0, 200)}`);
  const parsed = parseRegQuery(out.stdout);
  const values: Record<string, unknown> = {};
  for (const v of parsed.values) {
    if (v.name === '(Default)') continue;
    values[KEY_BY_REGISTRY_NAME.get(v.name.toLowerCase()) ?? v.name] = v.data;
  }
  const warnings = parsed.unsupported.map((u) => ({
    code: 'policy_registry_type_unsupported',
    message: `${path}\\${u.name} has type ${u.type}; use the type the ADMX template writes`,
    layer,
    key: KEY_BY_REGISTRY_NAME.get(u.name.toLowerCase()) ?? u.name,
  }));
  return { values, warnings };
}
