/**
 * HTTP client of a key manager (docs/broadcast.md §5): one call per endpoint, each bounded by a timeout,
 * every answer parsed with the shared zod schemas. A refused connection is `key_manager_unreachable`, no
 * answer in time `key_manager_timeout`, a refusal carries the key manager's code and status, and an
 * answer that does not parse is `key_manager_bad_response`. Nothing here hangs.
 */
import type { z } from 'zod';
import type { ChannelDescriptor } from '../../common/broadcast/descriptor';
import { KeyManagerError, type BroadcastErrorCode } from '../../common/broadcast/errors';
import { missingCase } from '../../common/errors';
import {
  ChannelInfoSchema,
  PublicKeyResponseSchema,
  PublishersResponseSchema,
  RevokeResponseSchema,
  WrappedKeysResponseSchema,
} from '../../common/broadcast/keyManagerApi';
import type { DeviceCertificate } from '../../common/protocol/deviceCertificate';
import { requestJson, type HttpFailure } from './httpJson';

/** Codes a key manager may answer that the client passes on as they are. */
const PASSED_ON: ReadonlySet<string> = new Set<BroadcastErrorCode>([
  'descriptor_malformed',
  'descriptor_bad_signature',
  'descriptor_not_certified',
  'descriptor_wrong_key_manager',
  'claim_malformed',
  'claim_forged',
  'claim_expired',
  'claim_wrong_audience',
  'claim_wrong_issuer',
  'claim_unsupported_alg',
  'issuer_unreachable',
  'role_missing',
  'subscriber_revoked',
  'channel_exists',
  'channel_unknown',
]);

export const DEFAULT_KEY_MANAGER_TIMEOUT_MS = 5_000;

export class KeyManagerClient {
  constructor(
    readonly url: string,
    private readonly timeoutMs = DEFAULT_KEY_MANAGER_TIMEOUT_MS,
  ) {}

  createChannel(claim: string, descriptor: ChannelDescriptor) {
    return this.call('POST', '/v1/channels', { claim, descriptor }, PublicKeyResponseSchema);
  }

  info(channelId: string) {
    return this.call('GET', `/v1/channels/${encodeURIComponent(channelId)}`, undefined, ChannelInfoSchema);
  }

  publicKey(channelId: string, claim: string, certificate: DeviceCertificate) {
    return this.call('POST', `/v1/channels/${encodeURIComponent(channelId)}/public-key`, { claim, certificate }, PublicKeyResponseSchema);
  }

  wrappedKeys(channelId: string, claim: string, certificate: DeviceCertificate) {
    return this.call('POST', `/v1/channels/${encodeURIComponent(channelId)}/keys`, { claim, certificate }, WrappedKeysResponseSchema);
  }

  revoke(channelId: string, claim: string, userId: string) {
    return this.call('POST', `/v1/channels/${encodeURIComponent(channelId)}/revocations`, { claim, userId }, RevokeResponseSchema);
  }

  publishers(channelId: string) {
    return this.call('GET', `/v1/channels/${encodeURIComponent(channelId)}/publishers`, undefined, PublishersResponseSchema);
  }

  private call<S extends z.ZodType>(method: 'GET' | 'POST', path: string, body: unknown, schema: S): Promise<z.output<S>> {
    return requestJson({ method, url: `${this.url}${path}`, body, timeoutMs: this.timeoutMs }, schema, (f) => this.failure(f, `${method} ${path}`));
  }

  private failure(f: HttpFailure, what: string): KeyManagerError {
    switch (f.kind) {
      case 'unreachable':
        return new KeyManagerError('key_manager_unreachable', `key manager ${this.url} cannot be reached`);
      case 'timeout':
        return new KeyManagerError('key_manager_timeout', `key manager ${this.url} did not answer in time`);
      case 'refused': {
        const code: BroadcastErrorCode = PASSED_ON.has(f.code) ? (f.code as BroadcastErrorCode) : 'key_manager_refused';
        return new KeyManagerError(code, `key manager refused (${f.status} ${f.code}): ${f.message}`, f.status);
      }
      case 'bad_response':
        return new KeyManagerError('key_manager_bad_response', `key manager ${this.url} answered ${what} with an unexpected body`, f.status);
      default:
        return missingCase(f);
    }
  }
}
