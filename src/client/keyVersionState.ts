/**
 * The state of one (conversation, version) in the key ring (docs/client.md, "Key ring"), one tagged union
 * instead of parallel maps:
 *   held              the verified conversation key (owned by the ring; zeroed when it leaves the ring)
 *   fetching          a background fetch is under way (`attempts` failed before it)
 *   waiting-for-wrap  no wrap yet or a transient failure: `timer` fetches again with backoff
 *   refused           the version failed verification (docs/protocol.md §6.4, §12 code): never retried
 *   awaiting-consent  the key service made the version (§19.4) and this device does not take such keys yet:
 *                     fetched again only when its user accepts them (`KeyRing.retryAwaitingConsent`)
 * A version in none of these states is simply absent.
 */
import { missingCase } from '../common/errors';
import type { MembershipHead } from '../common/protocol/membershipHead';

/** What a held version's verified record said, kept for the sender checks (docs/protocol.md §7.4); no key bytes. */
export interface VersionFacts {
  /** The membership head the record names; undefined for a record made before chains existed. */
  readonly membership: MembershipHead | undefined;
  readonly memberDevices: readonly string[];
  /** When the key service accepted the version (its clock, ms). */
  readonly acceptedAt: number;
  /** The key service made the version (server-trusted custody, docs/protocol.md §19.4): no member signed it. */
  readonly serverMade?: true;
}

export interface Held {
  readonly kind: 'held';
  readonly key: Uint8Array;
  readonly facts: VersionFacts;
}
export interface Fetching {
  readonly kind: 'fetching';
  /** Settles when the fetch has ended, whatever its outcome (the state has moved on by then). */
  readonly fetch: Promise<void>;
  readonly attempts: number;
}
export interface WaitingForWrap {
  readonly kind: 'waiting-for-wrap';
  readonly timer: ReturnType<typeof setTimeout>;
  /** Fetches that failed so far; the next delay is `retryDelay(attempts - 1)`. */
  readonly attempts: number;
}
export interface Refused {
  readonly kind: 'refused';
  readonly code: string;
  readonly message: string;
}
export interface AwaitingConsent {
  readonly kind: 'awaiting-consent';
}
export type VersionState = Held | Fetching | WaitingForWrap | Refused | AwaitingConsent;

/** Backoff between fetches of a version this device has no wrap of yet (the last delay repeats). */
export const RETRY_MS: readonly number[] = [1_000, 2_000, 5_000, 10_000, 30_000];

/** The delay before the next fetch after `attempts` failed ones (0-based). */
export function retryDelay(failedBefore: number): number {
  return RETRY_MS[Math.min(failedBefore, RETRY_MS.length - 1)] ?? 30_000;
}

/** Lets go of what a state holds as the ring leaves it: a held key is zeroed, a retry timer cleared. */
export function release(state: VersionState): void {
  switch (state.kind) {
    case 'held':
      state.key.fill(0);
      return;
    case 'waiting-for-wrap':
      clearTimeout(state.timer);
      return;
    case 'fetching':
    case 'refused':
    case 'awaiting-consent':
      return;
    default:
      missingCase(state);
  }
}

/** Whether listeners hear of entering this state: a key arrived, or the version was refused. */
export function isAnnounced(state: VersionState): boolean {
  switch (state.kind) {
    case 'held':
    case 'refused':
      return true;
    case 'fetching':
    case 'waiting-for-wrap':
    case 'awaiting-consent':
      return false;
    default:
      return missingCase(state);
  }
}
