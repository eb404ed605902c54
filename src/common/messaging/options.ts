/**
 * Options of the messaging pipeline (docs/messaging.md §API) and their defaults, checked once at creation:
 * a value out of range is an InvalidInputError before anything is subscribed.
 */
import type { DeviceId, UserId } from '../ids';
import { InvalidInputError } from './errors';
import type { CursorStore, MessageCrypto, StoredHistory } from './ports';
import type { PubNubClient } from './transport';
import type { TypingTimers } from './typing';

export interface MessagingOptions {
  /** A `pubnub` SDK instance (no cipherKey: our envelope does the crypto). The pipeline never destroys it. */
  readonly pubnub: PubNubClient;
  readonly crypto: MessageCrypto;
  readonly cursors: CursorStore;
  /** The host's local store of opened messages; without it a conversation starts from PubNub alone. */
  readonly stored?: StoredHistory;
  /** This device: the sender of what this pipeline sends. */
  readonly self: { readonly userId: UserId; readonly deviceId: DeviceId };
  /** CSPRNG bytes (message ids). */
  readonly randomBytes: (length: number) => Uint8Array;
  /** Milliseconds since the epoch; `Date.now` by default. */
  readonly now?: () => number;
  /** Timers for typing expiry; the runtime's by default. */
  readonly timers?: TypingTimers;
  /** History page size, 1-25 (PubNub's cap for history with message actions); 25 by default. */
  readonly pageSize?: number;
  /** How long a typing indicator lasts without a new signal; 6 s by default. */
  readonly typingTimeoutMs?: number;
  /** How often a continuing typer re-signals; 3 s by default. */
  readonly typingRepeatMs?: number;
}

/** The options with defaults applied. */
export interface Settings {
  readonly now: () => number;
  readonly timers: TypingTimers;
  readonly pageSize: number;
  readonly typingTimeoutMs: number;
  readonly typingRepeatMs: number;
}

export function resolveSettings(options: MessagingOptions): Settings {
  return {
    now: options.now ?? (() => Date.now()),
    // Wrapped, not passed bare: browsers throw "Illegal invocation" for a setTimeout called off `window`.
    timers: options.timers ?? {
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (handle) => clearTimeout(handle as Parameters<typeof clearTimeout>[0]),
    },
    pageSize: checkedInteger(options.pageSize ?? 25, 1, 25, 'pageSize'),
    typingTimeoutMs: checkedInteger(options.typingTimeoutMs ?? 6000, 1, 60_000, 'typingTimeoutMs'),
    typingRepeatMs: checkedInteger(options.typingRepeatMs ?? 3000, 1, 60_000, 'typingRepeatMs'),
  };
}

function checkedInteger(value: number, min: number, max: number, name: string): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new InvalidInputError(`${name} must be an integer from ${min} to ${max}`);
  return value;
}
