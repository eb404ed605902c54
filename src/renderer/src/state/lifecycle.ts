/**
 * Wires the store to main's events and to itself: loads what the app shows at start, follows
 * `sessionChanged` / `conversationsChanged` / `linkStatus`, and on sign-in loads conversations and devices,
 * starts the messaging pipeline and joins every conversation; on sign-out it stops the pipeline. Opening a
 * conversation loads its members' trust state (again whenever main reports a conversation change, which
 * is when an identity change is learned). Reading is reported by the timeline itself (chatSlice `markSeen`:
 * only messages on screen while the window has focus). Notifications, the unread badge, `navigate` and `trustChanged` are desktopLifecycle.ts,
 * subscribed before the session is first asked for (main waits for that call to send queued deep links).
 * Returns the function that undoes it all.
 */
import type { ConversationId } from '../../../common/ids';
import { initialConversationsState } from './conversationsSlice';
import { keepDrafts } from './draftKeeping';
import { connectDesktop } from './desktopLifecycle';
import type { StoreEnv } from './env';
import type { AppStore } from './store';

/** How often the time left of disappearing messages is recomputed. */
const DISAPPEARING_TICK_MS = 15_000;

function everyInterval(work: () => void, ms: number): () => void {
  const timer = setInterval(work, ms);
  return () => clearInterval(timer);
}

export function connectApp(store: AppStore, env: StoreEnv): () => void {
  const s = () => store.getState();
  const joined = new Set<string>();
  const reloadSelectedTrust = () => {
    const { list, selectedId } = s().conversations;
    const conversation = list.find((c) => c.conversationId === selectedId);
    if (conversation) void s().loadTrust(conversation.members.map((m) => m.userId));
  };
  const stops = [
    env.events.on('sessionChanged', (session) => s().applySession(session)),
    env.events.on('conversationsChanged', () => {
      void s().loadConversations();
      reloadSelectedTrust();
    }),
    env.events.on('linkStatus', (status) => s().applyLinkStatus(status)),
    env.events.on('keyAvailable', () => void s().loadConversations()),
    // File uploads and downloads main runs (docs/desktop.md "Files"): progress, done, failed, cancelled.
    env.events.on('fileTransfer', (state) => s().applyTransfer(state)),
    // Disappearing messages: drop what main deleted, re-read a history whose timer may have changed, and
    // move the clock the time left is shown by.
    env.events.on('messagesExpired', ({ conversationId, timetokens }) => s().applyExpired(conversationId, timetokens)),
    env.events.on('conversationsChanged', ({ conversationId, reason }) => {
      if (reason === 'membership_changed' || reason === 'updated') s().reloadDisappearing(conversationId);
    }),
    everyInterval(() => s().tickDisappearing(), DISAPPEARING_TICK_MS),
    connectDesktop(store, env),
    keepDrafts(store),
  ];

  const unsubscribe = store.subscribe((state, prev) => {
    const now = state.session.current;
    const before = prev.session.current;
    if (now?.state === 'signedIn' && (before?.state !== 'signedIn' || before.user.userId !== now.user.userId)) {
      s().loadConversationPrefs(now.user.userId);
      void s().loadConversations();
      void s().loadDevices();
      // The messaging pipeline (and the pubnub chunk it loads) after the kept list is shown: the list paints first.
      const self = { userId: now.user.userId, deviceId: now.deviceId };
      void s()
        .prefetchKeptConversations()
        .then(() => {
          const current = s().session.current;
          return current?.state === 'signedIn' && current.user.userId === self.userId ? s().startChat(self) : undefined;
        });
    }
    if (now?.state !== 'signedIn' && before?.state === 'signedIn') {
      joined.clear();
      store.setState({ conversations: initialConversationsState });
      s().loadConversationPrefs(null);
      void s().stopChat();
    }
    if (state.chat.status === 'on' && (state.conversations.list !== prev.conversations.list || prev.chat.status !== 'on')) {
      const fresh = state.conversations.list.map((c) => c.conversationId).filter((id) => !joined.has(id));
      for (const id of fresh) joined.add(id);
      if (fresh.length > 0) void s().joinConversations(fresh as ConversationId[]);
    }
    // Presence follows the direct conversations' peers once the pipeline (and its presence port) runs.
    if (state.presence.enabled && (state.conversations.list !== prev.conversations.list || !prev.presence.enabled)) {
      s().watchPresence(state.conversations.list);
    }
    const selected = state.conversations.selectedId;
    if (selected !== null && selected !== prev.conversations.selectedId) {
      // Opening a conversation marked unread takes the mark off (marking the open one keeps it until then).
      if (state.prefs.byId[selected]?.markedUnread === true) s().setConversationPref(selected, 'markedUnread', false);
      const conversation = state.conversations.list.find((c) => c.conversationId === selected);
      if (conversation) void s().loadTrust(conversation.members.map((m) => m.userId));
    }
  });

  // The session and the kept conversation list first: the list paints as soon as the session says signed in.
  void s().loadSession();
  void s().prefetchKeptConversations();
  void s().loadSystem();
  void s().loadSettings();
  return () => {
    unsubscribe();
    for (const stop of stops) stop();
  };
}
