/**
 * HTTP client of the key service (docs/api.md) for the client core: JSON in and out, bearer auth, typed
 * errors (`KeyServiceError` with the service's code), and one transparent refresh when an access token
 * has expired. The refresh token rotates on every refresh; `onRefreshToken` persists the new one.
 */
import { KeyServiceError, KeyServiceUnreachableError, NotSignedInError } from './errors';

export interface TokenPair {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly deviceId: string | null;
  readonly user: { readonly userId: string; readonly username: string; readonly displayName: string; readonly identityKey: string | null };
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export class KeyServiceApi {
  private accessToken: string | null = null;
  private refreshToken: string | null = null;
  private readonly revokedListeners = new Set<() => void>();

  constructor(
    readonly baseUrl: string,
    private readonly onRefreshToken: (token: string) => Promise<void> = async () => {},
  ) {}

  setTokens(accessToken: string | null, refreshToken: string | null): void {
    this.accessToken = accessToken;
    this.refreshToken = refreshToken;
  }

  /** Called when the key service answers `device_revoked`: this device was revoked from another one. */
  onDeviceRevoked(listener: () => void): void {
    this.revokedListeners.add(listener);
  }

  get signedIn(): boolean {
    return this.accessToken !== null || this.refreshToken !== null;
  }

  /** Unauthenticated call. */
  async publicCall<T>(method: Method, path: string, body?: unknown): Promise<T> {
    return (await this.send<T>(method, path, body, null)).body;
  }

  /** Authenticated call; refreshes once on an expired or missing access token. */
  async call<T>(method: Method, path: string, body?: unknown): Promise<T> {
    if (this.accessToken === null) await this.refresh();
    const first = await this.send<T>(method, path, body, this.accessToken, true);
    if (first.status !== 401) return first.body;
    await this.refresh();
    return (await this.send<T>(method, path, body, this.accessToken)).body;
  }

  async refresh(): Promise<void> {
    if (this.refreshToken === null || this.refreshToken === '') throw new NotSignedInError();
    const pair = await this.publicCall<TokenPair>('POST', '/v1/auth/refresh', { refreshToken: this.refreshToken });
    this.accessToken = pair.accessToken;
    this.refreshToken = pair.refreshToken;
    await this.onRefreshToken(pair.refreshToken);
  }

  private async send<T>(method: Method, path: string, body: unknown, token: string | null, allow401 = false): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token !== null) headers.authorization = `Bearer ${token}`;
    const attempt = () => fetch(`${this.baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    let res: Response;
    try {
      res = await attempt().catch((err: unknown) => {
        // A pooled keep-alive connection that the server closed (e.g. it restarted) fails at once with
        // UND_ERR_SOCKET / ECONNRESET; one fresh connection is tried. Writes the server sees twice are
        // refused by their own checks (409: version conflict, wrap exists, username taken).
        if (!isStaleConnection(err)) throw err;
        return attempt();
      });
    } catch (err) {
      throw new KeyServiceUnreachableError(this.baseUrl, err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err));
    }
    const text = await res.text();
    let parsed: unknown = undefined;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new KeyServiceError(res.status, 'bad_response', `the key service answered ${res.status} with non-JSON`);
      }
    }
    if (res.ok) return { status: res.status, body: parsed as T };
    if (res.status === 401 && allow401) return { status: 401, body: undefined as T };
    const error = (parsed as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    if (error?.code === 'device_revoked') for (const listener of this.revokedListeners) listener();
    throw new KeyServiceError(res.status, typeof error?.code === 'string' ? error.code : `http_${res.status}`, typeof error?.message === 'string' ? error.message : `HTTP ${res.status}`);
  }
}

function isStaleConnection(err: unknown): boolean {
  const cause = err instanceof Error ? (err.cause as { code?: unknown } | undefined) : undefined;
  return cause?.code === 'UND_ERR_SOCKET' || cause?.code === 'ECONNRESET';
}
