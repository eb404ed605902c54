/**
 * What the renderer may know about policy (docs/deployment.md, "Precedence, groups and
 * locking"): the effective values, which of them IT manages and from where, and the warnings to show. The
 * zod schema is for the IPC contract; `settingLock` is the one rule a settings control follows.
 */
import { z } from 'zod';
import { policyDefinition } from './definitions';
import type { EffectivePolicy, ManagedSource } from './merge';
import { POLICY_KEYS, policyValuesSchema, type PolicyKey } from './values';

const managedSourceSchema = z.enum(['machine', 'user']);

export const policyViewSchema = z.object({
  values: policyValuesSchema,
  managed: z.partialRecord(z.enum(POLICY_KEYS as [PolicyKey, ...PolicyKey[]]), managedSourceSchema),
  warnings: z.array(
    z.object({
      code: z.string(),
      message: z.string(),
      layer: z.enum(['machine', 'user', 'appConfig']).optional(),
      key: z.string().optional(),
    }),
  ),
});
export type PolicyView = z.infer<typeof policyViewSchema>;

export interface SettingLock {
  locked: boolean;
  source: ManagedSource | null;
  /** Shown next to a locked control. */
  label: string | null;
}

export function settingLock(policy: Pick<EffectivePolicy, 'managed'>, key: PolicyKey): SettingLock {
  const source = policy.managed[key] ?? null;
  if (source === null) return { locked: false, source, label: null };
  const who = source === 'machine' ? 'your organisation (device policy)' : 'your organisation (user policy)';
  return { locked: true, source, label: `${policyDefinition(key).title} is managed by ${who}` };
}
