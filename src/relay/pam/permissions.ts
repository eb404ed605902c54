/**
 * Access Manager v3 permission bits and their lookup in a token (docs/pubnub-wire.md §5): read 1, write 2,
 * manage 4, delete 8, get 32, update 64, join 128. An explicit resource entry wins; otherwise the union of the
 * matching patterns (full-match regular expressions) applies.
 */
export type Permission = 'read' | 'write' | 'manage' | 'delete' | 'get' | 'update' | 'join';

export const PERMISSION_BITS: Readonly<Record<Permission, number>> = {
  read: 1,
  write: 2,
  manage: 4,
  delete: 8,
  get: 32,
  update: 64,
  join: 128,
};

const patternCache = new Map<string, RegExp | null>();

function compile(pattern: string): RegExp | null {
  let re = patternCache.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(`^(?:${pattern})$`, 'u');
    } catch {
      re = null;
    }
    if (patternCache.size > 10_000) patternCache.clear();
    patternCache.set(pattern, re);
  }
  return re;
}

/** The permission bits `name` has under `resources` / `patterns` (0 when none). */
export function bitsFor(name: string, resources: Readonly<Record<string, number>>, patterns: Readonly<Record<string, number>>): number {
  if (Object.hasOwn(resources, name)) return resources[name] ?? 0;
  let bits = 0;
  for (const [pattern, value] of Object.entries(patterns)) {
    if (compile(pattern)?.test(name) === true) bits |= value;
  }
  return bits;
}

export function allows(bits: number, permission: Permission): boolean {
  const bit = PERMISSION_BITS[permission];
  return (bits & bit) === bit;
}
