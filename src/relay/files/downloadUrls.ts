/**
 * Files download URLs (docs/relay.md "Files"): the SDK's download request, checked by Access Manager, is
 * redirected to `/v1/files-download/{sub}/{channel}/{id}/{name}?expires=<ms>&sig=<mac>`, where `sig` is an
 * HMAC-SHA256 under a key the relay draws at start over the file and the expiry. Whoever holds such a URL may
 * fetch that one file until it expires (PubNub's own download URLs are likewise pre-signed and short-lived);
 * a restart voids them all.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { FileUrlError } from '../errors';
import { pubnubEncode } from '../http/percentEncoding';

export interface FileAddress {
  readonly subKey: string;
  readonly channel: string;
  readonly id: string;
  readonly name: string;
}

export class DownloadUrls {
  private readonly key = randomBytes(32);

  constructor(private readonly lifetimeMs: number) {}

  private mac(file: FileAddress, expiresAt: number): Buffer {
    return createHmac('sha256', this.key)
      .update(JSON.stringify([file.subKey, file.channel, file.id, file.name, expiresAt]))
      .digest();
  }

  /** The path and query of a fresh URL for `file`. */
  issue(file: FileAddress, nowMs: number): string {
    const expiresAt = nowMs + this.lifetimeMs;
    const path = [file.subKey, file.channel, file.id, file.name].map(pubnubEncode).join('/');
    return `/v1/files-download/${path}?expires=${expiresAt}&sig=${this.mac(file, expiresAt).toString('base64url')}`;
  }

  /** Throws `403 file_url_invalid` for a signature that does not match, `file_url_expired` past the expiry. */
  verify(file: FileAddress, expires: string | undefined, sig: string | undefined, nowMs: number): void {
    const invalid = () => new FileUrlError('file_url_invalid', 'This download URL is not valid');
    if (expires === undefined || !/^\d{1,15}$/.test(expires) || sig === undefined) throw invalid();
    const expiresAt = Number(expires);
    const given = Buffer.from(sig, 'base64url');
    const want = this.mac(file, expiresAt);
    if (given.length !== want.length || !timingSafeEqual(given, want)) throw invalid();
    if (nowMs >= expiresAt) throw new FileUrlError('file_url_expired', 'This download URL has expired; ask for the file again');
  }
}
