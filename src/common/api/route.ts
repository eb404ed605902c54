/**
 * A key-service route as data (docs/api.md "The key-service API as data"): method, path, who may call it,
 * the zod schemas of its path parameters, query, body and answer, the success status, and the error codes
 * it answers by status beyond those every route of its shape may answer (src/common/api/errorAnswers.ts).
 * A route table names its routes; the server implements each by name (src/server/http/route.ts), the
 * client calls it by name (src/client/keyServiceApi.ts), and the OpenAPI document is rendered from it.
 * Runs anywhere: zod only.
 */
import type { z } from 'zod';
import type { KeyServiceAnswerCode } from '../errorCodes';

/**
 * Who may call: anyone; any live session of a user, password-only included (`user`: only what signing in
 * and enrolling a device need); or a device-bound session, opened by a device that proved its key or
 * registered itself (`device`; docs/api.md "Sessions").
 */
export type AuthLevel = 'public' | 'user' | 'device';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The error statuses a route may answer, ascending. */
export const ERROR_STATUSES = [400, 401, 403, 404, 409, 413, 422, 429, 503] as const;
export type ErrorStatus = (typeof ERROR_STATUSES)[number];

/** Codes a route answers by status, besides the ones its shape implies. */
export type ErrorAnswers = { readonly [S in ErrorStatus]?: readonly KeyServiceAnswerCode[] };

export interface ApiRoute {
  readonly method: Method;
  /** A pattern like /v1/conversations/:conversationId; its `:name` segments are the `params` fields. */
  readonly path: string;
  readonly summary: string;
  /** The OpenAPI tag (the section of docs/api.md). */
  readonly tag: string;
  readonly auth: AuthLevel;
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  readonly response: z.ZodType;
  /** Success status; 200 unless given. A 204 answers no body (`response` is `NoContent`). */
  readonly status?: 200 | 201 | 204;
  /** Largest body this route accepts, when it needs more than the service's default (2 MiB): records of X-Wing wraps. */
  readonly bodyLimitBytes?: number;
  readonly errors: ErrorAnswers;
}

/** A table of named routes. */
export type RouteTable = Readonly<Record<string, ApiRoute>>;

/** Declares a table, keeping each route's schema types. */
export function defineRoutes<T extends RouteTable>(table: T): T {
  return table;
}

type Scalar = string | number | boolean;
type ParamValues<I> = { readonly [K in keyof I]-?: string | number };
type QueryValues<I> = { readonly [K in keyof I]: unknown extends I[K] ? Scalar : I[K] };
type AllOptional<T> = Partial<T> extends T ? true : false;

type ParamsPart<R> = R extends { readonly params: infer P extends z.ZodType } ? { readonly params: ParamValues<z.input<P>> } : { readonly params?: undefined };
type QueryPart<R> = R extends { readonly query: infer Q extends z.ZodType }
  ? AllOptional<z.input<Q>> extends true
    ? { readonly query?: QueryValues<z.input<Q>> }
    : { readonly query: QueryValues<z.input<Q>> }
  : { readonly query?: undefined };
type BodyPart<R> = R extends { readonly body: infer B extends z.ZodType } ? { readonly body: z.input<B> } : { readonly body?: undefined };

/** What a caller passes: each path parameter (string or number), the query, and the body (its input side). */
export type RouteInput<R> = ParamsPart<R> & QueryPart<R> & BodyPart<R>;

/** What a caller gets: the answer parsed by the route's response schema (its output side). */
export type RouteOutput<R extends ApiRoute> = z.output<R['response']>;

/** `[input]`, or `[input?]` when the route takes nothing that is required. */
export type RouteArgs<R> = Partial<RouteInput<R>> extends RouteInput<R> ? [input?: RouteInput<R>] : [input: RouteInput<R>];
