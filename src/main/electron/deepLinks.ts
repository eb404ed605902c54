/**
 * Deep links in Electron (docs/desktop.md §Deep links): registers the app as the `seed-messenger:` handler
 * (from source: Electron's binary with the app's path), and routes links from the three places the OS
 * delivers them — the command line of a cold start, a second instance's command line (Windows, Linux;
 * the window is brought back), and macOS `open-url` (listened to before `ready`, as macOS may deliver it
 * during launch). Links wait in a queue until the renderer listens; a refused link is logged, never thrown.
 */
import { app } from 'electron';
import { resolve } from 'node:path';
import type { Navigate } from '../../common/ipc/schemas/notifications';
import { NavigationQueue, protocolRegistration, routeArgv, routeDeepLink, type DeepLinkRoute } from '../desktop/deepLinkRouter';

export interface DeepLinkTarget {
  navigate(navigate: Navigate): void;
  showWindow(): void;
}

export interface DeepLinks {
  /** The renderer listens now: queued links go to `target`, and later ones straight away. */
  ready(target: DeepLinkTarget): void;
}

/** Call once, after the single-instance lock is held and before `app` is ready. */
export function installDeepLinks(opts: { profile: string; log(message: string): void }): DeepLinks {
  const registration = protocolRegistration({
    defaultApp: process.defaultApp === true,
    execPath: process.execPath,
    argv: process.argv,
    profile: opts.profile,
    resolve,
  });
  if (registration !== null) {
    const registered = registration.command
      ? app.setAsDefaultProtocolClient(registration.scheme, registration.command.execPath, registration.command.args)
      : app.setAsDefaultProtocolClient(registration.scheme);
    if (!registered) opts.log(`deep links: could not register as the ${registration.scheme}: handler`);
  }

  const queue = new NavigationQueue();
  let target: DeepLinkTarget | null = null;
  const route = (result: DeepLinkRoute | null, source: string) => {
    if (result === null) return;
    if (!result.ok) {
      opts.log(`deep link refused (${source}): ${result.error.code}: ${result.error.message}`);
      return;
    }
    target?.showWindow();
    queue.push(result.navigate);
  };

  route(routeArgv(process.argv), 'command line');
  app.on('second-instance', (_event, argv) => {
    target?.showWindow();
    route(routeArgv(argv), 'second instance');
  });
  app.on('open-url', (event, url) => {
    event.preventDefault();
    route(routeDeepLink(url), 'open-url');
  });

  return {
    ready(next) {
      target = next;
      queue.ready((navigate) => next.navigate(navigate));
    },
  };
}
