/**
 * Presentational: one row of the chat history (the items of docs/messaging.md §Timeline): a message
 * (author, text as text only, time, delivery state, reactions, read receipts, retry of a failed send), a
 * "cannot decrypt yet" placeholder, a rejected envelope (why, in a sentence; the code in `data-code`), or a
 * system line (key rotation, membership change — with the "new" badge when it adds a new contact).
 */
import type { TimelineRow } from '../model/timelineRows';
import { NewContactBadge } from './NewContactBadge';

export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉'] as const;

export interface MessageRowProps {
  row: TimelineRow;
  onRetry(messageId: string): void;
  onReact(timetoken: string, value: string, mine: boolean): void;
  /** A send in main's offline queue: try it again (after a stop), or delete it (it never goes out). */
  onRetryQueued?(messageId: string): void;
  onDeleteQueued?(messageId: string): void;
}

const DELIVERY_TEXT = { sending: 'Sending…', sent: 'Sent', read: 'Read', failed: 'Not sent' } as const;

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

function MessageBubble({ row, onRetry, onReact, onRetryQueued, onDeleteQueued }: MessageRowProps & { row: Extract<TimelineRow, { kind: 'message' }> }) {
  const time = new Date(row.sentAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const timetoken = row.timetoken;
  return (
    <article className={`message${row.mine ? ' mine' : ''}`} data-testid="message" data-message-id={row.messageId} aria-label={`${row.author} at ${time}`}>
      <header className="message-meta">
        <span className="message-author">{row.author}</span> <time>{time}</time>
      </header>
      <p className="message-text" data-testid="message-text">
        {row.text}
      </p>
      <footer className="message-footer">
        {row.queued && (
          <span className={`delivery ${row.queued.state}`} data-testid="queued-state" data-code={row.queued.code ?? undefined} role="status">
            {row.queued.text}
          </span>
        )}
        {row.queued?.state === 'failed' && row.queued.canRetry && onRetryQueued && (
          <button type="button" onClick={() => onRetryQueued(row.messageId)} data-testid="retry-queued">
            Retry
          </button>
        )}
        {row.queued?.state === 'failed' && onDeleteQueued && (
          <button type="button" onClick={() => onDeleteQueued(row.messageId)} data-testid="delete-queued">
            Delete
          </button>
        )}
        {row.expiresIn !== undefined && (
          <span className="message-expiry muted" data-testid="message-expiry" title="This message disappears for everyone when its timer runs out">
            ⏱ {row.expiresIn}
          </span>
        )}
        {row.delivery && (
          <span className={`delivery ${row.delivery}`} data-testid="delivery-state" title={row.readBy.length ? `Read by ${row.readBy.join(', ')}` : undefined}>
            {DELIVERY_TEXT[row.delivery]}
            {row.delivery === 'read' && row.readBy.length > 0 ? ` by ${row.readBy.join(', ')}` : ''}
          </span>
        )}
        {row.delivery === 'failed' && (
          <button type="button" onClick={() => onRetry(row.messageId)} data-testid="retry-send" title={row.failure ?? undefined}>
            Retry
          </button>
        )}
        {timetoken !== undefined && (
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
            {QUICK_REACTIONS.filter((v) => !row.reactions.some((r) => r.value === v)).map((v) => (
              <button key={v} type="button" className="reaction add" aria-label={`React with ${v}`} onClick={() => onReact(timetoken, v, false)}>
                {v}
              </button>
            ))}
          </span>
        )}
      </footer>
    </article>
  );
}
