/**
 * Disappearing messages in the UI (docs/messaging.md "Disappearing messages"): the timer changes of the
 * verified membership history main reports (docs/protocol.md §15.8), the header sentence, each message's
 * time left, and the rows still shown — a message leaves the view when main says it deleted it
 * (`messagesExpired`) or when, by this window's clock, its time is up (the same rule main applies).
 */
import type { MembershipEventView } from '../../../common/ipc/schemas/conversations';
import { DISAPPEARING_SECONDS, expiresAt, timerText, type TimerChange } from '../../../common/protocol/disappearing';
import type { TimelineRow } from './timelineRows';

export { currentTimer, timerText } from '../../../common/protocol/disappearing';

/** The timers an admin may choose, in the settings' order. */
export const TIMER_CHOICES: readonly number[] = DISAPPEARING_SECONDS;

/** The timer changes of a verified history, in chain order. */
export function timerChangesOf(events: readonly MembershipEventView[]): TimerChange[] {
  const out: TimerChange[] = [];
  for (const e of events) if (e.change.type === 'disappearing') out.push({ seq: e.seq, at: e.at, seconds: e.change.seconds });
  return out;
}

/** The header's sentence, or null when the timer is off. */
export function disappearingHeader(seconds: number): string | null {
  return seconds > 0 ? `Messages disappear after ${timerText(seconds)}` : null;
}

/** The settings' label of a timer choice. */
export function timerChoiceLabel(seconds: number): string {
  return seconds === 0 ? 'Off' : timerText(seconds);
}

/** A message's time left, short: "disappears in 4 min", "… in 23 h", "… in 6 d". */
export function timeLeftText(ms: number): string {
  const min = Math.max(1, Math.ceil(ms / 60_000));
  if (min < 60) return `disappears in ${min} min`;
  const h = Math.ceil(min / 60);
  if (h < 48) return `disappears in ${h} h`;
  return `disappears in ${Math.ceil(h / 24)} d`;
}

/**
 * The rows still shown at `now`: messages main deleted (`expired` timetokens) and messages whose time is
 * up are left out; the others under a timer carry their time left (`expiresIn`).
 */
export function withExpiry(rows: readonly TimelineRow[], changes: readonly TimerChange[], expired: ReadonlySet<string>, now: number): TimelineRow[] {
  if (changes.length === 0 && expired.size === 0 && !rows.some((r) => r.kind === 'rejected' && r.code === 'expired')) return rows as TimelineRow[];
  const out: TimelineRow[] = [];
  for (const row of rows) {
    // Main hands a message that had already disappeared when it was fetched over as `expired`: not shown.
    if (row.kind === 'rejected' && row.code === 'expired') continue;
    if (row.kind !== 'message') {
      out.push(row);
      continue;
    }
    if (row.timetoken !== undefined && expired.has(row.timetoken)) continue;
    const at = expiresAt(changes, row.timetoken, row.sentAt);
    if (at === null) out.push(row);
    else if (at > now) out.push({ ...row, expiresIn: timeLeftText(at - now) });
  }
  return out;
}
