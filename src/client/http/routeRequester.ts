/**
 * What calls a route table by name (docs/client.md "The typed key-service client"): the core's
 * `KeyServiceApi` and, for tests and bots that hold only a URL and a token, the broadcast client's
 * session requester (broadcast/keyServiceSession.ts). Code that only needs to call routes takes this.
 */
import type { RouteArgs, RouteOutput, RouteTable } from '../../common/api/route';

export interface RouteRequester<T extends RouteTable> {
  request<N extends keyof T & string>(name: N, ...args: RouteArgs<T[N]>): Promise<RouteOutput<T[N]>>;
}
