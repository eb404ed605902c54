/**
 * Disappearing messages (docs/messaging.md "Disappearing messages"): which stored messages main deleted
 * because their timer ran out (`messagesExpired`, kept per conversation so the views drop them at once,
 * without a reload), this window's clock for the time left (ticked by lifecycle.ts), and the admin's action
 * that sets a conversation's timer — a signed statement main makes; the verified history is read again
 * after it, and after every change main reports, so the header and the timeline line follow.
 */
import type { StateCreator } from 'zustand';
import type { ConversationId } from '../../../common/ids';
import type { DisappearingSeconds } from '../../../common/protocol/disappearing';
import type { BridgeClient } from '../bridge/client';
import { toUiError, type UiError } from '../model/uiError';
import type { ConversationsSlice } from './conversationsSlice';
import type { StoreEnv } from './env';

export interface DisappearingSlice {
  disappearing: {
    /** Timetokens main deleted, per conversation. */
    expired: Record<string, readonly string[]>;
    /** This window's clock (ms), moved by `tickDisappearing`. */
    now: number;
    busy: boolean;
    error: UiError | null;
  };
  applyExpired(conversationId: ConversationId, timetokens: readonly string[]): void;
  tickDisappearing(): void;
  setDisappearingTimer(conversationId: ConversationId, seconds: DisappearingSeconds): Promise<void>;
  /** Reads the verified history again when it is shown or was loaded (a timer may have changed). */
  reloadDisappearing(conversationId: ConversationId | null): void;
}

export function createDisappearingSlice(bridge: BridgeClient, env: StoreEnv): StateCreator<DisappearingSlice & ConversationsSlice, [], [], DisappearingSlice> {
  return (set, get) => {
    const patch = (p: Partial<DisappearingSlice['disappearing']>) => set((s) => ({ disappearing: { ...s.disappearing, ...p } }));
    return {
      disappearing: { expired: {}, now: env.now(), busy: false, error: null },
      applyExpired(conversationId, timetokens) {
        const { expired } = get().disappearing;
        patch({ expired: { ...expired, [conversationId]: [...(expired[conversationId] ?? []), ...timetokens] }, now: env.now() });
      },
      tickDisappearing: () => patch({ now: env.now() }),
      async setDisappearingTimer(conversationId, seconds) {
        patch({ busy: true, error: null });
        try {
          await bridge.setDisappearingTimer({ conversationId, seconds });
          patch({ busy: false });
          await get().loadHistory(conversationId);
        } catch (e) {
          patch({ busy: false, error: toUiError(e) });
        }
      },
      reloadDisappearing(conversationId) {
        const { history, selectedId } = get().conversations;
        const ids = conversationId === null ? Object.keys(history) : [conversationId];
        for (const id of ids) if (id === selectedId || history[id] !== undefined) void get().loadHistory(id as ConversationId);
      },
    };
  };
}

const none: readonly string[] = [];

export const disappearingSelectors = {
  expiredOf: (id: string | null) => (s: DisappearingSlice) => (id === null ? none : (s.disappearing.expired[id] ?? none)),
  now: (s: DisappearingSlice) => s.disappearing.now,
  busy: (s: DisappearingSlice) => s.disappearing.busy,
  error: (s: DisappearingSlice) => s.disappearing.error,
};
