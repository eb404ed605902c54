/**
 * Composition root of the main-side services, shared by the Electron entry and the web host: builds every
 * service once and returns the IPC handlers the contract names.
 */
import type { Handlers } from './ipc/dispatch';
import type { SecretStore } from '../client';
import { createSystemService, type SystemFacts } from './services/system';
import type { PolicyHolder } from './services/policyHolder';
import { createSettingsService } from './services/settings';
import type { ProfilePaths } from './profile';
import type { ClientHost } from './desktop/clientHost';
import { createDesktopHandlers } from './desktop/handlers';
import type { EventHub } from './ipc/eventHub';
import { createNotificationHandlers } from './desktop/notifications';
import { RecordingShell, type DesktopShell } from './desktop/shell';
import type { KeyReleaseConfirmation } from './desktop/keyRelease';
import type { FileDialogs } from './desktop/fileHandlers';
import type { Logger } from './log/logger';

export interface MainDeps {
  facts: SystemFacts;
  secrets: SecretStore;
  /** Managed policy (src/main/policy), reloaded when the user changes their own app config. */
  policy: PolicyHolder;
  paths: Pick<ProfilePaths, 'dir' | 'appConfig'>;
  /** Main→renderer events. */
  events: EventHub;
  /** The messenger (the client core behind the desktop handlers, and where it connects), or why this process runs without it. */
  /** `cryptoProvider`: the log line naming the CryptoProvider in use (node/crypto/providers.ts); `cryptoLabel`: its name for About. */
  /** `attachmentStore`: the file store in use or why there is none, for the start-up log (src/node/attachments/storeChoice.ts). */
  messenger:
    | {
        host: ClientHost;
        serverUrl: string;
        localStack: boolean;
        cryptoProvider?: string;
        cryptoLabel?: string;
        attachmentStore?: Record<string, string | null>;
        close(): Promise<void>;
      }
    | { reason: string };
  /** Notifications, tray and badge: Electron's in the app; absent (browser mode, tests) a `RecordingShell`. */
  shell?: DesktopShell;
  /** Asked before a device link releases the account key: Electron's native dialog in the app; absent (browser mode, tests) the typed code alone decides. */
  keyRelease?: KeyReleaseConfirmation;
  /** Main's own open and save dialogs for files (native in the Electron build). */
  fileDialogs?: FileDialogs;
  /** The app's log (failures the user sees only as a sentence are logged here with their code); absent, stderr. */
  log?: Pick<Logger, 'error' | 'warn'>;
  /** The system browser for company single sign-on: Electron's shell.openExternal behind the link rules; tests drive Chromium. */
  openBrowser?: (url: string) => Promise<void>;
  /** How long a browser sign-in may take; default 5 minutes. */
  ssoTimeoutMs?: number;
}

export function createHandlers(deps: MainDeps): Handlers {
  const system = createSystemService(deps.facts, deps.secrets);
  const settings = createSettingsService(deps.paths, deps.policy);
  const desktop =
    'host' in deps.messenger
      ? createDesktopHandlers({
          ...deps.messenger,
          events: deps.events,
          policy: deps.policy,
          keyRelease: deps.keyRelease,
          fileDialogs: deps.fileDialogs,
          openBrowser: deps.openBrowser,
          ssoTimeoutMs: deps.ssoTimeoutMs,
          log: deps.log,
          profileDir: deps.paths.dir,
        })
      : {};
  const notifications = createNotificationHandlers({ shell: deps.shell ?? new RecordingShell(), policy: deps.policy, events: deps.events });
  return {
    ...desktop,
    ...notifications,
    appInfo: async () => ({
      ...(await system.appInfo()),
      ...('host' in deps.messenger && deps.messenger.cryptoLabel ? { cryptoProvider: deps.messenger.cryptoLabel } : {}),
    }),
    keychainStatus: system.keychainStatus,
    policy: async () => deps.policy.current(),
    getSettings: settings.get,
    setSettings: settings.set,
  };
}
