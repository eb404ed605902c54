/**
 * The update service the composition root wires to electron-updater's `autoUpdater`
 * (docs/deployment.md §3). The feed is set once, from the decision (updateDecision.ts), when the service is
 * created; `checkNow()` takes no arguments, so no caller — in particular no IPC message from the renderer —
 * can choose or change the feed. When updates are off the updater is never touched.
 */
import type { UpdateDecision } from './updateDecision';

/** The part of electron-updater's AppUpdater this service uses. */
export interface Updater {
  setFeedURL(options: { provider: 'generic'; url: string; channel: string }): void;
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  checkForUpdates(): Promise<unknown>;
}

export type UpdateStatus =
  | { state: 'off'; reason: Extract<UpdateDecision, { enabled: false }>['reason'] }
  | { state: 'idle' | 'checking' | 'checked' | 'failed'; source: 'policy' | 'build'; apply: 'install' | 'notify-only'; detail?: string };

export interface UpdateService {
  status(): UpdateStatus;
  checkNow(): Promise<UpdateStatus>;
}

export function createUpdateService(decision: UpdateDecision, updater: Updater): UpdateService {
  if (!decision.enabled) {
    const off: UpdateStatus = { state: 'off', reason: decision.reason };
    return { status: () => off, checkNow: async () => off };
  }
  const { feedUrl, source, apply } = decision;
  updater.autoDownload = apply === 'install';
  updater.autoInstallOnAppQuit = apply === 'install';
  updater.setFeedURL({ provider: 'generic', url: feedUrl, channel: 'latest' });
  let current: UpdateStatus = { state: 'idle', source, apply };
  return {
    status: () => current,
    checkNow: async () => {
      current = { state: 'checking', source, apply };
      try {
        await updater.checkForUpdates();
        current = { state: 'checked', source, apply };
      } catch (e) {
        current = { state: 'failed', source, apply, detail: e instanceof Error ? e.message.slice(0, 200) : 'update check failed' };
      }
      return current;
    },
  };
}
