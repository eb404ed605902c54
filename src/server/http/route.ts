/**
 * Route definitions (issue 5, "every request body/params validated by zod schemas that also generate
 * /v1/openapi.json"): a route names its method, path, who may call it, and the zod schemas of its path
 * parameters, query, body and response. The server validates with exactly these schemas and
 * http/openapi.ts renders them, so the document cannot drift from what is enforced.
 */
import type { z } from 'zod';
import type { JsonText } from './jsonText';

/** Who may call: anyone, a logged-in user, or a logged-in user acting through a registered device. */
export type AuthLevel = 'public' | 'user' | 'device';

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

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteDef<A extends AuthLevel, P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType> {
  readonly method: Method;
  /** `/v1/conversations/:conversationId` style. */
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  readonly auth: A;
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  readonly response: R;
  /** Success status; 200 unless given. */
  readonly status?: 200 | 201 | 204;
  /** Auth endpoints are rate limited per client address and per account name. */
  readonly rateLimited?: boolean;
  /**
   * Who checks that the token's session and device are live: the server, with one query before the handler
   * (default), or — `'handler'`, for the hot read path only — the handler, whose own query reads the
   * session and device rows with its data and which must pass them to `checkPrincipalState`
   * (auth/authenticate.ts) before it uses anything. The server still verifies the token itself.
   */
  readonly sessionCheck?: 'server' | 'handler';
  /** Status codes this route may answer besides success (documented in OpenAPI). */
  readonly errors: readonly number[];
  /** The answer, or the same as JSON text (`JsonText`) when most of it is stored JSON. */
  readonly handler: (input: HandlerInput<A, z.output<P>, z.output<Q>, z.output<B>>) => Promise<z.input<R> | JsonText>;
}

/** A route with its types erased, as the server and the OpenAPI generator see it. */
export interface Route {
  readonly method: Method;
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  readonly auth: AuthLevel;
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  readonly response: z.ZodType;
  readonly status?: 200 | 201 | 204;
  readonly rateLimited?: boolean;
  readonly sessionCheck?: 'server' | 'handler';
  readonly errors: readonly number[];
  readonly handler: (input: HandlerInput<AuthLevel, unknown, unknown, unknown>) => Promise<unknown>;
}

/** Declares a route; the handler's input and output types follow from the schemas. */
export function defineRoute<
  A extends AuthLevel,
  P extends z.ZodType = z.ZodType<Record<string, never>>,
  Q extends z.ZodType = z.ZodType<Record<string, never>>,
  B extends z.ZodType = z.ZodType<undefined>,
  R extends z.ZodType = z.ZodType,
>(def: RouteDef<A, P, Q, B, R>): Route {
  return def as unknown as Route;
}
