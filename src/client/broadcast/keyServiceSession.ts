/**
 * The key service for a broadcast client that holds only a URL and a device-bound access token (tests,
 * bots; docs/broadcast.md §8): the same named routes as the core's `KeyServiceApi`, answers parsed with
 * the same schemas, but no refresh — and every failure is a `DirectoryError` (`directory_unreachable`
 * when there is no answer in time, `directory_refused` for a refusal or an answer of another shape).
 * The app passes its `KeyServiceApi` instead, whose failures are its own typed errors.
 */
import { keyServiceRoutes, type KeyServiceRouteName, type KeyServiceRoutes } from '../../common/api/keyService';
import type { RouteArgs, RouteOutput } from '../../common/api/route';
import { ErrorBodySchema } from '../../common/api/serviceSchemas';
import { DirectoryError } from '../../common/broadcast/errors';
import { parseAnswer } from '../http/parseAnswer';
import type { RouteRequester } from '../http/routeRequester';
import { sendRoute, type RequestParts } from '../http/routeRequest';

export interface KeyServiceSession {
  /** The key service base URL, e.g. `http://127.0.0.1:8787`. */
  readonly url: string;
  /** A current device-bound access token (the host refreshes it). */
  readonly accessToken: () => Promise<string>;
  /** Bound on every request; default 5 s. */
  readonly timeoutMs?: number;
}

class SessionRequester implements RouteRequester<KeyServiceRoutes> {
  constructor(private readonly session: KeyServiceSession) {}

  request<N extends KeyServiceRouteName>(name: N, ...args: RouteArgs<KeyServiceRoutes[N]>): Promise<RouteOutput<KeyServiceRoutes[N]>>;
  async request(name: KeyServiceRouteName, parts: RequestParts = {}): Promise<unknown> {
    const route = keyServiceRoutes[name];
    const token = await this.session.accessToken();
    const outcome = await sendRoute(this.session.url, route, parts, { token, timeoutMs: this.session.timeoutMs ?? 5_000 });
    if (outcome.kind !== 'answer') throw new DirectoryError('directory_unreachable', `key service did not answer ${name}`);
    if (outcome.status < 200 || outcome.status >= 300) {
      const refusal = ErrorBodySchema.safeParse(outcome.json);
      const remote = refusal.success ? refusal.data.error : { code: 'unknown', message: `HTTP ${outcome.status}` };
      throw new DirectoryError('directory_refused', `key service refused ${name} (${outcome.status} ${remote.code}): ${remote.message}`, outcome.status);
    }
    const parsed = parseAnswer(route.response, outcome.json);
    if (outcome.nonJson || !parsed.ok) throw new DirectoryError('directory_refused', `key service answered ${name} with an unexpected body`, outcome.status);
    return parsed.value;
  }
}

/** A requester over plain HTTP with a bearer token; failures are DirectoryErrors. */
export function sessionRequester(session: KeyServiceSession): RouteRequester<KeyServiceRoutes> {
  return new SessionRequester(session);
}
