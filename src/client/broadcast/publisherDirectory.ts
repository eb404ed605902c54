/**
 * Who may have signed a broadcast (docs/broadcast.md §8): the certificates the key manager lists for
 * devices it gave the publishing key, each verified against the account key this device has pinned for
 * the certificate's user (not the key the certificate names: a key manager could list a certificate it
 * made up for "the chief executive") before its Ed25519 key is trusted, minus users revoked before the
 * message was published (the publish time is PubNub's timetoken, which the publisher does not choose).
 * An unknown sender triggers one refresh; a sender whose certificate the pinned key does not sign is
 * `signer_not_certified`.
 */
import { AppError } from '../../common/errors';
import type { DeviceCertificate } from '../../common/protocol/deviceCertificate';
import { verifyDeviceCertificate } from '../../common/protocol/deviceCertificate';
import { isProtocolError, SignerNotCertifiedError } from '../../common/protocol/errors';
import { bytesOf } from '../../common/protocol/wire';
import type { KeyManagerClient } from './keyManagerClient';
import type { BroadcastClientOptions } from './types';

interface Publisher {
  readonly userId: string;
  readonly signingKey: Uint8Array;
}

export class PublisherDirectory {
  private readonly byDevice = new Map<string, Publisher>();
  private readonly revokedAt = new Map<string, number>();
  /** Devices listed with a certificate the pinned account key of their user does not sign: why. */
  private readonly refused = new Map<string, string>();
  private pending: Promise<void> | null = null;

  constructor(
    private readonly channelId: string,
    private readonly km: KeyManagerClient,
    private readonly opts: BroadcastClientOptions,
  ) {}

  /**
   * The Ed25519 key of a device allowed to have published at `publishedAt` (ms; undefined when unknown,
   * which a revoked user's device never passes), refreshing the list once when the device is unknown.
   */
  async signingKey(deviceId: string, publishedAt: number | undefined): Promise<Uint8Array | undefined> {
    if (!this.byDevice.has(deviceId)) await this.refresh();
    const publisher = this.byDevice.get(deviceId);
    const refusal = this.refused.get(deviceId);
    if (!publisher && refusal !== undefined) throw new SignerNotCertifiedError(refusal);
    if (!publisher) return undefined;
    const revokedAt = this.revokedAt.get(publisher.userId);
    if (revokedAt !== undefined && (publishedAt === undefined || publishedAt >= revokedAt)) return undefined;
    return publisher.signingKey;
  }

  private refresh(): Promise<void> {
    this.pending ??= this.fetch().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  private async fetch(): Promise<void> {
    const { publishers, revoked } = await this.km.publishers(this.channelId);
    for (const r of revoked) this.revokedAt.set(r.userId, r.revokedAt);
    for (const cert of publishers) {
      const refusal = await this.check(cert);
      if (refusal === null) this.refused.delete(cert.deviceId);
      else if (!this.byDevice.has(cert.deviceId)) this.refused.set(cert.deviceId, refusal);
    }
  }

  /**
   * Trusts the certificate when the pinned key of its user signs it; else answers why not. A user with no
   * account key to vouch for (unknown here) is skipped: a message from that device is `signer_not_member`.
   */
  private async check(cert: DeviceCertificate): Promise<string | null> {
    let accountKey: Uint8Array;
    try {
      accountKey = await this.opts.accountKeys(cert.userId);
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') return null;
      throw err;
    }
    try {
      const verified = await verifyDeviceCertificate(this.opts.crypto, cert, { accountKey });
      this.byDevice.set(verified.deviceId, { userId: verified.userId, signingKey: bytesOf(verified.ed25519) });
      return null;
    } catch (err) {
      if (!isProtocolError(err)) throw err;
      return `publisher device ${cert.deviceId} of user ${cert.userId} is not certified by their pinned account key: ${err.message}`;
    }
  }
}
