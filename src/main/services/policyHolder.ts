/**
 * Holds the effective managed policy and reloads it after the user changes their own app config (the
 * lowest policy layer). Machine and user policy are re-read too, so a reload never loosens what IT set.
 */
import type { EffectivePolicy } from '../policy/loadEffectivePolicy';

export interface PolicyHolder {
  current(): EffectivePolicy;
  reload(): Promise<EffectivePolicy>;
}

export async function createPolicyHolder(load: () => Promise<EffectivePolicy>): Promise<PolicyHolder> {
  let policy = await load();
  return {
    current: () => policy,
    async reload() {
      policy = await load();
      return policy;
    },
  };
}
