/**
 * Merges the policy layers into the effective settings (docs/deployment.md, "Precedence, groups and
 * locking": machine > user > app config > defaults). The app config is the user's general settings file, so
 * keys that are not policy settings are skipped there silently. Per group of settings (definitions.ts) the
 * highest layer that validly sets any member supplies the whole group; members it leaves out take their
 * defaults and lower layers are ignored for that group, so nobody below IT can complete a keyset or
 * redirect an IT-chosen update mode. Values from `machine` and `user` are *managed*: the app shows and
 * locks them. Bad values, unknown keys and policy-only keys in the app config are skipped with a warning;
 * merging never throws.
 */
import { AppError } from '../errors';
import { POLICY_DEFINITIONS, type PolicyGroup } from './definitions';
import { PolicyOnlyKeyError, UnknownPolicyKeyError, warningFrom, type PolicyLayerName, type PolicyWarning } from './errors';
import { normalizePolicyValue } from './normalize';
import { POLICY_DEFAULTS, POLICY_KEYS, type PolicyKey, type PolicyValues } from './values';

export type ManagedSource = 'machine' | 'user';

/** Raw settings from one store, keyed by policy key (loaders map registry/plist names to keys). */
export interface PolicyLayers {
  machine?: Readonly<Record<string, unknown>> | null;
  user?: Readonly<Record<string, unknown>> | null;
  appConfig?: Readonly<Record<string, unknown>> | null;
}

export interface EffectivePolicy {
  values: PolicyValues;
  managed: Partial<Record<PolicyKey, ManagedSource>>;
  warnings: PolicyWarning[];
}

const PRECEDENCE: readonly PolicyLayerName[] = ['machine', 'user', 'appConfig'];
const KNOWN = new Set<string>(POLICY_KEYS);

type Valid = Partial<Record<PolicyKey, unknown>>;

function validLayer(name: PolicyLayerName, raw: Readonly<Record<string, unknown>>, warnings: PolicyWarning[]): Valid {
  const out: Valid = {};
  for (const [key, value] of Object.entries(raw)) {
    if (name === 'appConfig' && !KNOWN.has(key)) continue;
    try {
      if (!KNOWN.has(key)) throw new UnknownPolicyKeyError(key);
      const policyKey = key as PolicyKey;
      const def = POLICY_DEFINITIONS.find((d) => d.key === policyKey);
      if (name === 'appConfig' && def?.policyOnly) throw new PolicyOnlyKeyError(key);
      out[policyKey] = normalizePolicyValue(policyKey, value);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      warnings.push(warningFrom(e, name, KNOWN.has(key) ? key : undefined));
    }
  }
  return out;
}

function groupKeys(group: PolicyGroup): PolicyKey[] {
  return POLICY_DEFINITIONS.filter((d) => d.group === group).map((d) => d.key);
}

export function mergePolicyLayers(layers: PolicyLayers): EffectivePolicy {
  const warnings: PolicyWarning[] = [];
  const valid = PRECEDENCE.map((name) => {
    const raw = layers[name];
    return { name, values: raw ? validLayer(name, raw, warnings) : {} };
  });
  const values: Record<string, unknown> = { ...POLICY_DEFAULTS };
  const managed: Partial<Record<PolicyKey, ManagedSource>> = {};
  const groups = new Set(POLICY_DEFINITIONS.map((d) => d.group));
  for (const group of groups) {
    const keys = groupKeys(group);
    const winner = valid.find((layer) => keys.some((k) => Object.hasOwn(layer.values, k)));
    if (!winner) continue;
    for (const key of keys) {
      if (Object.hasOwn(winner.values, key)) {
        values[key] = winner.values[key];
        if (winner.name !== 'appConfig') managed[key] = winner.name;
      } else if (winner.name !== 'appConfig') {
        managed[key] = winner.name;
      }
    }
    for (const lower of valid.slice(valid.indexOf(winner) + 1)) {
      for (const key of keys.filter((k) => Object.hasOwn(lower.values, k) && !Object.hasOwn(winner.values, k))) {
        warnings.push({
          code: 'policy_group_overridden',
          message: `"${key}" from ${lower.name} is ignored: ${winner.name} sets the "${group}" settings together`,
          layer: lower.name,
          key,
        });
      }
    }
  }
  return { values: values as PolicyValues, managed, warnings: [...warnings, ...consistencyWarnings(values as PolicyValues)] };
}

function consistencyWarnings(values: PolicyValues): PolicyWarning[] {
  const out: PolicyWarning[] = [];
  if ((values.pubnubPublishKey === null) !== (values.pubnubSubscribeKey === null)) {
    out.push({
      code: 'policy_incomplete_keyset',
      message: 'a PubNub keyset needs both the publish and the subscribe key; the configured one is not used alone',
      key: values.pubnubPublishKey === null ? 'pubnubPublishKey' : 'pubnubSubscribeKey',
    });
  }
  if (values.updateMode === 'managed' && values.updateFeedUrl === null) {
    out.push({
      code: 'policy_update_feed_missing',
      message: 'update mode "managed" needs an update feed URL; updates stay off until one is set',
      key: 'updateFeedUrl',
    });
  }
  return out;
}
