/**
 * Presentational: the conversation list (unread counts, previews, search) with the "New
 * conversation" action. Each conversation is a button; the selected one is marked `aria-current`; the arrow
 * keys, Home and End move between conversations.
 */
import type { KeyboardEvent } from 'react';
import type { ConversationRow } from '../model/conversationRows';
import { nextListIndex } from '../model/listKeys';
import { Field } from './Field';

export interface ConversationListProps {
  rows: readonly ConversationRow[];
  selectedId: string | null;
  query: string;
  loading: boolean;
  onQuery(query: string): void;
  onSelect(id: ConversationRow['conversationId']): void;
  onNew(): void;
}

function moveFocus(e: KeyboardEvent<HTMLUListElement>) {
  const buttons = [...e.currentTarget.querySelectorAll<HTMLButtonElement>('button.conversation-row')];
  const next = nextListIndex(
    buttons.findIndex((b) => b === document.activeElement),
    e.key,
    buttons.length,
  );
  if (next === null) return;
  e.preventDefault();
  buttons[next]?.focus();
}

export function ConversationList({ rows, selectedId, query, loading, onQuery, onSelect, onNew }: ConversationListProps) {
  return (
    <nav className="conversation-list" aria-label="Conversations">
      <div className="conversation-list-tools">
        <Field label="Search conversations" type="search" value={query} onChange={onQuery} data-testid="conversation-search" />
        <button type="button" onClick={onNew} data-testid="new-conversation">
          New conversation
        </button>
      </div>
      {loading && <p aria-busy="true">Loading conversations…</p>}
      {!loading && rows.length === 0 && <p className="muted">{query ? 'No conversation matches.' : 'No conversations yet.'}</p>}
      <ul onKeyDown={moveFocus}>
        {rows.map((row) => (
          <li key={row.conversationId}>
            <button
              type="button"
              className="conversation-row"
              aria-current={row.conversationId === selectedId ? 'true' : undefined}
              onClick={() => onSelect(row.conversationId)}
              data-testid="conversation-row"
              data-conversation-id={row.conversationId}
            >
              <span className="conversation-title">
                {row.title}
                {row.kind === 'group' && <span className="muted"> · group</span>}
              </span>
              {row.unread > 0 && (
                <span className="badge" aria-label={`${row.unread} unread`} data-testid="unread-count">
                  {row.unread}
                </span>
              )}
              <span className="conversation-preview muted">{row.preview}</span>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
