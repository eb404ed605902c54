/**
 * Names as the UI shows them, safe against two tricks (docs/desktop.md "Names and bidirectional text"):
 *
 * - Bidirectional controls (U+202A–U+202E embeddings and overrides, U+2066–U+2069 isolates, U+200E/U+200F
 *   marks, U+061C) and invisible characters (zero-width space/joiners, word joiner, BOM) are removed from
 *   names, so "Bob\u202Egnp.exe" cannot read as "Bob exe.png" and two names that look the same are the same
 *   text. Message bodies keep their characters but are shown isolated (`<bdi>`/`dir="auto"`), so they cannot
 *   reorder the text around them.
 * - A name that mixes letters of the scripts most used to imitate each other (Latin, Cyrillic, Greek,
 *   Armenian, Cherokee) is flagged: "Аlice" with a Cyrillic "А" looks like "Alice". The new-contact badge says so.
 */

import { hasHiddenCharacters } from '../../../common/view/names';

export { cleanName, hasHiddenCharacters } from '../../../common/view/names';

const CONFUSABLE_SCRIPTS: readonly [string, RegExp][] = [
  ['Latin', /\p{Script=Latin}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Armenian', /\p{Script=Armenian}/u],
  ['Cherokee', /\p{Script=Cherokee}/u],
];

/** The look-alike scripts a name uses; two or more means it may imitate another name. */
export function confusableScripts(name: string): string[] {
  return CONFUSABLE_SCRIPTS.filter(([, re]) => re.test(name)).map(([script]) => script);
}

/** Whether a name may imitate another: it mixes look-alike scripts, or it hid characters. */
export function looksDeceptive(name: string): boolean {
  return confusableScripts(name).length > 1 || hasHiddenCharacters(name);
}
