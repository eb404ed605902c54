/**
 * HTTP client of a key manager (docs/broadcast.md §5): one method per route of the key manager's table
 * (src/common/api/keyManager.ts), each bounded by a timeout, every answer parsed with the route's schema.
 * A refused connection is `key_manager_unreachable`, no answer in time `key_manager_timeout`, a refusal
 * carries the key manager's code and status, and an answer that does not parse is
 * `key_manager_bad_response`. Nothing here hangs.
 */
import { keyManagerRoutes, type KeyManagerRouteName, type KeyManagerRoutes } from '../../common/api/keyManager';
import type { RouteArgs, RouteOutput } from '../../common/api/route';
import type { ChannelDescriptor } from '../../common/broadcast/descriptor';
import { KeyManagerError, type BroadcastErrorCode } from '../../common/broadcast/errors';
import { KeyManagerErrorBodySchema } from '../../common/broadcast/keyManagerApi';
import { missingCase } from '../../common/errors';
import type { DeviceCertificate } from '../../common/protocol/deviceCertificate';
import { ClientClosedError } from '../errors';
import { parseAnswer } from '../http/parseAnswer';
import type { RouteRequester } from '../http/routeRequester';
import { sendRoute, type RequestParts } from '../http/routeRequest';

/** Codes a key manager may answer that the client passes on as they are. */
const PASSED_ON: readonly BroadcastErrorCode[] = [
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
  'post_quantum_device_required',
  'channel_exists',
  'channel_unknown',
];

/** The key manager's code when the client passes it on, else `key_manager_refused`. */
function passedOn(code: string): BroadcastErrorCode {
  return PASSED_ON.find((known) => known === code) ?? 'key_manager_refused';
}

export const DEFAULT_KEY_MANAGER_TIMEOUT_MS = 5_000;

export class KeyManagerClient implements RouteRequester<KeyManagerRoutes> {
  constructor(
    readonly url: string,
    private readonly timeoutMs = DEFAULT_KEY_MANAGER_TIMEOUT_MS,
    /** The broadcast session's close signal: a request in flight when it fires fails with `client_closed`. */
    private readonly signal?: AbortSignal,
  ) {}

  createChannel(claim: string, descriptor: ChannelDescriptor) {
    return this.request('createChannel', { body: { claim, descriptor } });
  }

  info(channelId: string) {
    return this.request('getChannel', { params: { channelId } });
  }

  publicKey(channelId: string, claim: string, certificate: DeviceCertificate) {
    return this.request('getChannelPublicKey', { params: { channelId }, body: { claim, certificate } });
  }

  wrappedKeys(channelId: string, claim: string, certificate: DeviceCertificate) {
    return this.request('getWrappedChannelKeys', { params: { channelId }, body: { claim, certificate } });
  }

  revoke(channelId: string, claim: string, userId: string) {
    return this.request('revokeSubscriber', { params: { channelId }, body: { claim, userId } });
  }

  publishers(channelId: string) {
    return this.request('getChannelPublishers', { params: { channelId } });
  }

  /** Calls a route of the key manager's table by name; failures are KeyManagerErrors. */
  request<N extends KeyManagerRouteName>(name: N, ...args: RouteArgs<KeyManagerRoutes[N]>): Promise<RouteOutput<KeyManagerRoutes[N]>>;
  async request(name: KeyManagerRouteName, parts: RequestParts = {}): Promise<unknown> {
    const route = keyManagerRoutes[name];
    if (this.signal?.aborted) throw new ClientClosedError(name);
    const outcome = await sendRoute(this.url, route, parts, { timeoutMs: this.timeoutMs, ...(this.signal ? { signal: this.signal } : {}) });
    switch (outcome.kind) {
      case 'closed':
        throw new ClientClosedError(name);
      case 'unreachable':
        throw new KeyManagerError('key_manager_unreachable', `key manager ${this.url} cannot be reached`);
      case 'timeout':
        throw new KeyManagerError('key_manager_timeout', `key manager ${this.url} did not answer in time`);
      case 'answer':
        break;
      default:
        return missingCase(outcome);
    }
    if (outcome.status < 200 || outcome.status >= 300) {
      const refusal = KeyManagerErrorBodySchema.safeParse(outcome.json);
      const remote = refusal.success ? refusal.data.error : { code: 'unknown', message: `HTTP ${outcome.status}` };
      throw new KeyManagerError(passedOn(remote.code), `key manager refused (${outcome.status} ${remote.code}): ${remote.message}`, outcome.status);
    }
    const parsed = parseAnswer(route.response, outcome.json);
    if (outcome.nonJson || !parsed.ok)
      throw new KeyManagerError('key_manager_bad_response', `key manager ${this.url} answered ${name} with an unexpected body`, outcome.status);
    return parsed.value;
  }
}
