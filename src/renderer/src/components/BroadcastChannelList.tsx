/**
 * Presentational: the channel list of the "Channels" area (docs/broadcast.md §8.1): every channel of the
 * directory and every followed one, with this user's roles and whether this device follows it, plus "New
 * channel" and "Refresh". Each channel is a button; the selected one is `aria-current`; arrows, Home and
 * End move.
 */
import type { KeyboardEvent } from 'react';
import type { BroadcastChannelSummary } from '../../../common/ipc/schemas/broadcast';
import { rolesText } from '../model/broadcastChannels';
import { nextListIndex } from '../model/listKeys';
import { Avatar } from './ui/Avatar';
import { Badge } from './ui/Badge';
import { Button } from './ui/Button';

export interface BroadcastChannelListProps {
  channels: readonly BroadcastChannelSummary[];
  selectedId: string | null;
  loading: boolean;
  onSelect(id: BroadcastChannelSummary['channelId']): void;
  onNew(): void;
  onRefresh(): void;
}

function moveFocus(e: KeyboardEvent<HTMLUListElement>) {
  const buttons = [...e.currentTarget.querySelectorAll<HTMLButtonElement>('button.channel-row')];
  const next = nextListIndex(
    buttons.findIndex((b) => b === document.activeElement),
    e.key,
    buttons.length,
  );
  if (next === null) return;
  e.preventDefault();
  buttons[next]?.focus();
}

export function BroadcastChannelList({ channels, selectedId, loading, onSelect, onNew, onRefresh }: BroadcastChannelListProps) {
  return (
    <nav className="conversation-list" aria-label="Channels">
      <div className="conversation-list-tools">
        <Button variant="primary" onClick={onNew} data-testid="new-channel">
          New channel
        </Button>
        <Button variant="ghost" onClick={onRefresh} data-testid="refresh-channels">
          Refresh
        </Button>
      </div>
      {loading && <p aria-busy="true">Loading channels…</p>}
      {!loading && channels.length === 0 && <p className="muted">No channels yet.</p>}
      <ul onKeyDown={moveFocus}>
        {channels.map((c) => (
          <li key={c.channelId}>
            <button
              type="button"
              className="conversation-row channel-row"
              aria-current={c.channelId === selectedId ? 'true' : undefined}
              onClick={() => onSelect(c.channelId)}
              data-testid="channel-row"
              data-channel-id={c.channelId}
            >
              <Avatar id={c.channelId} name={c.name} group />
              <span className="conversation-main">
                <span className="conversation-top">
                  <span className="conversation-title">{c.name}</span>
                  {c.following && <Badge tone="accent">following</Badge>}
                </span>
                <span className="conversation-bottom">
                  <span className="conversation-preview" data-testid="channel-roles">
                    {rolesText(c)}
                  </span>
                </span>
              </span>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
