/**
 * The client core's typed HTTP client of the key service (docs/client.md "The typed key-service client"):
 * `request('getKeyVersion', { params: { conversationId, version } })` builds the request from the route
 * table (src/common/api/keyService.ts) and parses every answer with the route's response schema — an
 * answer of another shape is `KeyServiceError` `bad_response` naming the route, never a cast. Bearer auth
 * with one transparent refresh when an access token has expired (the refresh token rotates on every
 * refresh; `onRefreshToken` persists the new one), re-authentication by the device's signed challenge when
 * the refresh token is refused (docs/protocol.md §16), a check of every `device_revoked` answer before it is
 * believed (docs/protocol.md §17), one retry on a stale keep-alive connection, a timeout on every request,
 * and one abort that `close()` fires.
 */
import { keyServiceRoutes, type KeyServiceRouteName, type KeyServiceRoutes } from '../common/api/keyService';
import type { RouteArgs, RouteOutput } from '../common/api/route';
import { ErrorBodySchema } from '../common/api/serviceSchemas';
import { missingCase, type AppError } from '../common/errors';
import { ClientClosedError, KeyServiceError, KeyServiceTimeoutError, KeyServiceUnreachableError, NotSignedInError } from './errors';
import { parseAnswer } from './http/parseAnswer';
import { sendRoute, type RequestParts } from './http/routeRequest';

import type { TokenPair } from '../common/api/accountSchemas';

export type { TokenPair };

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

/** Opens a device-bound session by the device's signature over a fresh challenge (deviceSession.ts). */
export type DeviceProof = () => Promise<TokenPair>;

/**
 * Decides what a `device_revoked` answer means: the error the request then fails with — the refusal
 * itself once the revocation is proven (and the device's keys are being erased), or `revocation_unproven`.
 */
export type RevocationCheck = (refusal: KeyServiceError) => Promise<AppError>;

/** Refresh refusals after which a device that holds its keys proves itself for a new session. */
const REAUTHENTICATE_AFTER: ReadonlySet<string> = new Set(['session_revoked', 'invalid_refresh_token', 'refresh_token_reused', 'unauthorized']);

/** The route a revocation check reads: its own answers are never checked again. */
const REVOCATION_ROUTE: KeyServiceRouteName = 'getDeviceRevocation';

export class KeyServiceApi {
  private accessToken: string | null = null;
  private refreshToken: string | null = null;
  private refreshing: Promise<void> | undefined;
  private deviceProof: DeviceProof | null = null;
  private revocationCheck: RevocationCheck | null = null;
  private refusalListener: ((refusal: KeyServiceError) => void) | null = null;
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

  /** How this device proves itself when its refresh token is refused (null: it holds no device keys). */
  setDeviceProof(proof: DeviceProof | null): void {
    this.deviceProof = proof;
  }

  /** Who decides what a `device_revoked` answer means (null: the refusal is thrown as it is). */
  setRevocationCheck(check: RevocationCheck | null): void {
    this.revocationCheck = check;
  }

  /** Hears every refusal before it is thrown (the client watches for `account_deactivated`). */
  setRefusalListener(listener: ((refusal: KeyServiceError) => void) | null): void {
    this.refusalListener = listener;
  }

  get signedIn(): boolean {
    return this.accessToken !== null || this.refreshToken !== null || this.deviceProof !== null;
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

  /**
   * Spends the refresh token for a new pair (one refresh at a time: concurrent callers share it). When the
   * service refuses the refresh token as ended, expired, unknown or reused (the user ended this session, or
   * changed the password) and this client holds device keys, the device proves itself for a new session.
   */
  refresh(): Promise<void> {
    this.refreshing ??= this.rotate().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async rotate(): Promise<void> {
    if (this.refreshToken !== null && this.refreshToken !== '') {
      try {
        return await this.adopt(await this.request('refresh', { body: { refreshToken: this.refreshToken } }));
      } catch (err) {
        if (!(this.deviceProof && err instanceof KeyServiceError && REAUTHENTICATE_AFTER.has(err.code))) throw err;
      }
    }
    if (!this.deviceProof) throw new NotSignedInError();
    await this.adopt(await this.deviceProof());
  }

  /** Uses a new token pair and persists its refresh token. */
  private async adopt(pair: TokenPair): Promise<void> {
    this.accessToken = pair.accessToken;
    this.refreshToken = pair.refreshToken;
    await this.onRefreshToken(pair.refreshToken);
  }

  /**
   * One request; a refusal is thrown unless it is a 401 the caller retries. A `device_revoked` refusal is
   * first handed to the revocation check, which decides the error thrown.
   */
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
    const body = ErrorBodySchema.safeParse(outcome.json);
    const error = body.success ? body.data.error : { code: `http_${outcome.status}`, message: `HTTP ${outcome.status}` };
    const refusal = new KeyServiceError(outcome.status, error.code, error.message, name);
    this.refusalListener?.(refusal);
    if (error.code === 'device_revoked' && this.revocationCheck && name !== REVOCATION_ROUTE) throw await this.revocationCheck(refusal);
    throw refusal;
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
