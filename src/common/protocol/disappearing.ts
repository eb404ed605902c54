/**
 * Disappearing messages (docs/protocol.md §15.8): a conversation's timer is set by a signed membership
 * statement `{type: "disappearing", seconds}` on the verified chain, so the key service cannot set, change,
 * remove or roll it back, and only an owner or admin (either member of a direct conversation) can.
 *
 * Which timer applies to a message, and when it expires, is computed the same way on every device from
 * what it verified, so the message disappears everywhere at the same time, offline devices included:
 *
 *   time(m)      = the relay's timetoken of m in ms, clamped to [sentAt − T, sentAt + T] (T = 2 minutes;
 *                  sentAt is the sender-signed header of §7.2); sentAt alone without a timetoken
 *   timer(m)     = the `seconds` of the LAST `disappearing` statement in chain order whose `at` ≤ time(m);
 *                  none: off
 *   expiresAt(m) = time(m) + timer(m) × 1000 when timer(m) > 0; never otherwise
 *
 * A timer therefore applies to the messages sent after it was set, and a change never shortens or lengthens
 * the life of a message sent before it.
 */
import type { MembershipStatement } from './membershipStatement';

/** The timer durations a statement may name, in seconds: off, 5 minutes, 1 hour, 1 day, 1 week, 4 weeks. */
export const DISAPPEARING_SECONDS = [0, 300, 3_600, 86_400, 604_800, 2_419_200] as const;
export type DisappearingSeconds = (typeof DISAPPEARING_SECONDS)[number];

/** The tolerance between the relay's timetoken and the sender's signed `sentAt` (§7.4 step 8's T). */
export const EXPIRY_CLOCK_TOLERANCE_MS = 120_000;

/** One timer change on the verified chain: from the statement's signed `at` on, `seconds` applies. */
export interface TimerChange {
  readonly seq: number;
  readonly at: number;
  readonly seconds: number;
}

/** The timer changes of a verified chain, in chain order. */
export function timerChanges(chain: readonly { readonly statement: MembershipStatement }[] | readonly MembershipStatement[]): TimerChange[] {
  const out: TimerChange[] = [];
  for (const item of chain) {
    const s = 'statement' in item ? item.statement : item;
    if (s.change.type === 'disappearing') out.push({ seq: s.seq, at: s.at, seconds: s.change.seconds });
  }
  return out;
}

/** time(m): the relay's timetoken (decimal, 1e-4 ms units) in ms, clamped to the sender's signed sentAt ± T. */
export function messageTime(timetoken: string | undefined, sentAt: number | undefined): number | undefined {
  const t = timetoken !== undefined && /^\d{1,20}$/.test(timetoken) ? Number(BigInt(timetoken) / 10_000n) : undefined;
  if (sentAt === undefined) return t;
  if (t === undefined) return sentAt;
  return Math.min(Math.max(t, sentAt - EXPIRY_CLOCK_TOLERANCE_MS), sentAt + EXPIRY_CLOCK_TOLERANCE_MS);
}

/** timer(m) in seconds: the last change in chain order signed at or before the message's time (0: off). */
export function timerAt(changes: readonly TimerChange[], time: number): number {
  for (let i = changes.length - 1; i >= 0; i--) {
    const c = changes[i]!;
    if (c.at <= time) return c.seconds;
  }
  return 0;
}

/** expiresAt(m) in ms, or null when the message does not expire. */
export function expiresAt(changes: readonly TimerChange[], timetoken: string | undefined, sentAt: number | undefined): number | null {
  if (changes.length === 0) return null;
  const time = messageTime(timetoken, sentAt);
  if (time === undefined) return null;
  const seconds = timerAt(changes, time);
  return seconds > 0 ? time + seconds * 1000 : null;
}

/** The current timer: the last change's seconds (0: off). */
export function currentTimer(changes: readonly TimerChange[]): number {
  return changes.at(-1)?.seconds ?? 0;
}

/** "5 minutes", "1 hour", "1 day", "1 week", "4 weeks" (plain words for the UI). */
export function timerText(seconds: number): string {
  const units: [number, string][] = [
    [604_800, 'week'],
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
    [1, 'second'],
  ];
  for (const [size, name] of units) {
    if (seconds >= size && seconds % size === 0) {
      const n = seconds / size;
      return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  return `${seconds} seconds`;
}
