/**
 * Mentions (issue [chat]; docs/messaging.md "Mentions"). A mention is the text `@username` of a member of
 * the conversation, inside the sealed and signed message: there is no separate field on the wire, so every
 * client (the CLI, a phone) reads it as the text it is, and a mention can never notify without showing.
 *
 * A token counts when its `@` starts the text or follows a character that cannot be part of a username
 * (so `alice@example.com` mentions nobody), and the run of username characters after it — less any
 * trailing `.`, `_` or `-` that make no member's username ("@bob." mentions bob; "@bobby" does not) — is a
 * member's username, in any letter case. Only members count: `@carol` in a conversation without Carol is
 * plain text.
 */

/** A member who can be mentioned. */
export interface Mentionable {
  readonly userId: string;
  readonly username: string;
  readonly displayName: string;
}

/** A mention found in a text: `text.slice(start, end)` is `@` and the username as written. */
export interface MentionToken {
  readonly start: number;
  readonly end: number;
  readonly person: Mentionable;
}

const USERNAME_CHAR = /[A-Za-z0-9._-]/;
const RUN = /@([A-Za-z0-9._-]+)/g;

/** Whether the character before `at` lets an `@` there start a mention. */
function startsToken(text: string, at: number): boolean {
  return at === 0 || !USERNAME_CHAR.test(text[at - 1]!);
}

/** The mentions of members in `text`, in order. */
export function mentionTokens(text: string, people: readonly Mentionable[]): MentionToken[] {
  if (!text.includes('@') || people.length === 0) return [];
  const byName = new Map(people.map((p) => [p.username.toLowerCase(), p]));
  const tokens: MentionToken[] = [];
  for (const match of text.matchAll(RUN)) {
    const at = match.index;
    if (!startsToken(text, at)) continue;
    let name = match[1]!.toLowerCase();
    // Trailing punctuation ends a sentence, not a name: "@bob." is bob unless "bob." is a member's name.
    while (!byName.has(name) && /[._-]$/.test(name)) name = name.slice(0, -1);
    const person = byName.get(name);
    if (person !== undefined) tokens.push({ start: at, end: at + 1 + name.length, person });
  }
  return tokens;
}

/** Whether `text` mentions the member `userId` (among `people`). */
export function mentions(text: string, people: readonly Mentionable[], userId: string): boolean {
  return mentionTokens(text, people).some((t) => t.person.userId === userId);
}

/** The `@query` being typed just before the caret (`start`: where its `@` is), or null when there is none. */
export function mentionQuery(text: string, caret: number): { readonly start: number; readonly query: string } | null {
  let at = caret;
  while (at > 0 && USERNAME_CHAR.test(text[at - 1]!)) at -= 1;
  if (at === 0 || text[at - 1] !== '@' || !startsToken(text, at - 1)) return null;
  const query = text.slice(at, caret);
  return query.length > 32 ? null : { start: at - 1, query };
}

/** The members matching a typed `@query` by username or display name (prefix first), this user excluded; at most `limit`. */
export function mentionCandidates(query: string, people: readonly Mentionable[], selfUserId: string | null, limit = 8): Mentionable[] {
  const q = query.toLowerCase();
  const scored: { person: Mentionable; score: number }[] = [];
  for (const person of people) {
    if (person.userId === selfUserId) continue;
    const username = person.username.toLowerCase();
    const words = person.displayName.toLowerCase().split(/\s+/);
    const score = username.startsWith(q) ? 0 : words.some((w) => w.startsWith(q)) ? 1 : username.includes(q) ? 2 : -1;
    if (score >= 0) scored.push({ person, score });
  }
  scored.sort((a, b) => a.score - b.score || a.person.displayName.localeCompare(b.person.displayName) || a.person.username.localeCompare(b.person.username));
  return scored.slice(0, limit).map((s) => s.person);
}

/** `text` with the `@query` at `start` (ending at `caret`) replaced by `@username ` and where the caret goes after it. */
export function completeMention(text: string, start: number, caret: number, person: Mentionable): { readonly text: string; readonly caret: number } {
  const inserted = `@${person.username} `;
  const rest = text.slice(caret);
  return { text: text.slice(0, start) + inserted + (rest.startsWith(' ') ? rest.slice(1) : rest), caret: start + inserted.length };
}
