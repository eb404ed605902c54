/**
 * What the broadcast client needs from its host (docs/broadcast.md §8): the signed-in device (ids,
 * certificate, private keys held by main), a source of role claims for a given key manager audience, the
 * account keys this device has pinned (creators and publishers are checked against them), and the PubNub SDK instance the app already uses; optionally the profile directory where fetched
 * channel keys are cached as received (docs/broadcast.md §9).
 */
import type { CryptoProvider } from '../../common/crypto/provider';
import type { DeviceId, UserId } from '../../common/ids';
import type { PubNubClient } from '../../common/messaging/transport';
import type { DeviceCertificate } from '../../common/protocol/deviceCertificate';
import type { ChannelKeyCacheError } from './channelKeyCache';
import type { BroadcastDirectory } from './keyServiceDirectory';

export interface BroadcastDevice {
  readonly userId: UserId;
  readonly deviceId: DeviceId;
  readonly certificate: DeviceCertificate;
  readonly x25519PrivateKey: Uint8Array;
  readonly ed25519PrivateKey: Uint8Array;
  /**
   * The X-Wing private key (32-byte seed) when the certificate has an X-Wing key (docs/protocol.md §5.1):
   * channel keys then come X-Wing-wrapped, and an X25519 wrap is refused (`suite_downgrade`).
   */
  readonly xwingPrivateKey?: Uint8Array;
}

/** A fresh role claim (compact JWT) for the key manager whose audience (base URL) is given. */
export type ClaimSource = (audience: string) => Promise<string>;

/**
 * The account key this device trusts for a user: pinned on first use and compared with safety numbers
 * (the client core's `Directory.trustedAccountKey`, docs/client.md). Channel descriptors and publisher
 * certificates count only when signed by it; a certificate carrying some other account key is refused.
 * Rejects with a `not_found` error for a user it cannot vouch for (no such user, no identity key); any
 * other rejection (the key service unreachable) is passed on as it is.
 */
export type AccountKeySource = (userId: string) => Promise<Uint8Array>;

/** The SDK surface the client uses (the messaging pipeline's); a `PubNub` instance satisfies it. */
export type BroadcastPubNub = PubNubClient;

export interface BroadcastClientOptions {
  readonly crypto: CryptoProvider;
  readonly device: BroadcastDevice;
  readonly claims: ClaimSource;
  /** Where creator and publisher account keys come from (never from the descriptor or certificate itself). */
  readonly accountKeys: AccountKeySource;
  readonly pubnub: BroadcastPubNub;
  /** Where created channels are listed and roles granted (the key service); optional. */
  readonly directory?: BroadcastDirectory;
  /** Bound on every key manager request; default 5 s. */
  readonly keyManagerTimeoutMs?: number;
  /** Aborts the key manager requests in flight (`client_closed`) when the broadcast session closes. */
  readonly signal?: AbortSignal;
  /**
   * The profile directory: fetched channel keys are cached under `broadcast-keys/<deviceId>/`, still
   * wrapped to this device, and survive a restart. Without it they are held in memory only.
   */
  readonly keyCacheDir?: string;
  /** Where ignored cache entries and failed cache writes are reported; default stderr. */
  readonly onKeyCacheError?: (error: ChannelKeyCacheError) => void;
  readonly now?: () => number;
}
