/**
 * The key service's side of PubNub (docs/api.md, "PubNub"): grants each user a token for
 * exactly their channels, revokes tokens, and publishes control notices to `inbox.<userId>`. PubNub is
 * optional: without configuration the disabled gateway grants nothing, notifies no one, and the HTTP
 * API works the same.
 */
import type { ControlNoticeBody } from '../../common/controlNotices';

export interface ChannelGrant {
  /** Channels the user may read and write (their conversations). */
  readonly readWrite: readonly string[];
  /** Channels the user may only read (their inbox). */
  readonly read: readonly string[];
  /**
   * Access Manager patterns (regular expressions over channel names) the user may only read: the files
   * channels of every member of each of their conversations (docs/protocol.md §20.10).
   */
  readonly readPatterns?: readonly string[];
  /** Patterns the user may read, write and delete: their own files channels (docs/protocol.md §20.10). */
  readonly ownPatterns?: readonly string[];
}

export interface GrantedToken {
  readonly token: string;
  readonly ttlMinutes: number;
}

export interface PubnubGateway {
  readonly enabled: boolean;
  readonly subscribeKey: string | null;
  readonly publishKey: string | null;
  grant(userId: string, channels: ChannelGrant): Promise<GrantedToken>;
  revoke(token: string): Promise<void>;
  notify(userId: string, notice: ControlNoticeBody): Promise<void>;
}

export class PubnubNotConfigured extends Error {
  readonly code = 'pubnub_not_configured';
}

/** PubNub did not answer a call a request waits on within its bound (sdkGateway.ts); try again later. */
export class PubnubUnavailable extends Error {
  readonly code = 'pubnub_unavailable';
}

export const disabledGateway: PubnubGateway = {
  enabled: false,
  subscribeKey: null,
  publishKey: null,
  grant: () => Promise.reject(new PubnubNotConfigured('PubNub is not configured on this key service')),
  revoke: async () => undefined,
  notify: async () => undefined,
};
