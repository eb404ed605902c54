/**
 * Full-text search over the local store (docs/client.md "Search"). An FTS5 table inside the encrypted
 * database indexes the text of every opened message; SQL triggers on `messages` keep it in step, so any
 * delete from `messages` (expiry, delete-for-everyone, a refusal replacing nothing) drops the words too.
 *
 * - Contentless (`content=''`, `contentless_delete=1`): the index keeps tokens and positions, not the text;
 *   snippets are cut from `messages.body` in JS. `search_rows` maps an FTS rowid to its conversation;
 *   the rowid is the timetoken × 100 plus a slot for the rare equal timetoken in another conversation, so
 *   rowid order is time order (newest first with `ORDER BY rowid DESC`, which FTS5 walks without sorting)
 *   and the message is found from the rowid alone.
 * - Text is prepared in JS (`seed_search_text`, a function every connection registers before it writes):
 *   runs of CJK script (Han, Hiragana, Katakana, Hangul) become overlapping character bigrams (the run's last
 *   character also alone), so any term of two or more characters is found inside a sentence without spaces,
 *   whatever a dictionary would have cut; other text is split into words by `Intl.Segmenter` (full ICU in
 *   Node and Electron: Thai, Lao, Khmer get words too). FTS5's `unicode61 remove_diacritics 2` then folds case
 *   and diacritics ("cafe" finds "café").
 * - The query is user text and never FTS5 syntax: it is cut into the same terms, each quoted (quotes doubled),
 *   all required; the last word of three or more letters also matches as a prefix (search as you type).
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import { AppError } from '../../common/errors';
import type { ConversationId, MessageId, UserId } from '../../common/ids';

/** The longest query, in UTF-16 code units, and the most terms in one. */
export const MAX_SEARCH_QUERY = 200;
export const MAX_SEARCH_TERMS = 16;
/** The most hits one search answers. */
export const MAX_SEARCH_LIMIT = 100;
/** The longest snippet, in UTF-16 code units (ellipses excluded). */
export const SNIPPET_LENGTH = 160;
/** At most this much of a body is indexed (a longer text is found by its first 64 KiB). */
const MAX_INDEXED = 64 * 1024;

/** The user's query is empty (no word in it) or longer than the bounds: nothing was searched. */
export class SearchQueryError extends AppError {
  constructor(
    readonly reason: 'empty' | 'too_long',
    detail: string,
  ) {
    super(reason === 'empty' ? 'search_query_empty' : 'search_query_too_long', detail, 'validation');
  }
}

/** Migration 2 (docs/client.md "Search"): the index, its rowid map, the triggers, and the existing rows indexed. */
export const SEARCH_MIGRATION = `
  CREATE TABLE search_rows (
    id INTEGER PRIMARY KEY,           -- timetoken * 100 + slot: time order, and the FTS rowid
    conversation_id TEXT NOT NULL
  );
  CREATE VIRTUAL TABLE search_fts USING fts5(
    text, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2'
  );
  CREATE TRIGGER messages_search_insert AFTER INSERT ON messages
  WHEN new.outcome = 'opened' AND new.body IS NOT NULL AND CAST(new.tt AS INTEGER) < 92233720368547757 BEGIN
    INSERT INTO search_rows (id, conversation_id)
      SELECT coalesce(max(id) + 1, CAST(new.tt AS INTEGER) * 100), new.conversation_id FROM search_rows
      WHERE id BETWEEN CAST(new.tt AS INTEGER) * 100 AND CAST(new.tt AS INTEGER) * 100 + 98;
    INSERT INTO search_fts (rowid, text) VALUES (last_insert_rowid(), seed_search_text(new.body_type, new.body));
  END;
  CREATE TRIGGER messages_search_delete AFTER DELETE ON messages BEGIN
    DELETE FROM search_fts WHERE rowid IN (
      SELECT id FROM search_rows WHERE id BETWEEN CAST(old.tt AS INTEGER) * 100 AND CAST(old.tt AS INTEGER) * 100 + 99
        AND conversation_id = old.conversation_id);
    DELETE FROM search_rows WHERE id BETWEEN CAST(old.tt AS INTEGER) * 100 AND CAST(old.tt AS INTEGER) * 100 + 99
      AND conversation_id = old.conversation_id;
  END;
  CREATE TRIGGER messages_search_update AFTER UPDATE ON messages
  WHEN old.body IS NOT new.body OR old.body_type IS NOT new.body_type OR old.outcome IS NOT new.outcome
    OR old.conversation_id IS NOT new.conversation_id OR old.tt IS NOT new.tt BEGIN
    DELETE FROM search_fts WHERE rowid IN (
      SELECT id FROM search_rows WHERE id BETWEEN CAST(old.tt AS INTEGER) * 100 AND CAST(old.tt AS INTEGER) * 100 + 99
        AND conversation_id = old.conversation_id);
    DELETE FROM search_rows WHERE id BETWEEN CAST(old.tt AS INTEGER) * 100 AND CAST(old.tt AS INTEGER) * 100 + 99
      AND conversation_id = old.conversation_id;
    INSERT INTO search_rows (id, conversation_id)
      SELECT coalesce(max(id) + 1, CAST(new.tt AS INTEGER) * 100), new.conversation_id FROM search_rows
      WHERE id BETWEEN CAST(new.tt AS INTEGER) * 100 AND CAST(new.tt AS INTEGER) * 100 + 98
        AND new.outcome = 'opened' AND new.body IS NOT NULL AND CAST(new.tt AS INTEGER) < 92233720368547757
      HAVING new.outcome = 'opened' AND new.body IS NOT NULL AND CAST(new.tt AS INTEGER) < 92233720368547757;
    INSERT INTO search_fts (rowid, text)
      SELECT last_insert_rowid(), seed_search_text(new.body_type, new.body)
      WHERE new.outcome = 'opened' AND new.body IS NOT NULL AND CAST(new.tt AS INTEGER) < 92233720368547757;
  END;
  INSERT INTO search_rows (id, conversation_id)
    SELECT CAST(tt AS INTEGER) * 100 + (row_number() OVER (PARTITION BY tt ORDER BY conversation_id)) - 1, conversation_id
    FROM messages WHERE outcome = 'opened' AND body IS NOT NULL AND CAST(tt AS INTEGER) < 92233720368547757;
  INSERT INTO search_fts (rowid, text)
    SELECT r.id, seed_search_text(m.body_type, m.body) FROM search_rows r
    JOIN messages m ON m.conversation_id = r.conversation_id AND m.tt = printf('%020d', r.id / 100);
`;

/** Registers the SQL function the triggers call; every connection that writes `messages` needs it. */
export function registerSearchFunctions(db: Database.Database): void {
  db.function('seed_search_text', { deterministic: true }, (bodyType: unknown, body: unknown) =>
    typeof body === 'string' ? indexText(bodyType === 'json' ? jsonText(body) : body) : '',
  );
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30FC\u3005]+/gu;
const WORDISH = /[\p{L}\p{N}]/u;
const segmenter = new Intl.Segmenter(undefined, { granularity: 'word' });

interface Piece {
  readonly kind: 'word' | 'cjk';
  readonly text: string;
  readonly start: number;
}

/** The words and CJK runs of a text, in order, with where each starts (UTF-16 offsets into `text`). */
function pieces(text: string): Piece[] {
  const out: Piece[] = [];
  const words = (from: number, to: number) => {
    if (to <= from) return;
    for (const s of segmenter.segment(text.slice(from, to))) {
      if (s.isWordLike === true || WORDISH.test(s.segment)) out.push({ kind: 'word', text: s.segment, start: from + s.index });
    }
  };
  let at = 0;
  for (const m of text.matchAll(CJK)) {
    words(at, m.index);
    out.push({ kind: 'cjk', text: m[0], start: m.index });
    at = m.index + m[0].length;
  }
  words(at, text.length);
  return out;
}

/** A CJK run as index tokens: each character with the next (the last alone), so every character starts one token. */
function bigrams(run: string, withLast: boolean): string[] {
  const chars = [...run];
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i += 1) out.push(chars[i]! + chars[i + 1]!);
  if (withLast || chars.length === 1) out.push(chars[chars.length - 1]!);
  return out;
}

/** The text the index receives for a body (words and CJK bigrams, space-separated). */
export function indexText(body: string): string {
  const text = body.slice(0, MAX_INDEXED).normalize('NFKC');
  return pieces(text)
    .map((p) => (p.kind === 'cjk' ? bigrams(p.text, true).join(' ') : p.text))
    .join(' ');
}

/** The string values of a JSON body, space-separated (keys and numbers are not text a person searches for). */
function jsonText(body: string): string {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(walk);
  };
  try {
    walk(JSON.parse(body));
  } catch {
    return '';
  }
  return out.join(' ');
}

/** A parsed query: the FTS5 expression (every term quoted) and what the snippet highlights. */
export interface ParsedQuery {
  readonly fts: string;
  /** Folded words to highlight; `prefix` also highlights words that start with it. */
  readonly words: ReadonlySet<string>;
  readonly prefix: string | undefined;
  readonly cjk: readonly string[];
  /** Every index token the query needs, folded (word tokens, CJK bigrams): what another index would look up. */
  readonly tokens: readonly string[];
}

/** Case and diacritics folded the way `unicode61 remove_diacritics 2` does it, near enough for highlighting. */
export function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

const quote = (term: string) => `"${term.replace(/"/g, '""')}"`;
/** Letters and digits of a word piece, as unicode61 cuts it. */
const TOKEN = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;

/**
 * Turns user text into an FTS5 query that cannot be FTS5 syntax: quotes, `*`, `NEAR`, `OR`, `AND`, `NOT`,
 * `^`, `:` and parentheses are words or nothing. Throws `SearchQueryError` for an empty or too long query.
 */
export function parseSearchQuery(query: string): ParsedQuery {
  if (typeof query !== 'string') throw new SearchQueryError('empty', 'the search query is not text');
  if (query.length > MAX_SEARCH_QUERY) throw new SearchQueryError('too_long', `the search query is longer than ${MAX_SEARCH_QUERY} characters`);
  const text = query.normalize('NFKC');
  const terms: string[] = [];
  const words = new Set<string>();
  const cjk: string[] = [];
  const tokensAll: string[] = [];
  let prefix: string | undefined;
  const all = pieces(text);
  all.forEach((p, i) => {
    const last = i === all.length - 1 && !/\s$/u.test(text);
    if (p.kind === 'cjk') {
      cjk.push(p.text);
      const grams = bigrams(p.text, false);
      tokensAll.push(...grams);
      terms.push([...p.text].length === 1 ? `${quote(p.text)}*` : quote(grams.join(' ')));
      return;
    }
    const tokens = (p.text.match(TOKEN) ?? []).map(fold).filter((t) => t.length > 0);
    if (tokens.length === 0) return;
    for (const t of tokens) words.add(t);
    tokensAll.push(...tokens);
    const phrase = quote(tokens.join(' '));
    const tail = tokens[tokens.length - 1]!;
    if (last && [...tail].length >= 3) {
      prefix = tail;
      terms.push(`${phrase}*`);
    } else terms.push(phrase);
  });
  if (terms.length === 0) throw new SearchQueryError('empty', 'the search query has no word in it');
  if (terms.length > MAX_SEARCH_TERMS) throw new SearchQueryError('too_long', `the search query has more than ${MAX_SEARCH_TERMS} words`);
  return { fts: terms.join(' AND '), words, prefix, cjk, tokens: tokensAll };
}

export interface SearchSnippet {
  /** A part of the message around the first match ("…" marks a cut). */
  readonly text: string;
  /** UTF-16 [start, end) ranges of `text` that matched, in order, not overlapping. */
  readonly highlights: readonly (readonly [number, number])[];
}

/** The snippet of `body` for a parsed query: the matches found the way the index found them, cut around the first. */
export function snippet(body: string, query: ParsedQuery): SearchSnippet {
  const ranges: [number, number][] = [];
  for (const p of pieces(body)) {
    if (p.kind === 'cjk') {
      const run = p.text.normalize('NFKC');
      for (const term of query.cjk) {
        if (run.length !== p.text.length) continue; // a run NFKC changed: offsets would not line up
        for (let at = run.indexOf(term); at >= 0; at = run.indexOf(term, at + 1)) ranges.push([p.start + at, p.start + at + term.length]);
      }
      continue;
    }
    for (const m of p.text.matchAll(TOKEN)) {
      const folded = fold(m[0].normalize('NFKC'));
      if (query.words.has(folded) || (query.prefix !== undefined && folded.startsWith(query.prefix))) {
        ranges.push([p.start + m.index, p.start + m.index + m[0].length]);
      }
    }
  }
  ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const prev = merged[merged.length - 1];
    if (prev !== undefined && r[0] <= prev[1]) prev[1] = Math.max(prev[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  const first = merged[0]?.[0] ?? 0;
  let start = Math.max(0, Math.min(first - 40, body.length - SNIPPET_LENGTH));
  let end = Math.min(body.length, start + SNIPPET_LENGTH);
  // Never cut a surrogate pair in half.
  if (start > 0 && /[\uDC00-\uDFFF]/.test(body[start]!)) start -= 1;
  if (end < body.length && /[\uDC00-\uDFFF]/.test(body[end]!)) end += 1;
  const lead = start > 0 ? '…' : '';
  const text = lead + body.slice(start, end) + (end < body.length ? '…' : '');
  const highlights = merged.filter(([s, e]) => s >= start && e <= end).map(([s, e]) => [s - start + lead.length, e - start + lead.length] as const);
  return { text, highlights };
}

export interface SearchOptions {
  /** Only these conversations; every stored one when absent (the client always names its own). */
  readonly conversationIds?: readonly ConversationId[];
  readonly limit: number;
}

export interface SearchHit {
  readonly conversationId: ConversationId;
  readonly timetoken: string;
  readonly messageId: MessageId;
  readonly senderUser: UserId;
  readonly sentAt: number;
  readonly snippet: SearchSnippet;
}

interface HitRow {
  conversation_id: string;
  tt: string;
  message_id: string;
  sender_user: string;
  sent_at: number;
  body_type: string;
  body: string;
}

/**
 * Searches the store: hits newest first (by timetoken), at most `limit`. The conversation filter runs inside
 * the query, so a conversation not named never contributes a hit.
 */
export function searchStore(db: Database.Database, query: string, options: SearchOptions): SearchHit[] {
  const parsed = parseSearchQuery(query);
  const limit = Math.max(1, Math.min(MAX_SEARCH_LIMIT, Math.trunc(options.limit) || 1));
  const ids = options.conversationIds;
  if (ids !== undefined && ids.length === 0) return [];
  const sql = `SELECT r.conversation_id, m.tt, m.message_id, m.sender_user, m.sent_at, m.body_type, m.body
     FROM search_fts f
     JOIN search_rows r ON r.id = f.rowid
     JOIN messages m ON m.conversation_id = r.conversation_id AND m.tt = printf('%020d', r.id / 100)
     WHERE search_fts MATCH ? ${ids === undefined ? '' : 'AND r.conversation_id IN (SELECT value FROM json_each(?))'}
       AND m.outcome = 'opened'
     ORDER BY f.rowid DESC LIMIT ?`;
  const params = ids === undefined ? [parsed.fts, limit] : [parsed.fts, JSON.stringify(ids), limit];
  const rows = db.prepare(sql).all(...params) as HitRow[];
  return rows.map((r) => ({
    conversationId: r.conversation_id as ConversationId,
    timetoken: r.tt.replace(/^0+(?=\d)/, ''),
    messageId: r.message_id as MessageId,
    senderUser: r.sender_user as UserId,
    sentAt: r.sent_at,
    snippet: snippet(r.body_type === 'json' ? jsonText(r.body) : r.body, parsed),
  }));
}
