/**
 * Presentational: one row of the chat history (the items of docs/messaging.md §Timeline, laid out by
 * model/timelineLayout.ts): a message (text as text only, delivery state, reactions, read
 * receipts, retry of a failed send) — the first of its group with the avatar, author and time, the others
 * with the time on hover, every one with its full date and time as a tooltip and in its accessible name,
 * the first of a day under the day separator;
 * a "cannot decrypt yet" placeholder; a rejected envelope (why, in a sentence; the code in `data-code`);
 * or a membership line (with the "new" badge when it adds a new contact). The quick reactions appear on
 * hover or keyboard focus, so they do not sit under every message.
 */
import type { DisplayRow, MessageDisplay } from '../model/timelineLayout';
import { NewContactBadge } from './NewContactBadge';
import { Avatar } from './ui/Avatar';
import { Button } from './ui/Button';

export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉'] as const;

export interface MessageRowProps {
  row: DisplayRow;
  onRetry(messageId: string): void;
  onReact(timetoken: string, value: string, mine: boolean): void;
  /** A send in main's offline queue: try it again (after a stop), or delete it (it never goes out). */
  onRetryQueued?(messageId: string): void;
  onDeleteQueued?(messageId: string): void;
}

const DELIVERY_TEXT = { sending: 'Sending…', sent: 'Sent', read: 'Read', failed: 'Not sent', unreadable: 'No device can read this yet' } as const;

export function MessageRow({ row, onRetry, onReact, onRetryQueued, onDeleteQueued }: MessageRowProps) {
  switch (row.kind) {
    case 'system':
      return (
        <p className="system-line" data-testid="system-line">
          {row.text}
          {row.newContact !== undefined && (
            <>
              {' '}
              <NewContactBadge name={row.newContact} />
            </>
          )}
        </p>
      );
    case 'pending':
      return (
        <p className="placeholder" data-testid="pending-message" aria-busy="true">
          🔒 {row.text}
        </p>
      );
    case 'rejected':
      return (
        <p className="placeholder bad" data-testid="rejected-message" data-code={row.code}>
          ⚠ {row.text}
        </p>
      );
    case 'message':
      return <MessageBubble row={row} onRetry={onRetry} onReact={onReact} onRetryQueued={onRetryQueued} onDeleteQueued={onDeleteQueued} />;
    default:
      throw new Error(`unknown row ${JSON.stringify(row satisfies never)}`);
  }
}

function MessageBubble({ row, onRetry, onReact, onRetryQueued, onDeleteQueued }: MessageRowProps & { row: MessageDisplay }) {
  const timetoken = row.timetoken;
  const iso = new Date(row.sentAt).toISOString();
  return (
    <>
      {row.day !== null && (
        <p className="day-separator" data-testid="day-separator">
          {row.day}
        </p>
      )}
      <article
        className={`message chat-message${row.mine ? ' mine' : ''}${row.groupStart ? ' group-start' : ''}`}
        data-testid="message"
        data-message-id={row.messageId}
        aria-label={`${row.author}, ${row.fullTime}`}
      >
        <div className="message-gutter">
          {row.groupStart ? (
            <Avatar id={row.senderId} name={row.avatarName ?? row.author} />
          ) : (
            <time className="hover-time" dateTime={iso} title={row.fullTime} aria-hidden="true">
              {row.clock}
            </time>
          )}
        </div>
        <header className={row.groupStart ? 'message-meta' : 'visually-hidden'}>
          <span className="message-author">{row.author}</span>{' '}
          <time dateTime={iso} title={row.fullTime} data-testid="message-time">
            {row.clock}
          </time>
        </header>
        <p className="message-text" dir="auto" data-testid="message-text">
          {row.text}
        </p>
        <footer className="message-footer">
          {row.queued && (
            <span className={`delivery ${row.queued.state}`} data-testid="queued-state" data-code={row.queued.code ?? undefined} role="status">
              {row.queued.text}
            </span>
          )}
          {row.queued?.state === 'failed' && row.queued.canRetry && onRetryQueued && (
            <Button size="sm" onClick={() => onRetryQueued(row.messageId)} data-testid="retry-queued">
              Retry
            </Button>
          )}
          {row.queued?.state === 'failed' && onDeleteQueued && (
            <Button size="sm" variant="danger" onClick={() => onDeleteQueued(row.messageId)} data-testid="delete-queued">
              Delete
            </Button>
          )}
          {row.expiresIn !== undefined && (
            <span className="message-expiry muted" data-testid="message-expiry" title="This message disappears for everyone when its timer runs out">
              ⏱ {row.expiresIn}
            </span>
          )}
          {row.delivery && (
            <span
              className={`delivery ${row.delivery}`}
              data-testid="delivery-state"
              title={row.readBy.length ? `Read by ${row.readBy.join(', ')}` : undefined}
            >
              {DELIVERY_TEXT[row.delivery]}
              {row.delivery === 'read' && row.readBy.length > 0 ? ` by ${row.readBy.join(', ')}` : ''}
            </span>
          )}
          {row.delivery === 'failed' && (
            <Button size="sm" onClick={() => onRetry(row.messageId)} data-testid="retry-send" title={row.failure ?? undefined}>
              Retry
            </Button>
          )}
          {timetoken !== undefined && row.reactions.length > 0 && (
            <span className="reactions" role="group" aria-label="Reactions">
              {row.reactions.map((r) => (
                <button
                  key={r.value}
                  type="button"
                  className="reaction"
                  aria-pressed={r.mine}
                  aria-label={`${r.value} ${r.count}, by ${r.names}`}
                  onClick={() => onReact(timetoken, r.value, r.mine)}
                  data-testid="reaction"
                >
                  {r.value} {r.count}
                </button>
              ))}
            </span>
          )}
        </footer>
        {timetoken !== undefined && (
          <span className="message-toolbar" role="group" aria-label="React">
            {QUICK_REACTIONS.filter((v) => !row.reactions.some((r) => r.value === v)).map((v) => (
              <button key={v} type="button" aria-label={`React with ${v}`} title={`React with ${v}`} onClick={() => onReact(timetoken, v, false)}>
                {v}
              </button>
            ))}
          </span>
        )}
      </article>
    </>
  );
}
