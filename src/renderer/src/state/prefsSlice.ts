/**
 * Mute, pin and mark as unread (model/conversationPrefs.ts; docs/desktop.md "Mute, pin and mark as
 * unread"), for the signed-in user: loaded when they sign in, saved on every change. Opening a marked
 * conversation clears its mark.
 */
import type { StateCreator } from 'zustand';
import { storagePrefs, withPref, type ConversationPrefs, type PrefName, type PrefsStore } from '../model/conversationPrefs';
import { unreadMentions } from '../model/conversationRows';
import type { ChatSlice } from './chatSlice';
import type { ConversationsSlice } from './conversationsSlice';
import type { ConversationSummary } from '../../../common/ipc/schemas/conversations';
import type { StoreEnv } from './env';
import { sessionSelectors, type SessionSlice } from './sessionSlice';

export interface PrefsSlice {
  prefs: {
    /** Whose preferences are loaded (null: signed out). */
    userId: string | null;
    byId: Record<string, ConversationPrefs>;
  };
  loadConversationPrefs(userId: string | null): void;
  setConversationPref(conversationId: string, name: PrefName, on: boolean): void;
}

export function createPrefsSlice(env: StoreEnv): StateCreator<PrefsSlice, [], [], PrefsSlice> {
  const store: PrefsStore = env.prefs ?? storagePrefs(typeof localStorage === 'undefined' ? undefined : localStorage);
  return (set, get) => ({
    prefs: { userId: null, byId: {} },
    loadConversationPrefs(userId) {
      set({ prefs: { userId, byId: userId === null ? {} : store.load(userId) } });
    },
    setConversationPref(conversationId, name, on) {
      const { userId, byId } = get().prefs;
      if (userId === null || (byId[conversationId]?.[name] === true) === on) return;
      const next = withPref(byId[conversationId], name, on);
      store.save(userId, conversationId, next);
      const all = { ...byId };
      if (Object.keys(next).length === 0) delete all[conversationId];
      else all[conversationId] = next;
      set({ prefs: { userId, byId: all } });
    },
  });
}

/** The last badge count with the state it was counted from (prefsSelectors.badgeUnread). */
let lastBadge: { inputs: readonly unknown[]; count: number } | null = null;

export const prefsSelectors = {
  byId: (s: PrefsSlice) => s.prefs.byId,
  of: (id: string | null) => (s: PrefsSlice) => (id === null ? undefined : s.prefs.byId[id]),
  /** The unread count of the window title and the badge: a muted conversation counts only its unread mentions of this user. */
  badgeUnread: (s: PrefsSlice & ChatSlice & ConversationsSlice & SessionSlice): number => {
    // Read on every store change (the title and the dock badge): answered again only when what it reads changed.
    const inputs = [s.chat.views, s.prefs.byId, s.conversations.list, sessionSelectors.selfUserId(s)] as const;
    if (lastBadge !== null && inputs.every((v, i) => v === lastBadge!.inputs[i])) return lastBadge.count;
    const [views, byId, list, self] = inputs;
    let summaries: Map<string, ConversationSummary> | null = null;
    let n = 0;
    for (const [id, view] of Object.entries(views)) {
      if (view.unread === 0) continue;
      if (byId[id]?.muted !== true) n += view.unread;
      else {
        summaries ??= new Map(list.map((c) => [c.conversationId, c]));
        const summary = summaries.get(id);
        if (summary !== undefined) n += unreadMentions(view, summary, self);
      }
    }
    lastBadge = { inputs, count: n };
    return n;
  },
};
