/**
 * A standalone claim issuer on HTTP (docs/broadcast.md §2): serves the JWKS at
 * `<url>/.well-known/jwks.json` and names itself `iss = <url>`. Used where the identity side is not the
 * key service (tests, an organisation's own issuer); `issuer.issue(...)` signs claims in-process.
 */
import { createServer } from 'node:http';
import { listen } from '../../node/net/listen';
import { Unauthorized } from '../http/httpErrors';
import { RateLimiter } from '../http/rateLimit';
import { Router } from '../http/router';
import { createListener } from '../http/server';
import { ClaimIssuer } from './claimIssuer';
import { claimRoutes } from './claimRoutes';

export interface ClaimIssuerServer {
  readonly url: string;
  readonly jwksUrl: string;
  readonly issuer: ClaimIssuer;
  close(): Promise<void>;
}

export async function startClaimIssuer(opts: {
  dataDir: string;
  port?: number;
  host?: string;
  log?: (m: string, e?: unknown) => void;
}): Promise<ClaimIssuerServer> {
  let issuer: ClaimIssuer | null = null;
  const routes = claimRoutes(() => ({ jwks: () => (issuer ? issuer.jwks() : { keys: [] }) }));
  const server = createServer(
    createListener({
      router: new Router(routes),
      bodyLimit: 1024,
      ipLimiter: new RateLimiter({ limit: 10_000, windowMs: 60_000 }),
      authenticate: () => Promise.reject(new Unauthorized()),
      onBug: (err) => (opts.log ?? ((m, e) => console.error(`[claims] ${m}`, e ?? '')))('unexpected error', err),
      validateResponses: false,
    }),
  );
  const { url } = await listen(server, { port: opts.port, host: opts.host });
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  try {
    issuer = await ClaimIssuer.open({ issuer: url, dataDir: opts.dataDir });
  } catch (err) {
    await close();
    throw err;
  }
  return {
    url,
    jwksUrl: `${url}/.well-known/jwks.json`,
    issuer,
    close,
  };
}
