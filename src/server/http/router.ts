/**
 * Finds the route for a method and path: literal segments must match, `:name` segments capture one
 * non-empty, percent-decoded segment. Unknown paths are 404 and known paths with another method 405.
 */
import { BadRequest, MethodNotAllowed, NotFound } from './httpErrors';
import type { Route } from './route';

interface Compiled {
  readonly route: Route;
  readonly segments: readonly string[];
}

export interface Match {
  readonly route: Route;
  readonly params: Record<string, string>;
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

export class Router {
  private readonly compiled: Compiled[];

  constructor(readonly routes: readonly Route[]) {
    this.compiled = routes.map((route) => ({ route, segments: split(route.path) }));
  }

  match(method: string, pathname: string): Match {
    const parts = split(pathname);
    let pathMatched = false;
    for (const { route, segments } of this.compiled) {
      const params = matchSegments(segments, parts);
      if (!params) continue;
      if (route.spec.method === method) return { route, params };
      pathMatched = true;
    }
    if (pathMatched) throw new MethodNotAllowed(method);
    throw new NotFound(`no such endpoint: ${method} ${pathname.slice(0, 200)}`);
  }
}

function matchSegments(segments: readonly string[], parts: readonly string[]): Record<string, string> | null {
  if (segments.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i] ?? '';
    const part = parts[i] ?? '';
    if (seg.startsWith(':')) {
      params[seg.slice(1)] = decode(part);
    } else if (seg !== part) {
      return null;
    }
  }
  return params;
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new BadRequest('malformed percent-encoding in path', 'bad_path');
  }
}
