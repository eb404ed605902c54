/**
 * Deep links to `navigate` events (parsed strictly; docs/desktop.md §Deep links). A
 * raw string from the OS — a macOS `open-url`, or an argument of the command line a second instance or
 * a cold start received — is parsed by src/main/security/deepLink.ts and becomes the payload of a
 * `navigate` event, or a refusal carrying the typed `DeepLinkError` for the log. Nothing here throws:
 * it runs inside Electron's app events. A link is never fetched or executed; it only says where the UI goes.
 */
import type { MethodName } from '../../common/ipc/methods';
import { navigateSchema, type Navigate } from '../../common/ipc/schemas/notifications';
import type { Dispatch } from '../ipc/dispatch';
import { DEEP_LINK_SCHEME, DeepLinkError, deepLinkFromArgv, parseDeepLink } from '../security/deepLink';

export type DeepLinkRoute = { ok: true; navigate: Navigate } | { ok: false; error: DeepLinkError };

export function routeDeepLink(raw: unknown): DeepLinkRoute {
  if (typeof raw !== 'string') return { ok: false, error: new DeepLinkError('not a string') };
  try {
    const parsed = navigateSchema.safeParse(parseDeepLink(raw));
    return parsed.success ? { ok: true, navigate: parsed.data } : { ok: false, error: new DeepLinkError('not a navigation target') };
  } catch (e) {
    return { ok: false, error: e instanceof DeepLinkError ? e : new DeepLinkError('unreadable') };
  }
}

/** The route of the deep link among command-line arguments, or null when there is none. */
export function routeArgv(argv: readonly string[]): DeepLinkRoute | null {
  const raw = deepLinkFromArgv(argv);
  return raw === null ? null : routeDeepLink(raw);
}

/** The URL scheme without its colon, as the OS registers it. */
export const PROTOCOL_SCHEME = DEEP_LINK_SCHEME.slice(0, -1);

export interface ProtocolRegistration {
  scheme: string;
  /** Set when run from source (`electron .`): the OS must start Electron with the app's path. */
  command?: { execPath: string; args: string[] };
}

/**
 * How to register as the scheme's handler (Electron's `app.setAsDefaultProtocolClient`): a packaged app
 * registers itself; run from source, Electron's binary with the app's path (`process.defaultApp`).
 * Only the default profile registers, so a second profile started for testing never takes the scheme.
 */
export function protocolRegistration(facts: {
  defaultApp: boolean;
  execPath: string;
  argv: readonly string[];
  profile: string;
  resolve(path: string): string;
}): ProtocolRegistration | null {
  if (facts.profile !== 'default') return null;
  if (!facts.defaultApp) return { scheme: PROTOCOL_SCHEME };
  const appPath = facts.argv[1];
  if (appPath === undefined || appPath.startsWith('-')) return null;
  return { scheme: PROTOCOL_SCHEME, command: { execPath: facts.execPath, args: [facts.resolve(appPath)] } };
}

/**
 * Deep links that arrive before the renderer listens (a cold start from a link, macOS `open-url` before
 * the window exists) wait here, at most `MAX_QUEUED`, newest kept; once `ready`, each goes straight on.
 */
export class NavigationQueue {
  static readonly MAX_QUEUED = 5;
  private readonly waiting: Navigate[] = [];
  private deliver: ((navigate: Navigate) => void) | null = null;

  push(navigate: Navigate): void {
    if (this.deliver !== null) return this.deliver(navigate);
    this.waiting.push(navigate);
    if (this.waiting.length > NavigationQueue.MAX_QUEUED) this.waiting.shift();
  }

  ready(deliver: (navigate: Navigate) => void): void {
    this.deliver = deliver;
    for (const navigate of this.waiting.splice(0)) deliver(navigate);
  }

  get isReady(): boolean {
    return this.deliver !== null;
  }
}

/**
 * A dispatcher that runs `then` once, before the first call of `channel`. The renderer subscribes to
 * main's events before its first `session` call (src/renderer/src/state/lifecycle.ts), so that call
 * says an event sent now is heard.
 */
export function onFirstCall(dispatch: Dispatch, channel: MethodName, then: () => void): Dispatch {
  let pending = true;
  return (name, args) => {
    if (pending && name === channel) {
      pending = false;
      try {
        then();
      } catch {
        // Delivering queued links must never fail the renderer's call; the links are lost, not the app.
      }
    }
    return dispatch(name, args);
  };
}
