/**
 * The sign-in screen's choices and single sign-on, as IPC handlers (docs/desktop.md "Single sign-on").
 * `signInChoices` asks the key service what the organisation allows (GET /v1/auth/methods) and keeps
 * only what managed policy allows too (`allowedSignInMethods`), so the page shows the right screen.
 * `signInWithSso` checks policy, runs the RFC 8252 flow in main (src/node/sso/ssoFlow.ts), presents the ID token to
 * the key service through the client core (src/client/sso.ts) and answers the signed-in session — or, for
 * an account whose keys are on other devices, the device link to approve there.
 */
import { checkSignInMethod } from '../../common/policy/enforce';
import type { Handler } from '../ipc/dispatch';
import type { PolicyHolder } from '../services/policyHolder';
import type { Session } from '../../common/ipc/schemas/session';
import type { ClientHost } from './clientHost';
import type { DesktopLinking } from './linking';
import { runSsoFlow, SsoError } from '../../node/sso/ssoFlow';
import type { Client, SsoToken } from '../../client';

export interface SsoHandlerDeps {
  host: ClientHost;
  policy: PolicyHolder;
  linking: DesktopLinking;
  announceSession(): Promise<Session>;
  /** The system browser (Electron: shell.openExternal behind the link rules); absent, SSO says it cannot open one. */
  openBrowser?: (url: string) => Promise<void>;
  /** How long the browser sign-in may take; default 5 minutes. */
  ssoTimeoutMs?: number;
}

/** The provider's sign-in, run in the system browser (one at a time; `cancelSso` ends it). */
export interface SsoSignInFlow {
  /**
   * An ID token for the key service of the client `clientFor` answers — asked only after policy allows
   * SSO and no other sign-in is open (it may replace the signing-in client) — and once the organisation
   * is known to have a provider.
   */
  token(clientFor: () => Promise<Client>): Promise<{ client: Client; token: SsoToken }>;
}

export function ssoHandlers(deps: SsoHandlerDeps): {
  handlers: {
    signInChoices: Handler<'signInChoices'>;
    signInWithSso: Handler<'signInWithSso'>;
    cancelSso: Handler<'cancelSso'>;
  };
  /** The same flow for recovery (a restore or reset of an account that signs in with SSO only). */
  flow: SsoSignInFlow;
} {
  let running: AbortController | null = null;
  const allowed = (method: string) => (deps.policy.current().values.allowedSignInMethods as readonly string[]).includes(method);
  const flow: SsoSignInFlow = {
    async token(clientFor) {
      checkSignInMethod(deps.policy.current(), 'oidc');
      if (running) throw new SsoError('sso_in_progress', 'A company sign-in is already open in your browser. Finish it there, or cancel it first.');
      const openBrowser = deps.openBrowser;
      if (!openBrowser) throw new SsoError('sso_browser_unavailable', 'This build of the app cannot open your web browser for the company sign-in.');
      const abort = new AbortController();
      running = abort;
      try {
        const client = await clientFor();
        const options = await client.signInOptions();
        if (!options.oidc)
          throw new SsoError('sso_not_configured', 'Your organisation has not set up company sign-in on this server. Ask your IT administrator.');
        const token = await runSsoFlow(options.oidc, {
          openBrowser,
          signal: abort.signal,
          ...(deps.ssoTimeoutMs !== undefined ? { timeoutMs: deps.ssoTimeoutMs } : {}),
        });
        return { client, token };
      } finally {
        if (running === abort) running = null;
      }
    },
  };
  return {
    flow,
    handlers: {
      async signInChoices() {
        const options = await (await deps.host.current()).signInOptions();
        return {
          password: allowed('password') && options.methods.includes('password'),
          sso: allowed('oidc') && options.oidc !== null ? { displayName: options.oidc.displayName } : null,
          deviceLink: allowed('device-link'),
          registration: options.registration,
        };
      },
      async signInWithSso(a) {
        const { client, token } = await flow.token(() => deps.host.forSignIn(a.deviceName));
        const outcome = await client.signInWithSso(token);
        if (outcome.kind === 'signedIn') return { kind: 'signedIn' as const, session: await deps.announceSession() };
        checkSignInMethod(deps.policy.current(), 'device-link');
        const offer = deps.linking.follow(outcome, () => void deps.announceSession().catch(() => undefined));
        return { kind: 'needsLink' as const, offer };
      },
      async cancelSso() {
        running?.abort();
        return null;
      },
    },
  };
}
