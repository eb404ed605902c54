/**
 * Presentational: the quick switcher (Ctrl/Cmd+K; docs/desktop.md "Search"): type part of a conversation's
 * name or a member's, the arrow keys move the active match, Enter or a click opens it. A combobox with a
 * listbox, focus staying in the input; Escape closes (Dialog).
 */
import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import type { ConversationRow } from '../model/conversationRows';
import { Dialog } from './Dialog';
import { Avatar } from './ui/Avatar';

export interface QuickSwitcherProps {
  query: string;
  rows: readonly ConversationRow[];
  onQuery(query: string): void;
  onChoose(id: ConversationRow['conversationId']): void;
  onClose(): void;
}

export function QuickSwitcher({ query, rows, onQuery, onChoose, onClose }: QuickSwitcherProps) {
  const listId = useId();
  const [active, setActive] = useState(0);
  useEffect(() => setActive(0), [rows]);
  const optionId = (i: number) => `${listId}-option-${i}`;
  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (rows.length === 0) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((i) => (e.key === 'ArrowDown' ? Math.min(rows.length - 1, i + 1) : Math.max(0, i - 1)));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const row = rows[Math.min(active, rows.length - 1)];
      if (row) onChoose(row.conversationId);
    }
  }
  return (
    <Dialog title="Go to conversation" onClose={onClose} testId="quick-switcher">
      <div className="field">
        <label htmlFor={`${listId}-input`}>Conversation name</label>
        <input
          id={`${listId}-input`}
          type="search"
          role="combobox"
          data-autofocus
          aria-expanded={rows.length > 0}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={rows.length > 0 ? optionId(Math.min(active, rows.length - 1)) : undefined}
          value={query}
          onChange={(e) => onQuery(e.target.value)}
          onKeyDown={onKeyDown}
          data-testid="switcher-input"
        />
      </div>
      <p className="muted" role="status" aria-live="polite">
        {rows.length === 0 ? (query.trim() === '' ? 'No conversations yet.' : `No conversation is called “${query.trim()}”.`) : ''}
      </p>
      <ul id={listId} role="listbox" aria-label="Conversations" className="search-results">
        {rows.map((row, i) => (
          <li
            key={row.conversationId}
            id={optionId(i)}
            role="option"
            aria-selected={i === active}
            className="search-result switcher-result"
            onClick={() => onChoose(row.conversationId)}
            onMouseEnter={() => setActive(i)}
            data-testid="switcher-result"
          >
            <Avatar id={row.avatarId} name={row.title} size="sm" group={row.kind === 'group'} />
            <strong>{row.title}</strong>
            {row.kind === 'group' && <span className="muted"> · group</span>}
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
