/**
 * Full-text search over the local store (docs/client.md "Search"). An FTS5 table inside the encrypted
 * database indexes the text of every opened message; SQL triggers on `messages` keep it in step, so any
 * delete from `messages` (expiry, delete-for-everyone, a refusal replacing nothing) drops the words too.
 *
 * - Contentless (`content=''`, `contentless_delete=1`) and, since migration 6, `detail=none`: the index keeps
 *   which rows hold a token, not the text nor where in it; snippets are cut from `messages.body` in JS. The
 *   rowid is the message's row key (timetoken × 100 + a slot for the rare equal timetoken in another
 *   conversation; messageRows.ts), so rowid order is time order (newest first with `ORDER BY rowid DESC`,
 *   which FTS5 walks without sorting) and the message is found from the rowid alone.
 * - Text is prepared in JS (`seed_search_text`, a function every connection registers before it writes):
 *   runs of CJK script (Han, Hiragana, Katakana, Hangul) become overlapping character bigrams (the run's last
 *   character also alone), so any term of two or more characters is found inside a sentence without spaces,
 *   whatever a dictionary would have cut; other text is split into words by `Intl.Segmenter` (full ICU in
 *   Node and Electron: Thai, Lao, Khmer get words too). FTS5's `unicode61 remove_diacritics 2` then folds case
 *   and diacritics ("cafe" finds "café").
 * - The query is user text and never FTS5 syntax: it is cut into the same terms, each token quoted (quotes
 *   doubled), all required; the last word of three or more letters also matches as a prefix (search as you
 *   type). A term of several tokens (a CJK term of three characters or more, a word like "don't") was a
 *   phrase under `detail=full`; the index without positions finds the rows holding all its tokens, and each
 *   candidate's body is checked for the phrase by FTS5 itself in memory (`TokenizerProbe`), so the hits are
 *   the same as with positions.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { AppError } from '../../common/errors';
import type { ConversationId, MessageId, UserId } from '../../common/ids';
import { decodeMessageId, type Names } from './messageRows';

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

/**
 * Migration 2 (docs/client.md "Search"): the index, its rowid map, the triggers, and the existing rows indexed.
 * Migration 6 (messageRows.ts) replaces all of it; kept as shipped, for databases still at version 1.
 */
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

/** JSON as `body_type` says it: 'json' before migration 6, 1 since. */
const isJson = (bodyType: unknown) => bodyType === 'json' || bodyType === 1 || bodyType === 1n;

/** Registers the SQL function the triggers call; every connection that writes `messages` needs it. */
export function registerSearchFunctions(db: Database.Database): void {
  db.function('seed_search_text', { deterministic: true }, (bodyType: unknown, body: unknown) =>
    typeof body === 'string' ? indexText(isJson(bodyType) ? jsonText(body) : body) : '',
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
  // A file message (docs/protocol.md §7.9) is found by its name and caption; its key, hashes and store
  // references are never indexed nor cut into a snippet.
  const file = attachmentText(body);
  if (file !== undefined) return file;
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

/** One term of a query: its index tokens as text, and its FTS5 expression for an index with positions. */
export interface QueryTerm {
  /** The term's tokens, space-separated (words folded; CJK bigrams). */
  readonly text: string;
  /** Its last token also matches as a prefix. */
  readonly prefix: boolean;
  /** The term as one quoted FTS5 phrase (`"a b"`, `"a b"*`): what an index with positions answers. */
  readonly phrase: string;
}

/** The searchable text of a file message's body `{descriptor, caption?}`: file name and caption; undefined for any other body. */
function attachmentText(body: string): string | undefined {
  if (!body.startsWith('{"descriptor":')) return undefined;
  try {
    const parsed = JSON.parse(body) as { descriptor?: { fileName?: unknown }; caption?: unknown };
    return [parsed.descriptor?.fileName, parsed.caption].filter((t): t is string => typeof t === 'string').join(' ');
  } catch {
    return '';
  }
}

/** A parsed query: the terms (all required) and what the snippet highlights. */
export interface ParsedQuery {
  /** The whole query as FTS5 phrases ANDed (the expression an index with positions, `detail=full`, answers). */
  readonly fts: string;
  readonly terms: readonly QueryTerm[];
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
  const terms: QueryTerm[] = [];
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
      const single = [...p.text].length === 1;
      terms.push({ text: grams.join(' '), prefix: single, phrase: single ? `${quote(p.text)}*` : quote(grams.join(' ')) });
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
      terms.push({ text: tokens.join(' '), prefix: true, phrase: `${phrase}*` });
    } else terms.push({ text: tokens.join(' '), prefix: false, phrase });
  });
  if (terms.length === 0) throw new SearchQueryError('empty', 'the search query has no word in it');
  if (terms.length > MAX_SEARCH_TERMS) throw new SearchQueryError('too_long', `the search query has more than ${MAX_SEARCH_TERMS} words`);
  return { fts: terms.map((t) => t.phrase).join(' AND '), terms, words, prefix, cjk, tokens: tokensAll };
}

/**
 * FTS5's own tokenizer, asked in memory: a private in-memory database (never a file) holding one FTS5 table
 * with the index's tokenizer and with positions (`detail=full`). `tokens` cuts text exactly as the index
 * does; `matches` answers an expression with phrases against one text. So the index without positions
 * never receives a phrase (an error with `detail=none`), and a phrase is checked on the text with the same
 * tokens and the same semantics the index had before migration 6.
 */
class TokenizerProbe {
  private readonly db = new Database(':memory:');
  private readonly statements;

  constructor() {
    this.db.exec(`CREATE VIRTUAL TABLE probe USING fts5(text, tokenize='unicode61 remove_diacritics 2');
                  CREATE VIRTUAL TABLE probe_terms USING fts5vocab(probe, instance)`);
    this.statements = {
      put: this.db.prepare('INSERT INTO probe (rowid, text) VALUES (1, ?)'),
      clear: this.db.prepare('DELETE FROM probe'),
      terms: this.db.prepare('SELECT term FROM probe_terms ORDER BY offset').pluck(),
      match: this.db.prepare('SELECT 1 FROM probe WHERE probe MATCH ?').pluck(),
    };
  }

  private holding<T>(text: string, work: () => T): T {
    this.statements.put.run(text);
    try {
      return work();
    } finally {
      this.statements.clear.run();
    }
  }

  /** The index tokens of `text`, in order, as the index stores them (folded). */
  tokens(text: string): string[] {
    return this.holding(text, () => this.statements.terms.all() as string[]);
  }

  /** Whether `text`, indexed, matches `expression` (FTS5 syntax, phrases allowed). */
  matches(text: string, expression: string): boolean {
    return this.holding(text, () => this.statements.match.get(expression) !== undefined);
  }
}

let probe: TokenizerProbe | undefined;
const tokenizer = () => (probe ??= new TokenizerProbe());

/** A prefix of the search-as-you-type word → the index terms starting with it, or undefined (too many: FTS5 expands it). */
export type PrefixTerms = (prefix: string) => readonly string[] | undefined;

/**
 * The query for the index without positions: each term's tokens (as FTS5 cuts them) ANDed; a term of several
 * (a phrase under `detail=full`: a CJK term of three characters or more, "don't") kept in `phrases` to check
 * each candidate with. A prefix is expanded to the index terms that start with it (`prefixTerms`, OR'ed):
 * with `detail=none`, FTS5's own prefix query merges every matching row of every such term before the first
 * answer (34 ms for "the*" over 100,000 messages against about 1 ms expanded); past the bound it is left to
 * FTS5.
 */
export function positionlessQuery(parsed: ParsedQuery, prefixTerms?: PrefixTerms): { readonly fts: string; readonly phrases: readonly string[] } {
  const parts: string[] = [];
  const phrases: string[] = [];
  for (const term of parsed.terms) {
    const tokens = tokenizer().tokens(term.text);
    if (tokens.length === 0) {
      parts.push(term.phrase); // no index token in it: FTS5 matches nothing, as before
      continue;
    }
    const quoted = tokens.map(quote);
    if (term.prefix) {
      const last = tokens[tokens.length - 1]!;
      const expanded = prefixTerms?.(last);
      quoted[quoted.length - 1] = expanded === undefined || expanded.length === 0 ? `${quote(last)}*` : `(${expanded.map(quote).join(' OR ')})`;
    }
    parts.push(quoted.join(' AND '));
    if (tokens.length > 1) phrases.push(term.phrase);
  }
  return { fts: parts.join(' AND '), phrases };
}

/** The most index terms a prefix is expanded to. */
export const MAX_PREFIX_TERMS = 256;

/**
 * The index terms that start with `prefix`, from the vocabulary table (`search_terms`, fts5vocab over
 * `search_fts`, a temp table each connection makes), in order; undefined when there are more than
 * `MAX_PREFIX_TERMS`.
 */
export function vocabularyPrefixTerms(db: Database.Database): PrefixTerms {
  const terms = db.prepare('SELECT term FROM temp.search_terms WHERE term >= ?').pluck();
  return (prefix) => {
    const out: string[] = [];
    for (const term of terms.iterate(prefix) as IterableIterator<string>) {
      if (!term.startsWith(prefix)) break;
      if (out.length === MAX_PREFIX_TERMS) return undefined;
      out.push(term);
    }
    return out;
  };
}

/** Makes the vocabulary table `vocabularyPrefixTerms` reads (per connection, in the temp schema: it holds nothing). */
export function createVocabulary(db: Database.Database): void {
  db.exec('CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_terms USING fts5vocab(main, search_fts, row)');
}

/** Whether a body (its text as indexed) holds every phrase: the check the index without positions leaves to JS. */
export function holdsPhrases(body: string, phrases: readonly string[]): boolean {
  return phrases.length === 0 || tokenizer().matches(indexText(body), phrases.join(' AND '));
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
  conversation: number;
  tt: string;
  message_id: Buffer | string | null;
  sender_user: number;
  sent_at: number;
  body_type: number;
  body: string;
}

/**
 * Searches the store: hits newest first (by timetoken), at most `limit`. The conversation filter runs inside
 * the query, so a conversation not named never contributes a hit. Rows come from the index newest first and
 * stop at `limit` hits; a query with a phrase reads on past candidates whose body does not hold it.
 */
export function searchStore(db: Database.Database, names: Names, query: string, options: SearchOptions): SearchHit[] {
  const parsed = parseSearchQuery(query);
  const limit = Math.max(1, Math.min(MAX_SEARCH_LIMIT, Math.trunc(options.limit) || 1));
  const ids = options.conversationIds;
  let refs: number[] | undefined;
  if (ids !== undefined) {
    refs = ids.map((id) => names.ref(id)).filter((r): r is number => r !== undefined);
    if (refs.length === 0) return [];
  }
  const positionless = positionlessQuery(parsed, vocabularyPrefixTerms(db));
  const sql = `SELECT m.conversation, CAST(m.id / 100 AS TEXT) AS tt, m.message_id, m.sender_user, m.sent_at, m.body_type, m.body
     FROM search_fts f
     JOIN messages m ON m.id = f.rowid
     WHERE search_fts MATCH ? ${refs === undefined ? '' : 'AND m.conversation IN (SELECT value FROM json_each(?))'}
       AND m.outcome = 1
     ORDER BY f.rowid DESC ${positionless.phrases.length === 0 ? 'LIMIT ?' : ''}`;
  const params: unknown[] = [positionless.fts];
  if (refs !== undefined) params.push(JSON.stringify(refs));
  if (positionless.phrases.length === 0) params.push(limit);
  const hits: SearchHit[] = [];
  for (const r of db.prepare(sql).iterate(...params) as IterableIterator<HitRow>) {
    const text = r.body_type === 1 ? jsonText(r.body) : r.body;
    if (!holdsPhrases(text, positionless.phrases)) continue;
    hits.push({
      conversationId: names.name(r.conversation) as ConversationId,
      timetoken: r.tt,
      messageId: decodeMessageId(r.message_id) as MessageId,
      senderUser: names.name(r.sender_user) as UserId,
      sentAt: r.sent_at,
      snippet: snippet(text, parsed),
    });
    if (hits.length >= limit) break;
  }
  return hits;
}
