/**
 * Jump to a message (a search hit; docs/desktop.md "Search"): whether the timeline holds it yet, and which
 * row the chat's virtual list scrolls to and highlights. Pure, so it is tested without a DOM.
 */
import { compareTimetokens } from '../../../common/messaging/timetoken';
import type { TimelineItem } from '../../../common/messaging/timelineItem';
import type { TimelineRow } from './timelineRows';

/**
 * `present`: an item of the timeline has the timetoken. `passed`: the timeline already reaches further back
 * than it without holding it (it is gone: expired, or not stored). `older`: load older pages to find out.
 */
export function findReveal(items: readonly TimelineItem[], timetoken: string): 'present' | 'passed' | 'older' {
  let oldest: string | undefined;
  for (const item of items) {
    if (item.timetoken === undefined) continue;
    if (item.timetoken === timetoken) return 'present';
    if (oldest === undefined || compareTimetokens(item.timetoken, oldest) < 0) oldest = item.timetoken;
  }
  return oldest !== undefined && compareTimetokens(oldest, timetoken) < 0 ? 'passed' : 'older';
}

/** The row the list scrolls to (its key), with the jump's sequence number; null when no row shows the message. */
export function revealedRow(
  rows: readonly TimelineRow[],
  reveal: { readonly timetoken: string; readonly seq: number } | null,
): { key: string; seq: number } | null {
  if (reveal === null) return null;
  // A message row names its timetoken; a refused one is keyed by it (conversationView.ts).
  const row = rows.find((r) => (r.kind === 'message' && r.timetoken === reveal.timetoken) || r.key === `tt:${reveal.timetoken}`);
  return row === undefined ? null : { key: row.key, seq: reveal.seq };
}
