/**
 * Presentational: the conversation list — each row an avatar, the name, when the newest message came
 * ("now", "14:05", "Tue", "12 Mar"), a preview of it and the unread count — with search and "New
 * conversation". Each conversation is a button; the selected one is marked `aria-current`; the arrow
 * keys, Home and End move between conversations.
 */
import type { KeyboardEvent } from 'react';
import type { ConversationRow } from '../model/conversationRows';
import { nextListIndex } from '../model/listKeys';
import { fullTime, listTime } from '../model/relativeTime';
import { Field } from './Field';
import { Avatar } from './ui/Avatar';
import { Badge, countText } from './ui/Badge';
import { Button } from './ui/Button';
import { EmptyState } from './ui/EmptyState';

export interface ConversationListProps {
  rows: readonly ConversationRow[];
  selectedId: string | null;
  query: string;
  loading: boolean;
  /** The clock the times are relative to (ms). */
  now: number;
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

export function ConversationList({ rows, selectedId, query, loading, now, onQuery, onSelect, onNew }: ConversationListProps) {
  return (
    <nav className="conversation-list" aria-label="Conversations">
      <div className="conversation-list-tools">
        <Field label="Search conversations" type="search" placeholder="Search" value={query} onChange={onQuery} data-testid="conversation-search" />
        <Button variant="primary" onClick={onNew} data-testid="new-conversation">
          New conversation
        </Button>
      </div>
      {loading && <p aria-busy="true">Loading conversations…</p>}
      {!loading && rows.length === 0 && (
        <p className="muted">{query ? 'No conversation matches.' : 'No conversations yet. Start one with “New conversation”.'}</p>
      )}
      <ul onKeyDown={moveFocus}>
        {rows.map((row) => (
          <li key={row.conversationId}>
            <button
              type="button"
              className={`conversation-row${row.unread > 0 ? ' unread' : ''}`}
              aria-current={row.conversationId === selectedId ? 'true' : undefined}
              onClick={() => onSelect(row.conversationId)}
              data-testid="conversation-row"
              data-conversation-id={row.conversationId}
            >
              <Avatar id={row.avatarId} name={row.title} group={row.kind === 'group'} />
              <span className="conversation-main">
                <span className="conversation-top">
                  <span className="conversation-title">
                    {row.title}
                    {row.kind === 'group' && <span className="visually-hidden"> (group)</span>}
                  </span>
                  {row.lastAt !== null && (
                    <time
                      className="conversation-time"
                      dateTime={new Date(row.lastAt).toISOString()}
                      title={fullTime(row.lastAt)}
                      data-testid="conversation-time"
                    >
                      {listTime(row.lastAt, now)}
                    </time>
                  )}
                </span>
                <span className="conversation-bottom">
                  <span className="conversation-preview">{row.preview}</span>
                  {row.unread > 0 && (
                    <Badge tone="count" label={`${row.unread} unread`} testId="unread-count">
                      {countText(row.unread)}
                    </Badge>
                  )}
                </span>
              </span>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** The chat area when no conversation is open. */
export function NoConversation({ onNew }: { onNew(): void }) {
  return (
    <EmptyState
      title="No conversation open"
      action={
        <Button variant="primary" onClick={onNew} data-testid="empty-new-conversation">
          Start a conversation
        </Button>
      }
      testId="no-conversation"
    >
      Choose a conversation on the left, or start a new one. Everything you send is end-to-end encrypted.
    </EmptyState>
  );
}
