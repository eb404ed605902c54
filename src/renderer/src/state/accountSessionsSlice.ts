/**
 * Account sessions slice (devices panel, "Sessions"; docs/client.md "Sessions"): this account's live
 * key-service sessions, ending one, signing out everywhere else, and changing the password. A finished
 * action leaves a short confirmation; a failure leaves the typed error, shown as a sentence.
 */
import type { StateCreator } from 'zustand';
import type { BridgeClient } from '../bridge/client';
import type { AccountSessionView } from '../../../common/ipc/schemas/accountSessions';
import { toUiError, type UiError } from '../model/uiError';

export interface AccountSessionsSlice {
  accountSessions: {
    list: AccountSessionView[];
    status: 'idle' | 'loading' | 'ready' | 'error';
    busy: boolean;
    /** What the last action did, for people ("Signed out 2 other sessions."). */
    notice: string | null;
    error: UiError | null;
  };
  loadAccountSessions(): Promise<void>;
  endAccountSession(sessionId: string): Promise<void>;
  endOtherAccountSessions(): Promise<void>;
  /** Resolves true when the password was changed. */
  changePassword(currentPassword: string, newPassword: string): Promise<boolean>;
}

const others = (n: number) => (n === 1 ? '1 other session' : `${n} other sessions`);

export function createAccountSessionsSlice(bridge: BridgeClient): StateCreator<AccountSessionsSlice, [], [], AccountSessionsSlice> {
  return (set, get) => {
    const patch = (p: Partial<AccountSessionsSlice['accountSessions']>) => set((s) => ({ accountSessions: { ...s.accountSessions, ...p } }));
    async function act(work: () => Promise<string>): Promise<boolean> {
      patch({ busy: true, error: null, notice: null });
      try {
        const notice = await work();
        patch({ busy: false, notice });
        return true;
      } catch (e) {
        patch({ busy: false, error: toUiError(e) });
        return false;
      }
    }
    return {
      accountSessions: { list: [], status: 'idle', busy: false, notice: null, error: null },
      async loadAccountSessions() {
        patch({ status: 'loading' });
        try {
          patch({ list: await bridge.listSessions(), status: 'ready', error: null });
        } catch (e) {
          patch({ status: 'error', error: toUiError(e) });
        }
      },
      endAccountSession: async (sessionId) => {
        await act(async () => {
          patch({ list: await bridge.endSession(sessionId) });
          return 'The session was ended.';
        });
      },
      endOtherAccountSessions: async () => {
        await act(async () => {
          const { endedSessions } = await bridge.endOtherSessions();
          await get().loadAccountSessions();
          return `Signed out ${others(endedSessions)}. Your other devices sign in again by themselves.`;
        });
      },
      changePassword: (currentPassword, newPassword) =>
        act(async () => {
          const { endedSessions } = await bridge.changePassword({ currentPassword, newPassword });
          await get().loadAccountSessions();
          return `Your password was changed and ${others(endedSessions)} ended.`;
        }),
    };
  };
}

export const accountSessionsSelectors = {
  list: (s: AccountSessionsSlice) => s.accountSessions.list,
  status: (s: AccountSessionsSlice) => s.accountSessions.status,
  busy: (s: AccountSessionsSlice) => s.accountSessions.busy,
  notice: (s: AccountSessionsSlice) => s.accountSessions.notice,
  error: (s: AccountSessionsSlice) => s.accountSessions.error,
};
