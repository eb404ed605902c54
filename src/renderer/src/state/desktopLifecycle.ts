/**
 * Wires the store to the desktop shell in main (desktop notifications, tray badge, deep links;
 * docs/desktop.md §Desktop notifications, §Deep links, §Trust events):
 * - a message from someone else that arrives while messaging runs, in a conversation that is not the open
 *   one (or while the app is in the background), is handed to main with its preview, sender and
 *   conversation title; main decides whether and how much a notification shows. In a conversation this
 *   user muted, only a message that mentions them notifies (docs/desktop.md "Mute, pin and mark as unread");
 * - main is told the total unread count whenever it changes (tray tooltip, dock/taskbar badge);
 * - `navigate` from main (a notification click, a deep link) opens the conversation (in the Conversations
 *   area, any open panel closed) or the devices panel with a device-link code filled in — once signed in,
 *   and never approving anything by itself;
 * - `trustChanged` reloads that contact's trust state; `accountResetChanged` the account's waiting reset;
 * - a conversation this user was removed from stays in the list and, if it was open, open
 *   (departuresSlice.ts): the chat then says so instead of vanishing.
 * Returns the function that undoes it all.
 */
import { missingCase } from '../../../common/errors';
import type { ConversationId } from '../../../common/ids';
import type { Navigate } from '../../../common/ipc/schemas/notifications';
import { newIncomingMessages, notificationArgsOf } from '../model/liveMessages';
import { mentions } from '../model/mentions';
import { messageText } from '../model/messageText';
import { prefsSelectors } from './prefsSlice';
import type { StoreEnv } from './env';
import type { AppState, AppStore } from './store';

/** Runs `act` once the session is known to be signed in; drops it when it turns out signed out. */
function whenSignedIn(store: AppStore, act: () => void): void {
  const settled = (state: AppState) => state.session.status === 'error' || (state.session.status === 'ready' && state.session.current !== null);
  if (settled(store.getState())) {
    if (store.getState().session.current?.state === 'signedIn') act();
    return;
  }
  const stop = store.subscribe((state) => {
    if (!settled(state)) return;
    stop();
    if (state.session.current?.state === 'signedIn') act();
  });
}

export function connectDesktop(store: AppStore, env: StoreEnv): () => void {
  const s = () => store.getState();
  const announced = new Set<string>();
  let since: number | null = null;
  let reportedUnread: number | null = null;

  const known = (id: ConversationId) => s().conversations.list.some((c) => c.conversationId === id);
  async function openConversation(id: ConversationId): Promise<void> {
    if (!known(id)) await s().loadConversations();
    if (!known(id)) return;
    s().showArea('conversations');
    s().selectConversation(id);
    s().closePanel();
  }

  function navigate(target: Navigate): void {
    switch (target.kind) {
      case 'conversation':
        return whenSignedIn(store, () => void openConversation(target.conversationId));
      case 'link-device':
        return whenSignedIn(store, () => {
          s().prefillApprovalCode(target.code);
          s().openPanel('devices');
        });
      default:
        return missingCase(target);
    }
  }

  function announce(state: AppState, prev: AppState): void {
    const session = state.session.current;
    const desktop = env.desktop;
    if (since === null || session?.state !== 'signedIn' || desktop === undefined || state.chat.views === prev.chat.views) return;
    const self = session.user.userId;
    for (const [id, view] of Object.entries(state.chat.views)) {
      if (view === prev.chat.views[id]) continue;
      for (const item of newIncomingMessages(view, self, since)) {
        const key = `${id}/${item.key}`;
        if (announced.has(key)) continue;
        announced.add(key);
        if (id === state.conversations.selectedId && env.isActive()) continue;
        const summary = state.conversations.list.find((c) => c.conversationId === id);
        if (state.prefs.byId[id]?.muted === true && (summary === undefined || !mentions(messageText(item.message), summary.members, self))) continue;
        void desktop.showNotification(notificationArgsOf(item, view, summary, self)).catch(() => undefined);
      }
    }
  }

  const stops = [
    env.events.on('navigate', navigate),
    env.events.on('trustChanged', ({ userId }) => void s().loadTrust([userId])),
    // A reset of this account was asked for or cancelled (docs/protocol.md §18.9): the banner re-reads it.
    env.events.on('accountResetChanged', () => void s().loadPendingReset()),
    store.subscribe((state, prev) => {
      if (state.conversations.list !== prev.conversations.list) {
        const removed = s().noteDepartures(prev.conversations.list, state.conversations.list);
        // Its channel is closed to this user now: stop following it (what was received stays shown).
        s().leaveConversations(removed as ConversationId[]);
        const open = prev.conversations.selectedId;
        if (open !== null && removed.includes(open) && s().conversations.selectedId === null) s().selectConversation(open);
      }
      if (state.chat.status === 'on' && prev.chat.status !== 'on') since = env.now();
      if (state.chat.status !== 'on' && prev.chat.status === 'on') {
        since = null;
        announced.clear();
      }
      announce(state, prev);
      const unread = state.session.current?.state === 'signedIn' ? prefsSelectors.badgeUnread(state) : 0;
      if (unread !== reportedUnread && env.desktop !== undefined) {
        reportedUnread = unread;
        void env.desktop.setUnreadCount(unread).catch(() => undefined);
      }
    }),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}
