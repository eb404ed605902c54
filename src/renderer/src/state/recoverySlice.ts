/**
 * Recovery slice (docs/desktop.md "Recovery key"): the account's recovery key as main reports it, making and
 * replacing it (the account password goes to main, which checks it), typing it back to confirm or check it,
 * restoring an account on a new device, and resetting one whose recovery key is lost too. The key's text is
 * held here only between "made" and the person closing the dialog (`forgetShownKey`): main never answers it
 * again.
 */
import type { StateCreator } from 'zustand';
import type { BridgeClient } from '../bridge/client';
import type {
  AccountResetRequestView,
  NewRecoveryKey,
  RecoveryReauthArgs,
  RecoveryStatus,
  ResetAccountArgs,
  RestoreArgs,
} from '../../../common/ipc/schemas/recovery';
import { toUiError, type UiError } from '../model/uiError';
import type { SessionSlice } from './sessionSlice';

export type { NewRecoveryKey, RecoveryStatus };

/** Username and password, or `{method: 'sso'}` for the company sign-in (main runs it in the browser). */
export type RestoreInput = RestoreArgs;
export type { RecoveryReauthArgs };

export interface RecoverySlice {
  recovery: {
    status: RecoveryStatus | null;
    busy: boolean;
    error: UiError | null;
    /** The key just made, to write down, save and scan; forgotten when the dialog closes. */
    shown: NewRecoveryKey | null;
    /** The reminder was put off for this run of the app (it comes back at the next start). */
    snoozed: boolean;
    /**
     * The account's reset request that waits or was cancelled (docs/protocol.md §18.9): on a signed-in
     * device the banner's, on the signed-out profile that asked its own (`requestedHere`).
     */
    pendingReset: AccountResetRequestView | null;
    /** The person cancelled the reset from this device in this run (the banner then says what to do next). */
    resetCancelledHere: boolean;
  };
  loadRecoveryStatus(): Promise<void>;
  /**
   * Makes the first key, or replaces the current one (`replace`), after the person proved who they are: the
   * account password, or the company sign-in (`{method: 'sso'}`); resolves true when a key is shown.
   */
  makeRecoveryKey(who: RecoveryReauthArgs, replace: boolean): Promise<boolean>;
  /** Checks a typed key (confirming it on this device); resolves true when it matched. */
  verifyRecoveryKey(typed: string): Promise<boolean>;
  forgetShownKey(): void;
  snoozeRecoveryReminder(): void;
  restoreWithRecoveryKey(input: RestoreInput): Promise<void>;
  /**
   * The last resort when the recovery key is lost too (docs/protocol.md §18.9): a new identity, then signed
   * in — or, while a device of the account is signed in, a reset that waits (`pendingReset`).
   */
  resetAccount(input: ResetAccountArgs): Promise<void>;
  /** Asks main for the account's reset request (after a start, a sign-in, or an `accountResetChanged` event). */
  loadPendingReset(): Promise<void>;
  /** On a signed-in device: cancels the reset that waits. */
  cancelPendingReset(): Promise<void>;
  /** On the profile whose reset waits: finishes it (signed in after). */
  finishPendingReset(): Promise<void>;
  clearRecoveryError(): void;
}

export const initialRecoveryState: RecoverySlice['recovery'] = {
  status: null,
  busy: false,
  error: null,
  shown: null,
  snoozed: false,
  pendingReset: null,
  resetCancelledHere: false,
};

export function createRecoverySlice(bridge: BridgeClient): StateCreator<RecoverySlice & SessionSlice, [], [], RecoverySlice> {
  return (set, get) => {
    const patch = (p: Partial<RecoverySlice['recovery']>) => set((s) => ({ recovery: { ...s.recovery, ...p } }));
    async function act(work: () => Promise<Partial<RecoverySlice['recovery']>>): Promise<boolean> {
      patch({ busy: true, error: null });
      try {
        patch({ busy: false, ...(await work()) });
        return true;
      } catch (e) {
        patch({ busy: false, error: toUiError(e) });
        return false;
      }
    }
    return {
      recovery: initialRecoveryState,
      async loadRecoveryStatus() {
        try {
          patch({ status: await bridge.recoveryStatus() });
        } catch (e) {
          // Offline the status stays as it was; the error shows only in the recovery dialog.
          patch({ error: toUiError(e) });
        }
      },
      makeRecoveryKey: (who, replace) =>
        act(async () => {
          const shown = replace ? await bridge.rotateRecoveryKey(who) : await bridge.createRecoveryKey(who);
          return { shown, status: await bridge.recoveryStatus() };
        }),
      verifyRecoveryKey: (typed) => act(async () => ({ status: await bridge.verifyRecoveryKey(typed) })),
      forgetShownKey: () => patch({ shown: null, error: null }),
      snoozeRecoveryReminder: () => patch({ snoozed: true }),
      async restoreWithRecoveryKey(input) {
        await act(async () => {
          get().applySession(await bridge.restoreWithRecoveryKey(input));
          return {};
        });
      },
      async resetAccount(input) {
        await act(async () => {
          get().applySession(await bridge.resetAccount(input));
          return { status: null, pendingReset: await bridge.accountResetRequest().catch(() => null) };
        });
      },
      async loadPendingReset() {
        try {
          patch({ pendingReset: await bridge.accountResetRequest() });
        } catch {
          // Offline: what was shown stays; the next start or event asks again.
        }
      },
      async cancelPendingReset() {
        await act(async () => ({ pendingReset: await bridge.cancelAccountReset(), resetCancelledHere: true }));
      },
      async finishPendingReset() {
        await act(async () => {
          try {
            get().applySession(await bridge.finishAccountReset());
          } finally {
            // Finished, or (cancelled, ended) forgotten by main: what it answers now is what to show.
            patch({ pendingReset: await bridge.accountResetRequest().catch(() => null) });
          }
          return { status: null };
        });
      },
      clearRecoveryError: () => patch({ error: null }),
    };
  };
}

export const recoverySelectors = {
  status: (s: RecoverySlice) => s.recovery.status,
  busy: (s: RecoverySlice) => s.recovery.busy,
  error: (s: RecoverySlice) => s.recovery.error,
  shown: (s: RecoverySlice) => s.recovery.shown,
  pendingReset: (s: RecoverySlice) => s.recovery.pendingReset,
  resetCancelledHere: (s: RecoverySlice) => s.recovery.resetCancelledHere,
  /**
   * What the messenger reminds of: no key yet, one not typed back here, one replaced elsewhere, or a backup
   * key the account did not sign. Policy-required reminders cannot be put off.
   */
  reminder: (s: RecoverySlice): RecoveryStatus['state'] | null => {
    const status = s.recovery.status;
    if (status === null || status.state === 'confirmed') return null;
    if (s.recovery.snoozed && !status.required && status.state !== 'changed') return null;
    return status.state;
  },
};
