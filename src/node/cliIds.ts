/**
 * Ids on a command line (the admin CLI, the CLI): an id is 22 base64url characters, so about one in 64
 * begins with "-", and `parseArgs` would read it as a short option ("-k…": unknown option) — a conversation
 * or request id that the tools print could then not be passed back to them. `shieldIds` marks such
 * arguments before parsing, `unshield` restores them in the positionals after. No option of either tool is
 * a dash and 21 base64url characters, so nothing else is touched.
 */
const DASH_ID = /^-[A-Za-z0-9_-]{21}$/;
const MARK = '\u0000';

/** `argv` with every argument that is an id beginning with "-" marked, so the parser takes it as a positional. */
export function shieldIds(argv: readonly string[]): string[] {
  return argv.map((a) => (DASH_ID.test(a) ? MARK + a : a));
}

/** A positional as it was typed. */
export function unshield(value: string): string {
  return value.startsWith(MARK) ? value.slice(MARK.length) : value;
}

/** Option values as they were typed (an option's value may be an id beginning with "-" too). */
export function unshieldValues<T extends Record<string, unknown>>(values: T): T {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === 'string' ? unshield(v) : v])) as T;
}
