/**
 * The client core's typed HTTP client of the key service (docs/client.md "The typed key-service client"):
 * `request('getKeyVersion', { params: { conversationId, version } })` builds the request from the route
 * table (src/common/api/keyService.ts) and parses every answer with the route's response schema — an
 * answer of another shape is `KeyServiceError` `bad_response` naming the route, never a cast. Bearer auth
 * with one transparent refresh when an access token has expired (the refresh token rotates on every
 * refresh; `onRefreshToken` persists the new one), `device_revoked` listeners, one retry on a stale
 * keep-alive connection, a timeout on every request, and one abort that `close()` fires.
 */
import { keyServiceRoutes, type KeyServiceRouteName, type KeyServiceRoutes } from '../common/api/keyService';
import type { RouteArgs, RouteOutput } from '../common/api/route';
import { ErrorBodySchema } from '../common/api/serviceSchemas';
import { missingCase } from '../common/errors';
import { ClientClosedError, KeyServiceError, KeyServiceTimeoutError, KeyServiceUnreachableError, NotSignedInError } from './errors';
import { parseAnswer } from './http/parseAnswer';
import { sendRoute, type RequestParts } from './http/routeRequest';

export type { TokenPair } from '../common/api/accountSchemas';

/** How long a request may take before it fails with `key_service_timeout`. */
export const DEFAULT_KEY_SERVICE_TIMEOUT_MS = 15_000;

export interface KeyServiceApiOptions {
  /** Persists each rotated refresh token (the vault). */
  readonly onRefreshToken?: (token: string) => Promise<void>;
  /** Per request; default DEFAULT_KEY_SERVICE_TIMEOUT_MS. */
  readonly timeoutMs?: number;
}

/** What a named route answers. */
export type KeyServiceAnswer<N extends KeyServiceRouteName> = RouteOutput<KeyServiceRoutes[N]>;

export class KeyServiceApi {
  private accessToken: string | null = null;
  private refreshToken: string | null = null;
  private refreshing: Promise<void> | undefined;
  private readonly revokedListeners = new Set<() => void>();
  private readonly closing = new AbortController();
  private readonly onRefreshToken: (token: string) => Promise<void>;
  readonly timeoutMs: number;

  constructor(
    readonly baseUrl: string,
    options: KeyServiceApiOptions = {},
  ) {
    this.onRefreshToken = options.onRefreshToken ?? (async () => undefined);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_KEY_SERVICE_TIMEOUT_MS;
  }

  setTokens(accessToken: string | null, refreshToken: string | null): void {
    this.accessToken = accessToken;
    this.refreshToken = refreshToken;
  }

  /** Called when the key service answers `device_revoked`: this device was revoked from another one. */
  onDeviceRevoked(listener: () => void): () => void {
    this.revokedListeners.add(listener);
    return () => this.revokedListeners.delete(listener);
  }

  get signedIn(): boolean {
    return this.accessToken !== null || this.refreshToken !== null;
  }

  get closed(): boolean {
    return this.closing.signal.aborted;
  }

  /** Aborts every request in flight (they fail with `client_closed`) and refuses new ones. */
  close(): void {
    this.closing.abort();
  }

  /**
   * Calls the named route: public routes without a token, the others with the access token, refreshed
   * once when it is missing or expired. Throws the service's refusal as `KeyServiceError`.
   */
  request<N extends KeyServiceRouteName>(name: N, ...args: RouteArgs<KeyServiceRoutes[N]>): Promise<KeyServiceAnswer<N>>;
  async request(name: KeyServiceRouteName, parts: RequestParts = {}): Promise<unknown> {
    if (this.closed) throw new ClientClosedError(name);
    if (keyServiceRoutes[name].auth === 'public') return this.answer(name, await this.send(name, parts, null));
    if (this.accessToken === null) await this.refresh();
    const first = await this.send(name, parts, this.accessToken, true);
    if (first.status !== 401) return this.answer(name, first);
    await this.refresh();
    return this.answer(name, await this.send(name, parts, this.accessToken));
  }

  /** Spends the refresh token for a new pair (one refresh at a time: concurrent callers share it). */
  refresh(): Promise<void> {
    this.refreshing ??= this.rotate().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async rotate(): Promise<void> {
    if (this.refreshToken === null || this.refreshToken === '') throw new NotSignedInError();
    const pair = await this.request('refresh', { body: { refreshToken: this.refreshToken } });
    this.accessToken = pair.accessToken;
    this.refreshToken = pair.refreshToken;
    await this.onRefreshToken(pair.refreshToken);
  }

  /** One request; a refusal is thrown (after telling the revocation listeners) unless it is a 401 the caller retries. */
  private async send(name: KeyServiceRouteName, parts: RequestParts, token: string | null, allow401 = false): Promise<{ status: number; json: unknown }> {
    const outcome = await sendRoute(this.baseUrl, keyServiceRoutes[name], parts, {
      token,
      timeoutMs: this.timeoutMs,
      signal: this.closing.signal,
      retryStaleConnection: true,
    });
    switch (outcome.kind) {
      case 'closed':
        throw new ClientClosedError(name);
      case 'timeout':
        throw new KeyServiceTimeoutError(name, this.timeoutMs);
      case 'unreachable':
        throw new KeyServiceUnreachableError(this.baseUrl, outcome.detail);
      case 'answer':
        break;
      default:
        return missingCase(outcome);
    }
    if (outcome.nonJson)
      throw new KeyServiceError(outcome.status, 'bad_response', `the key service answered ${name} with ${outcome.status} and a body that is not JSON`, name);
    if (outcome.status >= 200 && outcome.status < 300) return outcome;
    if (outcome.status === 401 && allow401) return outcome;
    const refusal = ErrorBodySchema.safeParse(outcome.json);
    const error = refusal.success ? refusal.data.error : { code: `http_${outcome.status}`, message: `HTTP ${outcome.status}` };
    if (error.code === 'device_revoked') for (const listener of this.revokedListeners) listener();
    throw new KeyServiceError(outcome.status, error.code, error.message, name);
  }

  /** The answer parsed with the route's response schema. */
  private answer(name: KeyServiceRouteName, reply: { status: number; json: unknown }): unknown {
    const parsed = parseAnswer(keyServiceRoutes[name].response, reply.json);
    if (!parsed.ok)
      throw new KeyServiceError(
        reply.status,
        'bad_response',
        `the key service answered ${name} with a body that does not match its schema (${parsed.issue})`,
        name,
      );
    return parsed.value;
  }
}
