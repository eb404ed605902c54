/**
 * Presentational: message search (Ctrl/Cmd+F; docs/desktop.md "Search"). A combobox input with its results
 * listbox: the arrow keys move the active result while focus stays in the input, Enter or a click opens
 * it; a checkbox widens the search from the open conversation to all; a live status line says what was
 * found ("No messages match …"). An opened result shows the stored messages around it with the found one
 * marked and focused, and a sentence while it is found in the conversation (the dialog then closes on it)
 * or why it cannot be shown there; "Back to results" returns. Escape closes (Dialog).
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type { SearchHitView } from '../../../common/ipc/schemas/search';
import { Dialog } from './Dialog';
import { SearchSnippet } from './SearchSnippet';

export interface SearchResultRow {
  readonly hit: SearchHitView;
  readonly conversation: string;
  readonly sender: string;
  readonly date: string;
}

export interface ContextRow {
  readonly key: string;
  readonly sender: string;
  readonly date: string;
  readonly text: string;
  /** Where the search matched in `text` (the found message only). */
  readonly highlights: readonly (readonly [number, number])[];
  readonly found: boolean;
}

export interface SearchDialogProps {
  query: string;
  /** The open conversation's title when the search can be narrowed to it, else null. */
  scopeTitle: string | null;
  all: boolean;
  busy: boolean;
  status: string;
  results: readonly SearchResultRow[];
  /** The opened result's surroundings, or null while the results list shows. */
  context: {
    readonly title: string;
    readonly rows: readonly ContextRow[];
    readonly loading: boolean;
    readonly hit: SearchResultRow;
    /** The jump into the conversation under way, or why it did not happen; null when there is nothing to say. */
    readonly jumpText?: string | null;
  } | null;
  onQuery(query: string): void;
  onAll(all: boolean): void;
  onOpen(hit: SearchHitView): void;
  onBack(): void;
  onClose(): void;
}

export function SearchDialog(props: SearchDialogProps) {
  const listId = useId();
  const [active, setActive] = useState(0);
  const { results } = props;
  useEffect(() => setActive(0), [results]);
  const optionId = (i: number) => `${listId}-option-${i}`;
  const input = useRef<HTMLInputElement>(null);
  const showingResults = props.context === null;
  // Back from a message's context: the search field has focus again.
  useEffect(() => {
    if (showingResults) input.current?.focus();
  }, [showingResults]);
  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (results.length === 0) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((i) => (e.key === 'ArrowDown' ? Math.min(results.length - 1, i + 1) : Math.max(0, i - 1)));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const row = results[Math.min(active, results.length - 1)];
      if (row) props.onOpen(row.hit);
    }
  }
  return (
    <Dialog title="Search messages" onClose={props.onClose} testId="search-dialog">
      {props.context === null ? (
        <>
          <div className="field">
            <label htmlFor={`${listId}-input`}>Search messages</label>
            <input
              id={`${listId}-input`}
              ref={input}
              type="search"
              role="combobox"
              data-autofocus
              aria-expanded={results.length > 0}
              aria-controls={listId}
              aria-autocomplete="list"
              aria-activedescendant={results.length > 0 ? optionId(Math.min(active, results.length - 1)) : undefined}
              value={props.query}
              maxLength={200}
              onChange={(e) => props.onQuery(e.target.value)}
              onKeyDown={onKeyDown}
              data-testid="search-input"
            />
          </div>
          {props.scopeTitle !== null && (
            <label className="search-scope">
              <input type="checkbox" checked={props.all} onChange={(e) => props.onAll(e.target.checked)} data-testid="search-all" /> Search all conversations
              (not only {props.scopeTitle})
            </label>
          )}
          <p className="muted search-status" role="status" aria-live="polite" aria-busy={props.busy} data-testid="search-status">
            {props.status}
          </p>
          <ul id={listId} role="listbox" aria-label="Messages found" className="search-results" data-testid="search-results">
            {results.map((row, i) => (
              <li
                key={`${row.hit.conversationId}:${row.hit.timetoken}`}
                id={optionId(i)}
                role="option"
                aria-selected={i === active}
                className="search-result"
                onClick={() => props.onOpen(row.hit)}
                onMouseEnter={() => setActive(i)}
                data-testid="search-result"
              >
                <span className="search-result-meta">
                  <strong>{row.conversation}</strong> · {row.sender} · <time dateTime={new Date(row.hit.sentAt).toISOString()}>{row.date}</time>
                </span>
                <SearchSnippet text={row.hit.snippet.text} highlights={row.hit.snippet.highlights} />
              </li>
            ))}
          </ul>
        </>
      ) : (
        <MessageContextView context={props.context} onBack={props.onBack} onClose={props.onClose} />
      )}
    </Dialog>
  );
}

function MessageContextView({ context, onBack, onClose }: { context: NonNullable<SearchDialogProps['context']>; onBack(): void; onClose(): void }) {
  const found = useRef<HTMLLIElement>(null);
  useEffect(() => {
    found.current?.scrollIntoView?.({ block: 'center' });
    found.current?.focus();
  }, [context.rows]);
  return (
    <section aria-label={`Found message in ${context.title}`} data-testid="search-context">
      <p className="muted">
        In <strong>{context.title}</strong>: the message from {context.hit.sender} on {context.hit.date}, with the messages around it.
      </p>
      {context.loading && <p aria-busy="true">Loading the messages around it…</p>}
      <p className="muted search-jump-status" role="status" data-testid="search-jump-status">
        {context.jumpText ?? ''}
      </p>
      <ol className="search-context" aria-label="Messages around the one found">
        {context.rows.map((row) => (
          <li
            key={row.key}
            ref={row.found ? found : undefined}
            tabIndex={row.found ? -1 : undefined}
            aria-current={row.found ? 'true' : undefined}
            className={row.found ? 'search-context-row found' : 'search-context-row'}
            data-testid={row.found ? 'search-context-hit' : 'search-context-row'}
          >
            <span className="search-result-meta">
              {row.sender} · {row.date}
            </span>
            <SearchSnippet text={row.text} highlights={row.highlights} />
          </li>
        ))}
      </ol>
      <div className="dialog-actions">
        <button type="button" onClick={onBack} data-testid="search-back">
          Back to results
        </button>
        <button type="button" onClick={onClose} data-testid="search-go-to-conversation">
          Go to the conversation
        </button>
      </div>
    </section>
  );
}
