/**
 * The records every app start writes (docs/deployment.md §4): which runtime started, each managed-policy
 * warning with its stable code (the same list `showPolicy.ts` prints), and whether the messenger core
 * started — shared by the Electron entry and browser mode so both logs read the same. The event names
 * (`core_started`, `core_not_started`) are a documented interface IT filters logs on, so they keep the older
 * word.
 */
import type { MainDeps } from '../composition';
import type { Logger } from './logger';

export function logStartup(log: Logger, deps: Pick<MainDeps, 'facts' | 'policy' | 'messenger'>): void {
  log.info('app_started', { version: deps.facts.version, runtime: deps.facts.runtime, platform: deps.facts.platform });
  for (const w of deps.policy.current().warnings) {
    log.warn('policy_warning', { code: w.code, setting: w.key ?? null, layer: w.layer ?? null, detail: w.message });
  }
  if ('reason' in deps.messenger) log.warn('core_not_started', { reason: deps.messenger.reason });
  else {
    log.info('core_started', { localStack: deps.messenger.localStack, cryptoProvider: deps.messenger.cryptoProvider ?? null });
    const files = deps.messenger.attachmentStore;
    if (files !== undefined) {
      if (files.code) log.warn('attachment_store_refused', files);
      else log.info('attachment_store', files);
    }
  }
}
