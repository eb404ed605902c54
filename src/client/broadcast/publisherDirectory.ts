/**
 * Who may have signed a broadcast (docs/broadcast.md §8): the certificates the key manager lists for
 * devices it gave the publishing key, each verified (signed by the account key it names) before its
 * Ed25519 key is trusted, minus users revoked before the message was published (the publish time is
 * PubNub's timetoken, which the publisher does not choose). An unknown sender triggers one refresh.
 */
import { verifyDeviceCertificate } from '../../common/protocol/deviceCertificate';
import { isProtocolError } from '../../common/protocol/errors';
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
      try {
        const verified = await verifyDeviceCertificate(this.opts.crypto, cert);
        this.byDevice.set(verified.deviceId, { userId: verified.userId, signingKey: bytesOf(verified.ed25519) });
      } catch (err) {
        if (!isProtocolError(err)) throw err;
      }
    }
  }
}
