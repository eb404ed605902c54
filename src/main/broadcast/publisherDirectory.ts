/**
 * Who may have signed a broadcast (docs/broadcast.md §8): the certificates the key manager lists for
 * devices it gave the publishing key, each verified (signed by the account key it names) before its
 * Ed25519 key is trusted. An unknown sender triggers one refresh of the list.
 */
import { verifyDeviceCertificate } from '../../common/protocol/deviceCertificate';
import { isProtocolError } from '../../common/protocol/errors';
import { bytesOf } from '../../common/protocol/wire';
import type { KeyManagerClient } from './keyManagerClient';
import type { BroadcastClientOptions } from './types';

export class PublisherDirectory {
  private readonly signingKeys = new Map<string, Uint8Array>();
  private pending: Promise<void> | null = null;

  constructor(
    private readonly channelId: string,
    private readonly km: KeyManagerClient,
    private readonly opts: BroadcastClientOptions,
  ) {}

  /** The Ed25519 key of a publisher device, refreshing the list once when it is unknown. */
  async signingKey(deviceId: string): Promise<Uint8Array | undefined> {
    const known = this.signingKeys.get(deviceId);
    if (known) return known;
    await this.refresh();
    return this.signingKeys.get(deviceId);
  }

  private refresh(): Promise<void> {
    this.pending ??= this.fetch().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  private async fetch(): Promise<void> {
    const { publishers } = await this.km.publishers(this.channelId);
    for (const cert of publishers) {
      try {
        const verified = await verifyDeviceCertificate(this.opts.crypto, cert);
        this.signingKeys.set(verified.deviceId, bytesOf(verified.ed25519));
      } catch (err) {
        if (!isProtocolError(err)) throw err;
      }
    }
  }
}
