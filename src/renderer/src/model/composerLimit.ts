/**
 * The composer's size counter (docs/desktop.md "Look and layout"): a message body may be at most
 * `MAX_BRIDGE_BODY` UTF-8 bytes (src/common/ipc/schemas/messages.ts; main refuses more). The counter
 * appears from 90 % of the limit; above it the composer refuses to send and says why, before anything
 * leaves the window. Counted on the text as it would be sent (surrounding blank lines dropped, as in
 * `sendableDraft`).
 */

/** From this share of the limit on, the counter shows. */
export const COUNTER_FROM = 0.9;

export interface DraftSize {
  readonly bytes: number;
  readonly limit: number;
  /** The counter is shown. */
  readonly near: boolean;
  /** Too long to send. */
  readonly over: boolean;
  /** "21,400 / 23,600", or '' when the counter is hidden. */
  readonly counter: string;
  /** A sentence for the hint line when near or over, else null. */
  readonly sentence: string | null;
}

const number = new Intl.NumberFormat('en-GB');
const UNITS = 'emoji and letters outside the Latin alphabet count as 2 to 4';

export function draftSize(draft: string, limit: number): DraftSize {
  const text = draft.replace(/^\s*\n|\s+$/g, '');
  const bytes = new TextEncoder().encode(text).length;
  const over = bytes > limit;
  const near = over || bytes >= limit * COUNTER_FROM;
  const counter = near ? `${number.format(bytes)} / ${number.format(limit)}` : '';
  const sentence = over
    ? `This message is too long to send: ${number.format(bytes - limit)} over the limit of ${number.format(limit)} (${UNITS}). Shorten it or split it into several messages.`
    : near
      ? `Nearly at the size limit: ${number.format(limit - bytes)} left (${UNITS}).`
      : null;
  return { bytes, limit, near, over, counter, sentence };
}
