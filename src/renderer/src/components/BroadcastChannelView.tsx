/**
 * Presentational: one broadcast channel (docs/broadcast.md §8.1). The key manager that holds the
 * channel keys is named before following, since it can read the channel. Followed, it shows the newest
 * messages oldest first (scrolling up or "Load older" opens more), a composer for publishers and the
 * owner, and "Manage access" for the owner. Unfollowing deletes this device's copy of the channel keys,
 * so without access it asks first: the history could not be read again.
 */
import { useState } from 'react';
import type { BroadcastChannelSummary } from '../../../common/ipc/schemas/broadcast';
import { canPublish, rolesText } from '../model/broadcastChannels';
import type { BroadcastRow } from '../model/broadcastRows';
import type { UiError } from '../model/uiError';
import { BroadcastMessageRow } from './BroadcastMessageRow';
import { Composer } from './Composer';
import { Dialog } from './Dialog';
import { ErrorNotice } from './ErrorNotice';
import { VirtualList } from './VirtualList';
import { Avatar } from './ui/Avatar';
import { Button } from './ui/Button';
import { EmptyState } from './ui/EmptyState';

export interface BroadcastChannelViewProps {
  channel: BroadcastChannelSummary;
  rows: readonly BroadcastRow[];
  hasOlder: boolean;
  draft: string;
  busy: boolean;
  error: UiError | null;
  notice: string | null;
  onFollow(): void;
  onUnfollow(): void;
  onLoadOlder(): void;
  onDraft(text: string): void;
  onPublish(): void;
  onManageAccess(): void;
}

const keyOf = (row: BroadcastRow) => row.key;

export function BroadcastChannelView(props: BroadcastChannelViewProps) {
  const { channel: c } = props;
  const [confirmUnfollow, setConfirmUnfollow] = useState(false);
  const hasAccess = c.owner || c.subscriber || c.publisher;
  return (
    <section className="chat" aria-label={`Channel ${c.name}`} data-testid="channel-view">
      <header className="chat-header">
        <Avatar id={c.channelId} name={c.name} size="lg" group />
        <div className="chat-heading">
          <h2 data-testid="channel-title">{c.name}</h2>
          <p className="muted" data-testid="channel-your-roles">
            Your roles: {rolesText(c)}
          </p>
        </div>
        <div className="chat-actions">
          {c.owner && (
            <Button variant="ghost" onClick={props.onManageAccess} data-testid="manage-channel-access">
              Manage access
            </Button>
          )}
          {c.following ? (
            <Button disabled={props.busy} onClick={() => (hasAccess ? props.onUnfollow() : setConfirmUnfollow(true))} data-testid="unfollow-channel">
              Unfollow
            </Button>
          ) : (
            <Button variant="primary" disabled={props.busy} onClick={props.onFollow} data-testid="follow-channel">
              Follow
            </Button>
          )}
        </div>
      </header>
      <div className="banner key-manager" data-testid="channel-key-manager">
        <p>
          Key manager: <code data-testid="channel-key-manager-url">{c.keyManagerUrl}</code>
        </p>
        <p className="muted">
          This key manager can read the channel: it holds the keys and hands them to readers.{c.following ? '' : ' Follow only if you trust it.'}
        </p>
      </div>
      {props.notice !== null && (
        <p role="status" className="ok" data-testid="channel-notice">
          {props.notice}
        </p>
      )}
      <ErrorNotice error={props.error} testId="channel-error" />
      {c.following ? (
        <>
          <div className="history-tools">
            {props.hasOlder ? (
              <Button variant="ghost" size="sm" onClick={props.onLoadOlder} data-testid="channel-load-older">
                Load older posts
              </Button>
            ) : (
              <span className="muted">{props.rows.length === 0 ? 'No posts yet.' : 'Start of the channel'}</span>
            )}
          </div>
          <VirtualList
            items={props.rows}
            keyOf={keyOf}
            label={`Posts in ${c.name}`}
            onNearTop={props.hasOlder ? props.onLoadOlder : undefined}
            testId="channel-log"
            render={(row) => <BroadcastMessageRow row={row} />}
          />
          {canPublish(c) ? (
            <Composer value={props.draft} disabledReason={props.busy ? 'Publishing…' : null} onChange={props.onDraft} onSend={props.onPublish} />
          ) : (
            <p className="muted" data-testid="channel-read-only">
              Only the owner and publishers can post here.
            </p>
          )}
        </>
      ) : (
        <EmptyState title="Not following yet">Follow the channel to read its posts.</EmptyState>
      )}
      {confirmUnfollow && (
        <Dialog title="Unfollow this channel?" onClose={() => setConfirmUnfollow(false)} testId="confirm-unfollow">
          <p>
            You no longer have access to this channel. Unfollowing deletes this device’s keys for it, so you will not be able to read its earlier posts again.
          </p>
          <div className="dialog-actions">
            <Button onClick={() => setConfirmUnfollow(false)}>Cancel</Button>
            <Button
              variant="danger"
              className="solid"
              onClick={() => {
                setConfirmUnfollow(false);
                props.onUnfollow();
              }}
              data-testid="confirm-unfollow-button"
            >
              Unfollow
            </Button>
          </div>
        </Dialog>
      )}
    </section>
  );
}
