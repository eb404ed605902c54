/**
 * Routing of PubNub REST paths (docs/pubnub-wire.md §2) to handlers. A route parses and validates its request
 * into typed parameters, names the access it needs (checked by Access Manager before anything changes) and then
 * executes. Path segments stay percent-encoded in `params`; routes decode what they use.
 */
import type { Access, Grants } from '../pam/accessManager';
import type { RelayContext } from '../relayContext';
import type { HttpMethod, Incoming } from './incoming';
import type { ErrorShape, Reply } from './reply';

export interface RouteContext {
  readonly incoming: Incoming;
  readonly relay: RelayContext;
  /** Raw (still encoded) path segments captured by `:name` placeholders. */
  readonly params: Readonly<Record<string, string>>;
}

export interface Prepared {
  readonly access: Access;
  /** `grants`: what Access Manager found the caller may do (listing answers name only that). */
  execute(grants: Grants): Reply | Promise<Reply>;
}

export interface RouteDef {
  readonly method: HttpMethod;
  readonly pattern: readonly string[];
  readonly errorShape: ErrorShape;
  prepare(ctx: RouteContext): Promise<Prepared>;
}

export interface RouteSpec<P> {
  readonly errorShape?: ErrorShape;
  parse(ctx: RouteContext): P | Promise<P>;
  access(params: P, ctx: RouteContext): Access;
  handle(params: P, ctx: RouteContext, grants: Grants): Reply | Promise<Reply>;
}

export function route<P>(method: HttpMethod, path: string, spec: RouteSpec<P>): RouteDef {
  return {
    method,
    pattern: path.slice(1).split('/'),
    errorShape: spec.errorShape ?? 'object',
    prepare: async (ctx) => {
      const params = await spec.parse(ctx);
      return { access: spec.access(params, ctx), execute: (grants) => spec.handle(params, ctx, grants) };
    },
  };
}

function matchPattern(pattern: readonly string[], segments: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i += 1) {
    const want = pattern[i] as string;
    const got = segments[i] as string;
    if (want.startsWith(':')) {
      if (got.length === 0) return undefined;
      params[want.slice(1)] = got;
    } else if (want !== got) return undefined;
  }
  return params;
}

export type RouteMatch =
  | { readonly kind: 'found'; readonly route: RouteDef; readonly params: Record<string, string> }
  | { readonly kind: 'wrongMethod'; readonly allowed: readonly HttpMethod[] }
  | { readonly kind: 'none' };

export function findRoute(routes: readonly RouteDef[], method: HttpMethod, segments: readonly string[]): RouteMatch {
  const allowed: HttpMethod[] = [];
  for (const candidate of routes) {
    const params = matchPattern(candidate.pattern, segments);
    if (params === undefined) continue;
    if (candidate.method === method) return { kind: 'found', route: candidate, params };
    allowed.push(candidate.method);
  }
  return allowed.length > 0 ? { kind: 'wrongMethod', allowed } : { kind: 'none' };
}
