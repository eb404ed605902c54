/**
 * Avatars without pictures: a person's (or group's) initials on one of eight colours, chosen by a
 * deterministic hash of their id (FNV-1a, 32 bits — not a security function), so a person has the same
 * colour on every screen and every device. Each colour keeps white initials at WCAG AA contrast
 * (styles.css `.avatar-c0` … `.avatar-c7`; CSP forbids inline styles, hence classes).
 */

export const AVATAR_COLORS = 8;

/** FNV-1a over the UTF-16 code units of `id`. */
export function fnv1a(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The colour index (0 … AVATAR_COLORS - 1) of an id. */
export function avatarColor(id: string): number {
  return fnv1a(id) % AVATAR_COLORS;
}

/**
 * Up to two initials: the first letter or digit of the first and last words ("Alice Archer" → "AA",
 * "bob" → "B"); control and format characters (bidi overrides) and symbols are skipped; "?" when none.
 */
export function initialsOf(name: string): string {
  const words = name
    .split(/[\s._-]+/u)
    .map((w) => w.match(/[\p{L}\p{N}]/u)?.[0]?.toLocaleUpperCase() ?? '')
    .filter((w) => w !== '');
  const first = words[0];
  if (first === undefined) return '?';
  return words.length > 1 ? first + words[words.length - 1] : first;
}
