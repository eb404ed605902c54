/**
 * How the chat lays out its rows (docs/desktop.md "Look and layout"): a day separator ("Today",
 * "Yesterday", a date) above the first message of each day — carried by that message's row, so that
 * every row of the windowed list stays a timeline item with a stable key (the list keeps the row in view
 * in place by its key when older rows load above it); consecutive messages of one sender within
 * the same minute form a group that shows the avatar, name and time once; each message keeps its full
 * date and time for the tooltip and its accessible name. Key changes are security detail and are left
 * out here (the security panel lists them).
 */
import { clockTime, dayLabel, fullTime, startOfDay } from './relativeTime';
import type { TimelineRow } from './timelineRows';

type MessageData = Extract<TimelineRow, { kind: 'message' }>;

export type MessageDisplay = MessageData & {
  /** The day separator shown above this message ("Today"), when it is the first of its day; else null. */
  readonly day: string | null;
  /** The first message of its group: it shows the avatar, the author and the time. */
  readonly groupStart: boolean;
  /** "14:05". */
  readonly clock: string;
  /** "Thursday 12 March 2026 at 14:05". */
  readonly fullTime: string;
};

export type DisplayRow = MessageDisplay | Exclude<TimelineRow, { kind: 'message' | 'keyChange' }>;

const MINUTE = 60_000;

export function layoutTimeline(rows: readonly TimelineRow[], now: number): DisplayRow[] {
  const out: DisplayRow[] = [];
  let currentDay: number | null = null;
  let previous: MessageData | null = null;
  for (const row of rows) {
    if (row.kind === 'keyChange') continue;
    if (row.kind !== 'message') {
      out.push(row);
      previous = null;
      continue;
    }
    const rowDay = startOfDay(row.sentAt);
    const day = rowDay === currentDay ? null : dayLabel(row.sentAt, now);
    if (day !== null) {
      currentDay = rowDay;
      previous = null;
    }
    const groupStart = previous === null || previous.senderId !== row.senderId || Math.floor(previous.sentAt / MINUTE) !== Math.floor(row.sentAt / MINUTE);
    out.push({ ...row, day, groupStart, clock: clockTime(row.sentAt), fullTime: fullTime(row.sentAt) });
    previous = row;
  }
  return out;
}
