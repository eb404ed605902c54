/**
 * The broadcast channel view model (docs/broadcast.md §8.1, lazy decryption): the channel shows only its
 * newest `size` messages, oldest first, and only those are opened (`sealedToOpen` says how many main
 * should open so that the window is readable); scrolling up widens the window by a page. A message that
 * cannot be read becomes a friendly line with its stable code.
 */
import type { BroadcastMessage } from '../../../common/ipc/schemas/broadcast';

/** How many messages the window grows by (and starts with). */
export const BROADCAST_PAGE = 30;

/** The most messages main opens in one call (the contract's bound). */
export const MAX_OPEN = 500;

export type BroadcastRow =
  | {
      readonly kind: 'opened';
      readonly key: string;
      readonly text: string;
      readonly sentAt: number;
      readonly keyVersion: number | null;
      readonly mine: boolean;
    }
  | { readonly kind: 'notReadable'; readonly key: string; readonly code: string; readonly line: string; readonly keyVersion: number | null }
  | { readonly kind: 'sealed'; readonly key: string; readonly keyVersion: number | null };

/** The newest `size` messages (the list is oldest first). */
export function windowOf<T>(messages: readonly T[], size: number): readonly T[] {
  return messages.slice(Math.max(0, messages.length - size));
}

/** How many unopened messages the window holds: main opens the newest unopened ones, which are exactly these. */
export function sealedToOpen(messages: readonly BroadcastMessage[], size: number): number {
  return Math.min(MAX_OPEN, windowOf(messages, size).filter((m) => m.state === 'sealed').length);
}

/** What a person reads for a message that cannot be opened. */
export function notReadableLine(code: string): string {
  switch (code) {
    case 'subscriber_revoked':
      return 'You were removed from this channel; messages after that cannot be read.';
    case 'role_missing':
      return 'You are not a subscriber of this channel, so its messages cannot be read.';
    case 'key_manager_unreachable':
    case 'key_manager_timeout':
      return 'The channel’s key manager cannot be reached right now; this message can be read later.';
    case 'signer_not_certified':
      return 'This message claims to come from someone whose account key does not match the one known here, so it is not shown.';
    case 'signer_not_member':
    case 'bad_signature':
      return 'This message is not signed by a publisher of the channel, so it is not shown.';
    case 'post_quantum_device_required':
      return 'This channel’s key manager gives keys only to devices with post-quantum protection; set this device up again with a current version to read it.';
    case 'suite_downgrade':
      return 'The channel key for this device came without its post-quantum protection, so it was refused; tell your administrator.';
    case 'bad_tag':
    case 'malformed':
    case 'wrong_channel':
      return 'This message is damaged or was not sealed for this channel.';
    default:
      return 'This message cannot be read.';
  }
}

/** Display rows of the window; `selfDeviceId` marks this device's own posts. */
export function broadcastRows(messages: readonly BroadcastMessage[], size: number, selfDeviceId: string | null): BroadcastRow[] {
  return windowOf(messages, size).map((m): BroadcastRow => {
    const key = m.timetoken;
    switch (m.state) {
      case 'opened':
        return { kind: 'opened', key, text: m.text, sentAt: m.sentAt, keyVersion: m.keyVersion, mine: m.senderDevice === selfDeviceId };
      case 'notReadable':
        return { kind: 'notReadable', key, code: m.errorCode, line: notReadableLine(m.errorCode), keyVersion: m.keyVersion };
      case 'sealed':
        return { kind: 'sealed', key, keyVersion: m.keyVersion };
      default:
        throw new Error(`unknown broadcast message state ${JSON.stringify(m satisfies never)}`);
    }
  });
}
