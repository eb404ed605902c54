/**
 * Reads one raw value from any policy store into the setting's type (one schema for every store,
 * docs/deployment.md §2): registry DWORDs 0/1 and plist integers become booleans, a REG_MULTI_SZ / plist
 * array (or one string with comma- or line-separated items) becomes a list, and the result is checked by
 * the setting's zod schema. Throws `InvalidPolicyValueError` — the caller turns it into a warning and
 * ignores the value.
 */
import { missingCase } from '../errors';
import { policyDefinition } from './definitions';
import { InvalidPolicyValueError } from './errors';
import { policyValuesSchema, type PolicyKey, type PolicyValues } from './values';

function describe(raw: unknown): string {
  if (raw === null) return 'null';
  if (Array.isArray(raw)) return 'a list';
  return `a ${typeof raw}`;
}

function toKindShape(key: PolicyKey, raw: unknown): unknown {
  const def = policyDefinition(key);
  switch (def.kind) {
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      if (raw === 0 || raw === 1) return raw === 1;
      throw new InvalidPolicyValueError(key, `expected true/false (or 1/0), got ${describe(raw)}`);
    case 'list':
      if (Array.isArray(raw)) return raw.map((x) => (typeof x === 'string' ? x.trim() : x)).filter((x) => x !== '');
      if (typeof raw === 'string') return raw.split(/[\s,;]+/).filter((x) => x !== '');
      throw new InvalidPolicyValueError(key, `expected a list of ${def.choices?.join(', ') ?? 'strings'}, got ${describe(raw)}`);
    case 'string':
    case 'enum':
      if (typeof raw === 'string' && raw.trim() !== '') return raw;
      throw new InvalidPolicyValueError(key, `expected a non-empty string, got ${describe(raw)}`);
    default:
      return missingCase(def.kind);
  }
}

export function normalizePolicyValue<K extends PolicyKey>(key: K, raw: unknown): NonNullable<PolicyValues[K]> {
  const shaped = toKindShape(key, raw);
  const parsed = policyValuesSchema.shape[key].safeParse(shaped);
  if (!parsed.success || parsed.data === null) {
    const issue = parsed.success ? 'must not be empty' : (parsed.error.issues[0]?.message ?? 'invalid value');
    throw new InvalidPolicyValueError(key, issue);
  }
  return parsed.data as NonNullable<PolicyValues[K]>;
}
