/**
 * PubNub timetokens (docs/pubnub-wire.md §1): 17-digit decimal Unix time in 100 ns units. The relay issues them
 * strictly increasing (`max(now, last + 1)`), keeps them as `bigint` (they exceed 2^53) and writes them as JSON
 * strings everywhere except `/time/0`.
 */
import { BadRequestError } from './errors';

export type Timetoken = bigint;

export function wallClockTimetoken(): Timetoken {
  return BigInt(Date.now()) * 10000n;
}

export class TimetokenClock {
  private last: Timetoken;

  constructor(
    floor: Timetoken,
    private readonly now: () => Timetoken = wallClockTimetoken,
  ) {
    this.last = floor;
  }

  /** A fresh timetoken, larger than every one issued before. */
  next(): Timetoken {
    const now = this.now();
    this.last = now > this.last ? now : this.last + 1n;
    return this.last;
  }

  /** The present instant: no event issued so far is later, and every event issued from now on will be. */
  current(): Timetoken {
    const now = this.now();
    if (now > this.last) this.last = now;
    return this.last;
  }
}

const DIGITS = /^\d{1,19}$/;
const MAX = 2n ** 63n - 1n;

/** Parses a timetoken query value; `undefined` stays `undefined`. */
export function parseTimetoken(value: string | undefined, name: string): Timetoken | undefined {
  if (value === undefined || value === '') return undefined;
  if (!DIGITS.test(value)) throw new BadRequestError('invalid_parameter', `${name} must be a timetoken`);
  const tt = BigInt(value);
  if (tt > MAX) throw new BadRequestError('invalid_parameter', `${name} is out of range`);
  return tt;
}

export function requireTimetoken(value: string | undefined, name: string): Timetoken {
  const tt = parseTimetoken(value, name);
  if (tt === undefined) throw new BadRequestError('invalid_parameter', `${name} is required`);
  return tt;
}
