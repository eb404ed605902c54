/**
 * The renderer's Content Security Policy (Electron security checklist §7 "Define a Content Security
 * Policy"; CSP Level 3). Built in main from the network the app chose at start-up — the relay or PubNub
 * origin the renderer's PubNub client connects to (the `transportConfig` IPC answer) — and never from
 * renderer input. Sent as a response header by the app:// handler and by the web host.
 *
 * Strict everywhere except `connect-src`, which adds exactly the transport origin (`https:` + `wss:` for
 * PubNub, `http:` + `ws:` for the loopback relay). The key service is not listed: only main talks to it.
 */
import { AppError, missingCase } from '../../common/errors';

/** Where the renderer's transport connects: a known origin, any loopback port (tests, unknown local port), or nowhere. */
export type CspTransport = { kind: 'relay'; url: string } | { kind: 'loopback' } | { kind: 'none' };

export class CspOriginError extends AppError {
  constructor(detail: string) {
    super('csp_origin_invalid', `cannot allow this transport origin in the CSP: ${detail}`, 'validation');
  }
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost']);
const HOST = /^[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?$/;

/** The `connect-src` sources the transport needs, besides `'self'`. */
export function transportSources(transport: CspTransport): string[] {
  switch (transport.kind) {
    case 'none':
      return [];
    case 'loopback':
      return ['http://127.0.0.1:*', 'ws://127.0.0.1:*'];
    case 'relay':
      return relaySources(transport.url);
    default:
      return missingCase(transport);
  }
}

function relaySources(raw: string): string[] {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CspOriginError('not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new CspOriginError(`scheme ${url.protocol.slice(0, 16)} is not http(s)`);
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    throw new CspOriginError('an origin has no credentials, path, query or fragment');
  }
  if (!HOST.test(url.hostname)) throw new CspOriginError('host is not a DNS name or IPv4 address');
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) throw new CspOriginError('plain http is allowed only on loopback');
  const secure = url.protocol === 'https:';
  return [`${url.protocol}//${url.host}`, `${secure ? 'wss' : 'ws'}://${url.host}`];
}

/** The whole policy, as the value of a `Content-Security-Policy` header. Throws `CspOriginError`. */
export function buildCsp(transport: CspTransport): string {
  const directives: Array<[string, ...string[]]> = [
    ['default-src', "'self'"],
    ['script-src', "'self'"],
    ['style-src', "'self'"],
    ['img-src', "'self'", 'data:'],
    ['connect-src', "'self'", ...transportSources(transport)],
    ['object-src', "'none'"],
    ['base-uri', "'none'"],
    ['form-action', "'none'"],
    ['frame-ancestors', "'none'"],
  ];
  return directives.map((d) => d.join(' ')).join('; ');
}
