/**
 * Presentational: the conversation list — each row an avatar, the name, when the newest message came
 * ("now", "14:05", "Tue", "12 Mar"), a preview of it and the unread count — with search and "New
 * conversation". Each conversation is a button; the selected one is marked `aria-current`; the arrow
 * keys, Home and End move between conversations. Filters show all conversations, the unread ones, or
 * those with an unread mention of this user. A pinned conversation is listed first with a pin, a muted one
 * shows a muted bell and a quiet count, one marked unread a dot; each row's "Conversation options" button
 * (also Shift+F10 or the ContextMenu key on the row, or a right-click) opens a menu to pin, mute or mark it.
 */
import { useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { ConversationRow, ListFilter } from '../model/conversationRows';
import type { PrefName } from '../model/conversationPrefs';
import { MessageMenu, type MessageMenuItem } from './MessageMenu';
import { nextListIndex } from '../model/listKeys';
import { fullTime, listTime } from '../model/relativeTime';
import { Field } from './Field';
import { Avatar } from './ui/Avatar';
import { PresenceDot } from './ui/PresenceDot';
import type { PeerPresence } from '../../../common/presence/presenceFeed';
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
  /** The filter shown (default all) and how to change it; without `onFilter` there are no filters. */
  filter?: ListFilter;
  onFilter?(filter: ListFilter): void;
  /** Pins, mutes or marks a conversation unread; without it rows have no options menu. */
  onPref?(id: ConversationRow['conversationId'], name: PrefName, on: boolean): void;
  /** A direct conversation's peer's presence (docs/messaging.md "Presence"); without it no dots are shown. */
  presenceOf?(userId: string): PeerPresence | undefined;
}

const FILTERS: readonly { value: ListFilter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'unread', label: 'Unread' },
  { value: 'mentions', label: 'Mentions' },
];

const EMPTY_FILTERED: Record<ListFilter, string> = {
  all: 'No conversation matches.',
  unread: 'No unread conversations.',
  mentions: 'Nobody mentioned you in a conversation you have not read.',
};

/** The options of a row's menu, in order. */
export function rowMenuItems(row: ConversationRow, onPref: NonNullable<ConversationListProps['onPref']>): MessageMenuItem[] {
  const id = row.conversationId;
  return [
    { label: row.pinned ? 'Unpin' : 'Pin to top', testId: 'row-pin', act: () => onPref(id, 'pinned', !row.pinned) },
    { label: row.muted ? 'Unmute' : 'Mute notifications', testId: 'row-mute', act: () => onPref(id, 'muted', !row.muted) },
    row.markedUnread
      ? { label: 'Mark as read', testId: 'row-mark-unread', act: () => onPref(id, 'markedUnread', false) }
      : { label: 'Mark as unread', testId: 'row-mark-unread', act: () => onPref(id, 'markedUnread', true) },
  ];
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

export function ConversationList({
  rows,
  selectedId,
  query,
  loading,
  now,
  onQuery,
  onSelect,
  onNew,
  filter = 'all',
  onFilter,
  onPref,
  presenceOf,
}: ConversationListProps) {
  return (
    <nav className="conversation-list" aria-label="Conversations">
      <div className="conversation-list-tools">
        <Field label="Search conversations" type="search" placeholder="Search" value={query} onChange={onQuery} data-testid="conversation-search" />
        <Button variant="primary" onClick={onNew} data-testid="new-conversation">
          New conversation
        </Button>
      </div>
      {onFilter && (
        <div className="list-filters" role="group" aria-label="Show">
          {FILTERS.map((f) => (
            <button
              key={f.value}
              type="button"
              className="list-filter"
              aria-pressed={filter === f.value}
              onClick={() => onFilter(f.value)}
              data-testid={`filter-${f.value}`}
            >
              {f.label}
            </button>
          ))}
        </div>
      )}
      {loading && <p aria-busy="true">Loading conversations…</p>}
      {!loading && rows.length === 0 && (
        <p className="muted" data-testid="list-empty">
          {query || filter !== 'all' ? EMPTY_FILTERED[filter] : 'No conversations yet. Start one with “New conversation”.'}
        </p>
      )}
      <ul onKeyDown={moveFocus}>
        {rows.map((row) => (
          <Row
            key={row.conversationId}
            row={row}
            selected={row.conversationId === selectedId}
            now={now}
            onSelect={onSelect}
            onPref={onPref}
            presenceOf={presenceOf}
          />
        ))}
      </ul>
    </nav>
  );
}

function Row({
  row,
  selected,
  now,
  onSelect,
  onPref,
  presenceOf,
}: {
  row: ConversationRow;
  selected: boolean;
  now: number;
  onSelect: ConversationListProps['onSelect'];
  onPref: ConversationListProps['onPref'];
  presenceOf: ConversationListProps['presenceOf'];
}) {
  const [menu, setMenu] = useState(false);
  const more = useRef<HTMLButtonElement>(null);
  const openMenu = (e: MouseEvent | KeyboardEvent) => {
    if (!onPref) return;
    e.preventDefault();
    setMenu(true);
  };
  const unreadLabel = `${row.unread} unread${row.mentions > 0 ? `, ${row.mentions} ${row.mentions === 1 ? 'mention' : 'mentions'} of you` : ''}`;
  return (
    <li
      className={`conversation-item${menu ? ' menu-open' : ''}`}
      onContextMenu={openMenu}
      onKeyDown={(e) => {
        if (e.key === 'ContextMenu' || (e.shiftKey && e.key === 'F10')) openMenu(e);
      }}
    >
      <button
        type="button"
        className={`conversation-row${row.unread > 0 || row.markedUnread ? ' unread' : ''}${row.muted ? ' muted' : ''}`}
        aria-current={selected ? 'true' : undefined}
        onClick={() => onSelect(row.conversationId)}
        data-testid="conversation-row"
        data-conversation-id={row.conversationId}
      >
        {row.kind === 'direct' && presenceOf !== undefined ? (
          <span className="presence-anchor">
            <Avatar id={row.avatarId} name={row.title} />
            <PresenceDot presence={presenceOf(row.avatarId)} now={now} />
          </span>
        ) : (
          <Avatar id={row.avatarId} name={row.title} group={row.kind === 'group'} />
        )}
        <span className="conversation-main">
          <span className="conversation-top">
            <span className="conversation-title">
              {row.title}
              {row.kind === 'group' && <span className="visually-hidden"> (group)</span>}
              {row.pinned && (
                <span className="row-flag" title="Pinned" data-testid="row-pinned">
                  <PinIcon />
                  <span className="visually-hidden"> (pinned)</span>
                </span>
              )}
              {row.muted && (
                <span className="row-flag" title="Muted" data-testid="row-muted">
                  <MutedIcon />
                  <span className="visually-hidden"> (muted)</span>
                </span>
              )}
            </span>
            {row.lastAt !== null && (
              <time className="conversation-time" dateTime={new Date(row.lastAt).toISOString()} title={fullTime(row.lastAt)} data-testid="conversation-time">
                {listTime(row.lastAt, now)}
              </time>
            )}
          </span>
          <span className="conversation-bottom">
            <span className="conversation-preview">{row.preview}</span>
            {row.mentions > 0 && (
              <span className="mention-badge" data-testid="mention-badge" aria-hidden="true">
                @
              </span>
            )}
            {row.unread > 0 ? (
              <Badge tone={row.muted && row.mentions === 0 ? 'neutral' : 'count'} label={unreadLabel} testId="unread-count">
                {countText(row.unread)}
              </Badge>
            ) : (
              row.markedUnread && <span className="unread-dot" role="img" aria-label="Marked unread" data-testid="marked-unread" />
            )}
          </span>
        </span>
      </button>
      {onPref && (
        <button
          ref={more}
          type="button"
          className="row-more"
          aria-label={`Conversation options for ${row.title}`}
          title="Conversation options (Shift+F10)"
          aria-haspopup="menu"
          aria-expanded={menu}
          onClick={() => setMenu((open) => !open)}
          data-testid="row-more"
        >
          ⋯
        </button>
      )}
      {menu && onPref && (
        <MessageMenu
          label={`Options for ${row.title}`}
          items={rowMenuItems(row, onPref)}
          onClose={(refocus) => {
            setMenu(false);
            if (refocus) more.current?.focus();
          }}
        />
      )}
    </li>
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

/** Icons as SVG (no emoji font needed), drawn in the text colour. */
function PinIcon() {
  return (
    <svg className="icon" viewBox="0 0 24 24" width="14" height="14" aria-hidden="true" focusable="false">
      <path d="M9 3h6l-1 6 3 3v2H7v-2l3-3-1-6zM12 14v7" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinejoin="round" strokeLinecap="round" />
    </svg>
  );
}

function MutedIcon() {
  return (
    <svg className="icon" viewBox="0 0 24 24" width="14" height="14" aria-hidden="true" focusable="false">
      <path
        d="M6 16V11a6 6 0 0 1 9.5-4.9M18 11v5l1.5 2H6M10 20a2 2 0 0 0 4 0M4 4l16 16"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.8"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
