/**
 * PubNub timetokens (docs/pubnub-wire.md §1): 17-digit decimal strings of 100 ns units since the epoch.
 * The SDK keeps them as strings; so do we, and we compare them as integers without losing precision.
 */
import { InvalidInputError } from './errors';

const TIMETOKEN = /^[0-9]{1,20}$/;

/** True for a well-formed timetoken string. */
export function isTimetoken(value: unknown): value is string {
  return typeof value === 'string' && TIMETOKEN.test(value);
}

/** The timetoken as a string, from the SDK's string or number; InvalidInputError otherwise. */
export function timetokenOf(value: unknown): string {
  const text = typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? String(value) : value;
  if (!isTimetoken(text)) throw new InvalidInputError(`not a timetoken: ${JSON.stringify(value)}`);
  return text.replace(/^0+(?=[0-9])/, '');
}

/** Negative, zero or positive as `a` is before, equal to or after `b` (both canonical). */
export function compareTimetokens(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `tt + 1`, the exclusive successor used to page forward past a message. */
export function nextTimetoken(tt: string): string {
  return (BigInt(tt) + 1n).toString();
}
