/**
 * Single sign-on as RFC 8252 asks of a native app (docs/desktop.md "Single sign-on"; the CLI's `login --sso`,
 * docs/client.md): the app is a public client; it opens the provider's authorization page in the system
 * browser (the desktop through the shell's openExternal path; the CLI prints the address) and receives the
 * answer on a loopback listener bound to 127.0.0.1 on a random port (§7.3), with PKCE S256, `state` and a
 * `nonce` (`openid-client`). Where the browser runs on another machine than the CLI (an SSH session), the
 * loopback address cannot be reached from it: the person pastes the address the browser ended on instead
 * (`pasted`), checked like the listener's answer. The code, the PKCE verifier and the provider's tokens
 * never leave this module; it answers the ID token and its nonce, which the key service verifies
 * (src/server/oidcVerifier.ts). One flow at a time; it ends by itself after `timeoutMs` (default 5
 * minutes) and can be cancelled; each way out is a typed error with a plain sentence.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError } from '../../common/errors';

export type SsoErrorCode =
  'sso_cancelled' | 'sso_timed_out' | 'sso_refused' | 'sso_provider_unreachable' | 'sso_browser_unavailable' | 'sso_in_progress' | 'sso_not_configured';

const CATEGORY = {
  sso_cancelled: 'validation',
  sso_timed_out: 'unavailable',
  sso_refused: 'auth',
  sso_provider_unreachable: 'unavailable',
  sso_browser_unavailable: 'unavailable',
  sso_in_progress: 'conflict',
  sso_not_configured: 'validation',
} as const;

export class SsoError extends AppError {
  declare readonly code: SsoErrorCode;
  constructor(code: SsoErrorCode, message: string) {
    super(code, message, CATEGORY[code]);
  }
}

export interface SsoProvider {
  readonly issuer: string;
  readonly clientId: string;
}

export interface SsoFlowOptions {
  /** Opens the authorization URL in the system browser (Electron: shell.openExternal after the link rules). */
  readonly openBrowser: (url: string) => Promise<void>;
  /** Default 5 minutes. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /**
   * The address the browser ended on, pasted by the person (the CLI where the browser is elsewhere). An
   * address that is not this flow's answer (another `state`, no code) ends the flow with `sso_refused`.
   */
  readonly pasted?: Promise<string>;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

const PAGE = (title: string, text: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:sans-serif;margin:3em"><h1>${title}</h1><p>${text}</p></body></html>`;

function answer(res: ServerResponse, status: number, title: string, text: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
  res.end(PAGE(title, text));
}

/** Runs one authorization-code flow; answers the ID token and the nonce it was requested with. */
export async function runSsoFlow(provider: SsoProvider, opts: SsoFlowOptions): Promise<{ idToken: string; nonce: string }> {
  const oidc = await import('openid-client');
  const issuerUrl = new URL(provider.issuer);
  // Plain http only to a provider on this machine (the tests' provider); anything else must be https.
  const insecure = issuerUrl.protocol === 'http:' && LOOPBACK_HOSTS.has(issuerUrl.hostname);
  let config;
  try {
    config = await oidc.discovery(issuerUrl, provider.clientId, undefined, oidc.None(), {
      ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
      timeout: 15,
    });
  } catch (err) {
    throw new SsoError(
      'sso_provider_unreachable',
      `Your company sign-in page cannot be reached right now (${err instanceof Error ? err.message : String(err)}). Check your connection and try again.`,
    );
  }
  const verifier = oidc.randomPKCECodeVerifier();
  const challenge = await oidc.calculatePKCECodeChallenge(verifier);
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();

  let settle!: { resolve: (url: URL) => void; reject: (err: Error) => void };
  const callback = new Promise<URL>((resolve, reject) => (settle = { resolve, reject }));
  let done = false;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1`);
    if (req.method !== 'GET' || url.pathname !== '/callback') return answer(res, 404, 'Not found', 'This address only receives the sign-in answer.');
    // Only the answer to this flow's request: another state is ignored and the flow keeps waiting.
    if (done || url.searchParams.get('state') !== state)
      return answer(res, 400, 'Not this sign-in', 'This answer does not belong to the sign-in in progress. Go back to Seed Messenger.');
    done = true;
    if (url.searchParams.has('error')) {
      answer(res, 200, 'Sign-in not completed', 'You can close this tab and go back to Seed Messenger.');
      settle.reject(new SsoError('sso_refused', `Your company sign-in did not complete (${(url.searchParams.get('error') ?? '').slice(0, 60)}). Try again.`));
      return;
    }
    answer(res, 200, 'Signed in', 'You can close this tab and go back to Seed Messenger.');
    settle.resolve(new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}${req.url ?? ''}`));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
  const timer = setTimeout(
    () => settle.reject(new SsoError('sso_timed_out', 'Signing in with your company account took too long, so it was stopped. Try again.')),
    opts.timeoutMs ?? 5 * 60_000,
  );
  const onAbort = () => settle.reject(new SsoError('sso_cancelled', 'Signing in with your company account was cancelled.'));
  opts.pasted?.then(
    (text) => {
      if (done) return;
      done = true;
      const answer = pastedAnswer(text, redirectUri, state);
      if (answer instanceof SsoError) settle.reject(answer);
      else settle.resolve(answer);
    },
    () => undefined,
  );
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) onAbort();
  try {
    const authUrl = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid email profile',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    try {
      await opts.openBrowser(authUrl.href);
    } catch (err) {
      throw new SsoError(
        'sso_browser_unavailable',
        `Your web browser could not be opened for the company sign-in (${err instanceof Error ? err.message : String(err)}).`,
      );
    }
    const current = await callback;
    let tokens;
    try {
      tokens = await oidc.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      });
    } catch (err) {
      throw new SsoError(
        'sso_refused',
        `Your company sign-in answered something this app cannot accept (${err instanceof Error ? err.message : String(err)}). Try again.`,
      );
    }
    if (!tokens.id_token) throw new SsoError('sso_refused', 'Your company sign-in answered no identity. Ask your IT administrator.');
    return { idToken: tokens.id_token, nonce };
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    server.close();
    server.closeAllConnections();
  }
}

/** The pasted address as the listener would have received it, or why it is not this flow's answer. */
function pastedAnswer(text: string, redirectUri: string, state: string): URL | SsoError {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return new SsoError('sso_refused', 'What you pasted is not a web address. Copy the whole address from your browser after signing in, and try again.');
  }
  if (`${url.origin}${url.pathname}` !== redirectUri || url.searchParams.get('state') !== state)
    return new SsoError('sso_refused', 'The address you pasted is not the answer to this sign-in. Start the sign-in again and paste the address it ends on.');
  if (url.searchParams.has('error'))
    return new SsoError('sso_refused', `Your company sign-in did not complete (${(url.searchParams.get('error') ?? '').slice(0, 60)}). Try again.`);
  return url;
}
