/**
 * The server's half of a route (docs/api.md "The key-service API as data"): a named entry of a route
 * table (src/common/api) — method, path, auth, schemas, statuses — plus what only the server has: the
 * handler, whether the route is rate limited, and who checks the session. The server validates with
 * exactly the table's schemas and http/openapi.ts renders them, so the document cannot drift from what is
 * enforced. `implement` is the only way to make a `Route`, so every served route comes from a table.
 */
import type { z } from 'zod';
import type { ApiRoute, AuthLevel, RouteTable } from '../../common/api/route';
import type { JsonText } from './jsonText';

export interface UserPrincipal {
  readonly userId: string;
  readonly sessionId: string;
  readonly deviceId: string | null;
}

export interface DevicePrincipal extends UserPrincipal {
  readonly deviceId: string;
}

export type PrincipalFor<A extends AuthLevel> = A extends 'device' ? DevicePrincipal : A extends 'user' ? UserPrincipal : null;

export interface RequestInfo {
  readonly ip: string;
  readonly userAgent: string;
}

export interface HandlerInput<A extends AuthLevel, P, Q, B> {
  readonly principal: PrincipalFor<A>;
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly request: RequestInfo;
}

type ParamsOf<R> = R extends { readonly params: infer S extends z.ZodType } ? z.output<S> : Record<string, never>;
type QueryOf<R> = R extends { readonly query: infer S extends z.ZodType } ? z.output<S> : Record<string, never>;
type BodyOf<R> = R extends { readonly body: infer S extends z.ZodType } ? z.output<S> : undefined;
type AnswerOf<R> = R extends { readonly response: infer S extends z.ZodType } ? z.input<S> : never;

/** What the server adds to a table entry. */
export interface ServerParts<R extends ApiRoute> {
  /** The answer, or the same as JSON text (`JsonText`) when most of it is stored JSON. */
  readonly handler: (input: HandlerInput<R['auth'], ParamsOf<R>, QueryOf<R>, BodyOf<R>>) => Promise<AnswerOf<R> | JsonText>;
  /** Auth endpoints are rate limited per client address and per account name. */
  readonly rateLimited?: boolean;
  /**
   * Who checks that the token's session and device are live: the server, with one query before the handler
   * (default), or — `'handler'`, for the hot read path only — the handler, whose own query reads the
   * session and device rows with its data and which must pass them to `checkPrincipalState`
   * (auth/authenticate.ts) before it uses anything. The server still verifies the token itself.
   */
  readonly sessionCheck?: 'server' | 'handler';
}

/** A served route, its types erased, as the router, the listener and the OpenAPI generator see it. */
export interface Route {
  /** The entry's name in its table. */
  readonly name: string;
  readonly table: RouteTable;
  readonly spec: ApiRoute;
  /** The path served: the mount's base path and the entry's path. */
  readonly path: string;
  readonly rateLimited: boolean;
  readonly sessionCheck: 'server' | 'handler';
  handler(input: HandlerInput<AuthLevel, unknown, unknown, unknown>): Promise<unknown>;
}

/** Implements the entry `name` of `table`, served under `basePath` (e.g. `/km` for a mounted key manager). */
export function implement<T extends RouteTable, N extends keyof T & string>(table: T, name: N, parts: ServerParts<T[N]>, basePath = ''): Route {
  const spec: T[N] = table[name];
  return {
    name,
    table,
    spec,
    path: `${basePath}${spec.path}`,
    rateLimited: parts.rateLimited ?? false,
    sessionCheck: parts.sessionCheck ?? 'server',
    handler: parts.handler,
  };
}
