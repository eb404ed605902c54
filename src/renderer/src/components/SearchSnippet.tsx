/**
 * Presentational: a search snippet as text with its matches in <mark> — never HTML: the message text is
 * split at the highlight ranges main computed and each part is a React text node.
 */
export interface SearchSnippetProps {
  text: string;
  highlights: readonly (readonly [number, number])[];
}

/** The snippet cut into plain and marked parts (ranges clipped to the text, in order, never overlapping). */
export function snippetParts(text: string, highlights: readonly (readonly [number, number])[]): { text: string; marked: boolean }[] {
  const parts: { text: string; marked: boolean }[] = [];
  let at = 0;
  for (const [start, end] of [...highlights].sort((a, b) => a[0] - b[0])) {
    const s = Math.max(at, Math.min(start, text.length));
    const e = Math.max(s, Math.min(end, text.length));
    if (s > at) parts.push({ text: text.slice(at, s), marked: false });
    if (e > s) parts.push({ text: text.slice(s, e), marked: true });
    at = Math.max(at, e);
  }
  if (at < text.length) parts.push({ text: text.slice(at), marked: false });
  return parts;
}

export function SearchSnippet({ text, highlights }: SearchSnippetProps) {
  return (
    <span className="search-snippet" data-testid="search-snippet">
      {snippetParts(text, highlights).map((p, i) => (p.marked ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
    </span>
  );
}
