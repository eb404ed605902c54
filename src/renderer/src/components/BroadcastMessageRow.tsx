/**
 * Presentational: one row of a broadcast channel (docs/broadcast.md §8.1): an opened message (text as text
 * only, time, key version), a message that cannot be read (a friendly line and its stable code), or one not
 * opened yet.
 */
import type { BroadcastRow } from '../model/broadcastRows';

export function BroadcastMessageRow({ row }: { row: BroadcastRow }) {
  switch (row.kind) {
    case 'opened': {
      const time = new Date(row.sentAt).toLocaleString([], { dateStyle: 'short', timeStyle: 'short' });
      return (
        <article className={`message${row.mine ? ' mine' : ''}`} data-testid="broadcast-message" data-state="opened" aria-label={`Post at ${time}`}>
          <header className="message-meta">
            <time>{time}</time>
            {row.keyVersion !== null && <span> · key v{row.keyVersion}</span>}
          </header>
          <p className="message-text" data-testid="broadcast-text">
            {row.text}
          </p>
        </article>
      );
    }
    case 'notReadable':
      return (
        <p className="placeholder bad" data-testid="broadcast-message" data-state="notReadable" data-code={row.code}>
          ⚠ {row.line} <span className="error-code">({row.code})</span>
        </p>
      );
    case 'sealed':
      return (
        <p className="placeholder" data-testid="broadcast-message" data-state="sealed" aria-busy="true">
          🔒 Not opened yet
        </p>
      );
    default:
      throw new Error(`unknown broadcast row ${JSON.stringify(row satisfies never)}`);
  }
}
