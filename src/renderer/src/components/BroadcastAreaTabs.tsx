/**
 * Presentational: the two areas of the messenger — conversations and broadcast channels
 * (docs/broadcast.md §8.1) — as tabs below the header. The arrow keys, Home and End move between the tabs
 * and select them.
 */
import type { KeyboardEvent } from 'react';
import type { MessengerArea } from '../state/broadcastSlice';

const AREAS: readonly { id: MessengerArea; label: string }[] = [
  { id: 'conversations', label: 'Conversations' },
  { id: 'channels', label: 'Channels' },
];

export interface BroadcastAreaTabsProps {
  area: MessengerArea;
  onArea(area: MessengerArea): void;
}

export function BroadcastAreaTabs({ area, onArea }: BroadcastAreaTabsProps) {
  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const index = AREAS.findIndex((a) => a.id === area);
    const next =
      e.key === 'ArrowRight' || e.key === 'ArrowDown'
        ? index + 1
        : e.key === 'ArrowLeft' || e.key === 'ArrowUp'
          ? index - 1
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? AREAS.length - 1
              : null;
    if (next === null) return;
    e.preventDefault();
    const target = AREAS[(next + AREAS.length) % AREAS.length];
    if (!target) return;
    onArea(target.id);
    e.currentTarget.querySelector<HTMLButtonElement>(`#area-tab-${target.id}`)?.focus();
  }
  return (
    <div role="tablist" aria-label="Messenger areas" className="tabs area-tabs" onKeyDown={onKeyDown}>
      {AREAS.map((a) => (
        <button
          key={a.id}
          type="button"
          role="tab"
          id={`area-tab-${a.id}`}
          aria-selected={area === a.id}
          tabIndex={area === a.id ? 0 : -1}
          onClick={() => onArea(a.id)}
          data-testid={`area-${a.id}`}
        >
          {a.label}
        </button>
      ))}
    </div>
  );
}
