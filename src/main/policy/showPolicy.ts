/**
 * `npx tsx src/main/policy/showPolicy.ts [--app-config <file>]` (docs/deployment.md, "Checking what
 * the app enforces"): prints, as JSON, the policy this machine's stores produce for the current user —
 * effective values, which settings are managed (and therefore locked in the app) and from which layer, and
 * every warning (refused file, bad value). The same `loadEffectivePolicy` the app calls; lets IT check a
 * deployment on a test machine.
 */
import { parseArgs } from 'node:util';
import { settingLock } from '../../common/policy/view';
import { POLICY_KEYS } from '../../common/policy/values';
import { nodePolicyFacts } from './facts';
import { loadEffectivePolicy } from './loadEffectivePolicy';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'app-config': { type: 'string' } }, strict: true });
  const policy = await loadEffectivePolicy(nodePolicyFacts(values['app-config'] ?? null));
  const settings = Object.fromEntries(
    POLICY_KEYS.map((key) => {
      const lock = settingLock(policy, key);
      return [key, { value: policy.values[key], locked: lock.locked, source: lock.source ?? 'not managed' }];
    }),
  );
  console.log(JSON.stringify({ settings, warnings: policy.warnings }, null, 2));
}

main().catch((e: unknown) => {
  console.error(`policy: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
