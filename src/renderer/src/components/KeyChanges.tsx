/**
 * Presentational: the conversation's key changes, newest first, for the security panel (the chat leaves
 * them out; model/timelineLayout.ts). Only what the loaded history holds.
 */
import type { KeyChangeLine } from '../model/timelineRows';
import { fullTime } from '../model/relativeTime';

export function KeyChanges({ lines }: { lines: readonly KeyChangeLine[] }) {
  if (lines.length === 0) return null;
  return (
    <section aria-label="Key changes">
      <h3>Key changes</h3>
      <ul className="key-changes">
        {lines.map((l) => (
          <li key={l.key} data-testid="key-change">
            <span>{l.text}</span>
            {l.at !== null && (
              <time className="muted" dateTime={new Date(l.at).toISOString()}>
                {fullTime(l.at)}
              </time>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
