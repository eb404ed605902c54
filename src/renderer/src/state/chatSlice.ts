/**
 * Chat slice (docs/messaging.md): mirrors the messaging pipeline's conversation views into
 * the store and drives it — join, send (Enter), retry, scroll-back, typing, read receipts and reactions.
 * The pipeline itself lives outside the state (a `ChatPort` attached after sign-in); its views are
 * immutable objects, replaced when they change, so selectors stay cheap. Before joining, the transport
 * token is refreshed (a token lists the channels of the conversations that existed when it was minted);
 * a background "access denied" refreshes it again and catches up only when the token changed.
 * A send that cannot go out now (the relay or the key service out of reach), or any send while messaging
 * is not running or earlier sends still wait, goes to main's encrypted offline queue (`queueMessage`),
 * which sends it when the network returns; the queue's entries are mirrored here per conversation.
 * Reading is reported by the timeline (`markSeen`): the newest message that was on screen while the window
 * had focus moves the local read marker (the unread badges, model/readMarker.ts) and, when the user sends
 * read receipts, the receipt others see. Opening or focusing a conversation alone marks nothing.
 */
import type { StateCreator } from 'zustand';
import type { BridgeClient } from '../bridge/client';
import type { ConversationId, MessageId } from '../../../common/ids';
import type { BridgePlaintext } from '../../../common/ipc/schemas/messages';
import type { OutboxEntryView } from '../../../common/ipc/schemas/outbox';
import { waitsForNetwork } from '../model/outboxRows';
import type { ConversationView } from '../../../common/messaging/messaging';
import { sendableDraft } from '../model/composerKeys';
import { toUiError, type UiError } from '../model/uiError';
import { findReveal } from '../model/reveal';
import { laterTimetoken, storageReadMarkers, withLocalRead, type ReadMarkerStore } from '../model/readMarker';
import { compareTimetokens } from '../../../common/messaging/timetoken';
import type { ChatPort, StoreEnv } from './env';
import type { PresenceSlice } from './presenceSlice';

export interface ChatSlice {
  chat: {
    status: 'off' | 'starting' | 'on' | 'error';
    views: Record<string, ConversationView>;
    drafts: Record<string, string>;
    loadingOlder: Record<string, boolean>;
    error: UiError | null;
    /** Why the pipeline could not start (shown while messaging is offline). */
    startError: UiError | null;
    /** Main's offline send queue, per conversation (queued and stopped sends, in send order). */
    outbox: Record<string, readonly OutboxEntryView[]>;
    /** Message ids main delivered from the queue (a failed attempt of the pipeline then reads as sent). */
    delivered: Record<string, true>;
    /** 'offline' after a send had to wait for the network, until main delivers again. */
    network: 'online' | 'offline';
    /** Main could not save opened messages on this computer (they are still shown). */
    storeFailed: boolean;
    /** The message to scroll to and highlight (a search hit, `revealMessage`); `seq` tells two jumps to one message apart. */
    reveal: Reveal | null;
    /** The local read marker per conversation: the newest message seen on screen (kept apart from the receipt sent). */
    readMarks: Record<string, string>;
    /**
     * Per conversation, how many devices of the other members can be given its key (main's
     * `conversationReaders`); 0: this user's sends read "No device can read this yet". Absent: not known.
     */
    readers: Record<string, number>;
    /** Messages this user forwarded (labelled "Forwarded" here only; nothing on the wire says so). */
    forwarded: Record<string, true>;
    /** Failed sends this user deleted (never published; no longer shown). */
    discarded: Record<string, true>;
    /** Per conversation, the message the composer replies to or edits (the draft is the reply, or the new text). */
    composing: Record<string, Composing>;
    /** Previous versions of this user's edited messages, as main's store keeps them (oldest first), once asked. */
    versions: Record<string, readonly string[]>;
    /** How often this user reacted with each value this session (the picker shows the most used first). */
    reactionUse: Record<string, number>;
  };
  startChat(self: Parameters<NonNullable<StoreEnv['startChat']>>[0]): Promise<void>;
  attachChat(port: ChatPort): void;
  stopChat(): Promise<void>;
  joinConversations(ids: readonly ConversationId[]): Promise<void>;
  /** Stops following conversations (this user was removed): their timelines stay readable. */
  leaveConversations(ids: readonly ConversationId[]): void;
  /** Fetches what was missed (after a network change or a wake from sleep). */
  catchUp(): Promise<void>;
  setDraft(id: ConversationId, text: string): void;
  /** Puts the drafts main's store kept (docs/desktop.md "Drafts") into the composers that are still empty. */
  loadDrafts(): Promise<void>;
  /** Keeps a composer's text in main's store (an empty text deletes it); a failure is shown once, typing goes on. */
  keepDraft(id: ConversationId, text: string): Promise<void>;
  sendDraft(id: ConversationId): Promise<void>;
  /**
   * Sends the draft in the stock PubNub SDK's format, NOT signed (docs/messaging.md "Stock PubNub SDK
   * clients"): only when the user asks, with the organisation's `stockSdkCompat` policy on (main checks it).
   * The draft is kept when main refuses; the message shows when it comes back from the relay.
   */
  sendDraftUnsigned(id: ConversationId): Promise<void>;
  /**
   * Sends `text` to another conversation as a new message of this user, labelled "Forwarded" in this
   * window only (no protocol change: the recipients see an ordinary message). True once it is sent or queued.
   */
  forwardMessage(to: ConversationId, text: string): Promise<boolean>;
  /** Deletes a send that failed (it was never published): it is no longer shown. */
  discardFailed(id: ConversationId, messageId: MessageId): void;
  retrySend(id: ConversationId, messageId: MessageId): Promise<void>;
  loadOlder(id: ConversationId): Promise<void>;
  /**
   * The timeline showed messages up to `timetoken` while the window had focus: the local read marker moves
   * there, and a read receipt up to it is published when `sendReceipt` (the "Send read receipts" setting).
   */
  markSeen(id: ConversationId, timetoken: string, sendReceipt: boolean): Promise<void>;
  /** Asks main whether any other member has a device that can read this conversation (after opening it, after a send). */
  loadReaders(id: ConversationId): Promise<void>;
  toggleReaction(id: ConversationId, timetoken: string, value: string, mine: boolean): Promise<void>;
  /** The composer replies to this message (a quoted preview above it) until sent or cancelled. */
  startReply(id: ConversationId, messageId: MessageId): void;
  /** The composer edits this message of this user (its text in the draft) until sent or cancelled. */
  startEdit(id: ConversationId, messageId: MessageId): void;
  /** Back to a new message (an edit's draft is cleared; a reply's kept). */
  cancelComposing(id: ConversationId): void;
  /** Deletes one of this user's messages for everyone (a signed `delete`; docs/protocol.md §7.7). */
  deleteForEveryone(id: ConversationId, messageId: MessageId): Promise<void>;
  /** Deletes a message on this device only. */
  deleteForMe(id: ConversationId, messageId: MessageId): Promise<void>;
  /** Asks main for the previous versions of one of this user's edited messages. */
  loadVersions(id: ConversationId, messageId: MessageId): Promise<void>;
  loadOutbox(id: ConversationId): Promise<void>;
  retryQueued(id: ConversationId, messageId: MessageId): Promise<void>;
  deleteQueued(id: ConversationId, messageId: MessageId): Promise<void>;
  /**
   * Makes a message present in the conversation's timeline (stored pages loaded from the newest back, up
   * to `REVEAL_MAX` messages, so the timeline stays contiguous), then marks it to be scrolled into view
   * and highlighted. Answers how it went; nothing is marked unless it is shown. `onFound` runs just before
   * the mark, in the same update (the search dialog closes there, so focus can move to the message).
   */
  revealMessage(id: ConversationId, timetoken: string, onFound?: () => void): Promise<RevealOutcome>;
  /** The timeline showed the jump `seq`: forget it (returning to the conversation later does not jump again). */
  consumeReveal(seq: number): void;
}

/** What the composer is doing besides a new message: a reply (with the quoted text) or an edit. */
export interface Composing {
  readonly mode: 'reply' | 'edit';
  readonly messageId: MessageId;
  /** The quoted (reply) or edited text, for the preview above the composer. */
  readonly text: string;
  readonly senderUser: string;
}

/** A message the timeline scrolls to and highlights. */
export interface Reveal {
  readonly conversationId: ConversationId;
  readonly timetoken: string;
  readonly seq: number;
}

/**
 * `shown`: in the timeline and marked. `beyond`: more than `REVEAL_MAX` messages back. `missing`: the
 * timeline passed its time (or reached the start) without it — no longer stored. `failed`: messaging is
 * off or a page could not be loaded.
 */
export type RevealOutcome = 'shown' | 'beyond' | 'missing' | 'failed';

/** How many messages a jump loads into the timeline at most before it gives up. */
export const REVEAL_MAX = 2_000;

/** The bridge calls of main's offline queue. */
export type OutboxBridge = Pick<BridgeClient, 'queueMessage' | 'listOutbox' | 'retryQueued' | 'deleteQueued'> &
  Partial<Pick<BridgeClient, 'conversationReaders' | 'messageVersions' | 'saveDraft' | 'listDrafts' | 'sendStockMessage'>>;

export const initialChatState: ChatSlice['chat'] = {
  status: 'off',
  views: {},
  drafts: {},
  loadingOlder: {},
  error: null,
  startError: null,
  outbox: {},
  delivered: {},
  network: 'online',
  storeFailed: false,
  reveal: null,
  readMarks: {},
  readers: {},
  forwarded: {},
  discarded: {},
  composing: {},
  versions: {},
  reactionUse: {},
};

/** A new message id as the pipeline makes them (16 random bytes, base64url). */
function newMessageId(): MessageId {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '') as MessageId;
}

export function createChatSlice(
  env: StoreEnv,
  bridge?: OutboxBridge,
): StateCreator<ChatSlice & Pick<PresenceSlice, 'attachPresence' | 'detachPresence'>, [], [], ChatSlice> {
  return (set, get) => {
    let port: ChatPort | null = null;
    let detach: (() => void)[] = [];
    let revealSeq = 0;
    /** The signed-in user (their own messages are never unread) and where their read markers are kept. */
    let selfUserId: string | null = null;
    const markers: ReadMarkerStore = env.readMarkers ?? storageReadMarkers(typeof localStorage === 'undefined' ? undefined : localStorage);
    /** The pipeline's views as it gave them (the store holds them with the local read marker applied). */
    const raw = new Map<string, ConversationView>();
    const patch = (p: Partial<ChatSlice['chat']>) => set((s) => ({ chat: { ...s.chat, ...p } }));
    const show = (id: ConversationId, view: ConversationView) =>
      patch({ views: { ...get().chat.views, [id]: withLocalRead(view, get().chat.readMarks[id], selfUserId) } });
    const refresh = (id: ConversationId) => {
      if (port === null) return;
      const view = port.view(id);
      if (raw.get(id) !== view || get().chat.views[id] === undefined) {
        raw.set(id, view);
        show(id, view);
      }
      if (view.live && get().chat.network === 'offline') {
        // Connected again: main tries its queue when the renderer fetches access (transportConfig).
        patch({ network: 'online' });
        void port.refreshAccess?.().catch(() => {});
      }
    };
    const setOutbox = (id: ConversationId, entries: readonly OutboxEntryView[]) => patch({ outbox: { ...get().chat.outbox, [id]: entries } });
    /** Hands a send to main's offline queue; the timeline shows it queued at once. */
    async function queue(id: ConversationId, plaintext: BridgePlaintext): Promise<void> {
      if (bridge === undefined) throw new Error('messaging is not connected');
      const entry = await bridge.queueMessage(id, plaintext);
      patch({ network: 'offline' });
      if (!(get().chat.outbox[id] ?? []).some((e) => e.plaintext.id === entry.plaintext.id)) setOutbox(id, [...(get().chat.outbox[id] ?? []), entry]);
    }
    env.events.on('outboxChanged', ({ conversationId, delivered, waiting }) => {
      if (delivered.length > 0) {
        const ids = { ...get().chat.delivered };
        for (const d of delivered) ids[d.messageId] = true;
        patch({ delivered: ids });
        // The echo of what main sent comes with the next catch-up.
        if (port !== null) void port.catchUp(conversationId).catch(() => {});
      }
      patch({ network: waiting ? 'offline' : delivered.length > 0 ? 'online' : get().chat.network });
      void get().loadOutbox(conversationId);
    });
    env.events.on('localStoreFailed', () => patch({ storeFailed: true }));
    /**
     * Sends a text through the pipeline: once more after a token refresh when the relay denied a
     * conversation created a moment ago; to main's queue when it must wait for the network. `started`
     * learns the message id as soon as the pipeline gave it one.
     */
    async function publish(p: ChatPort, id: ConversationId, text: string, started?: (messageId: MessageId) => void): Promise<void> {
      let outcome = await p.send(id, { type: 'string', body: text });
      started?.(outcome.id);
      // A conversation created a moment ago may not be in the token yet: fetch a fresh one and send again once.
      if (outcome.state === 'failed' && outcome.code === 'access_denied' && (await p.refreshAccess?.())) outcome = await p.retry(id, outcome.id);
      if (bridge !== undefined && waitsForNetwork(outcome)) {
        const item = p.view(id).items.find((i) => i.kind === 'message' && i.id === outcome.id);
        if (item?.kind === 'message' && item.message.type === 'string')
          await queue(id, { id: item.id, sentAt: item.message.sentAt, type: 'string', body: item.message.body });
      } else if (outcome.state === 'sent') {
        patch({ network: 'online' });
        void get().loadReaders(id);
      }
    }
    async function guarded(work: (p: ChatPort) => Promise<unknown>): Promise<void> {
      if (port === null) {
        const cause = get().chat.startError;
        patch({ error: { code: 'chat_off', message: cause ? `messaging is not connected: ${cause.message}` : 'messaging is not connected' } });
        return;
      }
      try {
        await work(port);
      } catch (e) {
        patch({ error: toUiError(e) });
      }
    }
    return {
      chat: initialChatState,
      async startChat(self) {
        if (env.startChat === null || port !== null) return;
        selfUserId = self.userId;
        patch({ status: 'starting', error: null, startError: null });
        try {
          get().attachChat(await env.startChat(self));
        } catch (e) {
          patch({ status: 'error', startError: toUiError(e) });
        }
      },
      attachChat(next) {
        port = next;
        get().attachPresence(next.presence);
        detach = [
          next.onChange(refresh),
          next.onError((error) => {
            // The relay out of reach is a state (the calm indicator), not an error notice; its code is in the error.
            if (lostNetwork(error)) patch({ network: 'offline' });
            else patch({ error: toUiError(error) });
            if (deniedAccess(error))
              void next.refreshAccess?.().then(
                (changed) => (changed ? next.catchUp() : undefined),
                () => {},
              );
          }),
        ];
        patch({ status: 'on', error: null });
      },
      async stopChat() {
        const current = port;
        port = null;
        for (const d of detach) d();
        detach = [];
        raw.clear();
        selfUserId = null;
        get().detachPresence();
        set({ chat: initialChatState });
        if (current) await current.dispose();
      },
      async joinConversations(ids) {
        for (const id of ids) void get().loadOutbox(id);
        if (selfUserId !== null) {
          const marks = { ...get().chat.readMarks };
          for (const id of ids) {
            const kept = laterTimetoken(marks[id], markers.load(selfUserId, id));
            if (kept !== undefined) marks[id] = kept;
          }
          patch({ readMarks: marks });
        }
        await guarded(async (p) => {
          await p.refreshAccess?.();
          await p.join(ids);
          for (const id of ids) refresh(id);
        });
      },
      leaveConversations(ids) {
        if (port === null || ids.length === 0) return;
        try {
          port.leave(ids);
          for (const id of ids) refresh(id);
        } catch (e) {
          patch({ error: toUiError(e) });
        }
      },
      async loadDrafts() {
        if (bridge?.listDrafts === undefined) return;
        try {
          const kept = await bridge.listDrafts();
          const drafts = { ...get().chat.drafts };
          for (const d of kept) if ((drafts[d.conversationId] ?? '') === '') drafts[d.conversationId] = d.text;
          patch({ drafts });
        } catch {
          // None kept, or the store is not readable now: the composers start empty.
        }
      },
      async keepDraft(id, text) {
        if (bridge?.saveDraft === undefined) return;
        try {
          await bridge.saveDraft(id, text);
        } catch (e) {
          // Signed out meanwhile, or a conversation this device no longer knows: the text stays in the composer.
          const error = toUiError(e);
          if (error.code !== 'draft_unknown_conversation' && error.code !== 'not_signed_in') patch({ error });
        }
      },
      setDraft(id, text) {
        patch({ drafts: { ...get().chat.drafts, [id]: text } });
        if (port !== null) void port.setTyping(id, text.trim().length > 0).catch(() => {});
      },
      async sendDraftUnsigned(id) {
        const text = sendableDraft(get().chat.drafts[id] ?? '');
        if (text === null) return;
        if (bridge?.sendStockMessage === undefined) {
          patch({ error: { code: 'bridge_unavailable', message: 'Sending unsigned is not available in this window.' } });
          return;
        }
        try {
          await bridge.sendStockMessage(id, text);
          patch({ drafts: { ...get().chat.drafts, [id]: '' } });
          if (port !== null) void port.catchUp(id).catch(() => {});
        } catch (e) {
          patch({ error: toUiError(e) });
        }
      },
      async sendDraft(id) {
        const text = sendableDraft(get().chat.drafts[id] ?? '');
        if (text === null) return;
        // Messaging not running, or earlier sends still wait: this one queues behind them (order per conversation).
        if (port === null || (bridge !== undefined && (get().chat.outbox[id] ?? []).some((e) => e.state === 'queued'))) {
          patch({ drafts: { ...get().chat.drafts, [id]: '' } });
          try {
            await queue(id, { id: newMessageId(), sentAt: env.now(), type: 'string', body: text });
          } catch (e) {
            // No queue either (a build without main's store): say that messaging is off, and keep the draft.
            const error = toUiError(e);
            const cause = get().chat.startError;
            const off = { code: 'chat_off', message: cause ? `messaging is not connected: ${cause.message}` : 'messaging is not connected' };
            patch({ error: error.code === 'unavailable' || error.code === 'bridge_unavailable' ? off : error, drafts: { ...get().chat.drafts, [id]: text } });
          }
          return;
        }
        const composing = get().chat.composing[id];
        await guarded(async (p) => {
          patch({ drafts: { ...get().chat.drafts, [id]: '' } });
          void p.setTyping(id, false).catch(() => {});
          if (composing === undefined) return publish(p, id, text);
          const { [id]: _done, ...rest } = get().chat.composing;
          patch({ composing: rest });
          try {
            if (composing.mode === 'edit') {
              if (p.edit === undefined) throw new Error('editing is not available');
              if (text !== composing.text) await p.edit(id, composing.messageId, text);
              return;
            }
            if (p.reply === undefined) throw new Error('replies are not available');
            await p.reply(id, composing.messageId, text);
          } catch (e) {
            // Nothing went out: the draft and what it was doing come back.
            patch({ drafts: { ...get().chat.drafts, [id]: text }, composing: { ...get().chat.composing, [id]: composing } });
            throw e;
          }
        });
      },
      startReply(id, messageId) {
        const item = get().chat.views[id]?.items.find((i) => i.kind === 'message' && i.id === messageId);
        if (item?.kind !== 'message' || item.deleted === true) return;
        const text = item.message.type === 'string' ? item.message.body : '';
        patch({ composing: { ...get().chat.composing, [id]: { mode: 'reply', messageId, text, senderUser: item.senderUser } } });
      },
      startEdit(id, messageId) {
        const item = get().chat.views[id]?.items.find((i) => i.kind === 'message' && i.id === messageId);
        if (item?.kind !== 'message' || item.senderUser !== selfUserId || item.deleted === true || item.message.type !== 'string') return;
        const text = item.message.body;
        patch({
          composing: { ...get().chat.composing, [id]: { mode: 'edit', messageId, text, senderUser: item.senderUser } },
          drafts: { ...get().chat.drafts, [id]: text },
        });
      },
      cancelComposing(id) {
        const composing = get().chat.composing[id];
        if (composing === undefined) return;
        const { [id]: _gone, ...rest } = get().chat.composing;
        patch({ composing: rest, ...(composing.mode === 'edit' ? { drafts: { ...get().chat.drafts, [id]: '' } } : {}) });
      },
      deleteForEveryone: (id, messageId) =>
        guarded(async (p) => {
          if (p.deleteForEveryone === undefined) throw new Error('deleting is not available');
          await p.deleteForEveryone(id, messageId);
        }),
      deleteForMe: (id, messageId) =>
        guarded(async (p) => {
          if (p.deleteForMe === undefined) throw new Error('deleting is not available');
          await p.deleteForMe(id, messageId);
        }),
      async loadVersions(id, messageId) {
        if (bridge?.messageVersions === undefined) return;
        try {
          const versions = await bridge.messageVersions(id, messageId);
          patch({ versions: { ...get().chat.versions, [messageId]: versions.slice(0, -1).map((v) => v.text) } });
        } catch (e) {
          patch({ error: toUiError(e) });
        }
      },
      async forwardMessage(to, text) {
        const body = sendableDraft(text);
        if (body === null) return false;
        const forwarded = (messageId: string) => patch({ forwarded: { ...get().chat.forwarded, [messageId]: true } });
        if (port === null || (bridge !== undefined && (get().chat.outbox[to] ?? []).some((e) => e.state === 'queued'))) {
          try {
            const messageId = newMessageId();
            forwarded(messageId);
            await queue(to, { id: messageId, sentAt: env.now(), type: 'string', body });
            return true;
          } catch (e) {
            patch({ error: toUiError(e) });
            return false;
          }
        }
        let done = false;
        await guarded(async (p) => {
          await publish(p, to, body, forwarded);
          done = true;
        });
        return done;
      },
      discardFailed(id, messageId) {
        const item = get().chat.views[id]?.items.find((i) => i.kind === 'message' && i.id === messageId);
        if (item?.kind !== 'message' || item.delivery?.state !== 'failed') return;
        patch({ discarded: { ...get().chat.discarded, [messageId]: true } });
      },
      retrySend: (id, messageId) => guarded((p) => p.retry(id, messageId)),
      catchUp: () => guarded((p) => p.catchUp()),
      async loadOlder(id) {
        if (get().chat.loadingOlder[id] || get().chat.views[id]?.reachedStart) return;
        patch({ loadingOlder: { ...get().chat.loadingOlder, [id]: true } });
        await guarded((p) => p.loadOlder(id));
        patch({ loadingOlder: { ...get().chat.loadingOlder, [id]: false } });
      },
      async loadReaders(id) {
        if (bridge?.conversationReaders === undefined) return;
        try {
          const { otherDevices } = await bridge.conversationReaders(id);
          if (get().chat.readers[id] !== otherDevices) patch({ readers: { ...get().chat.readers, [id]: otherDevices } });
        } catch {
          // Not known (offline, signed out): the sends keep reading "Sent".
        }
      },
      async markSeen(id, timetoken, sendReceipt) {
        const before = get().chat.readMarks[id];
        const mark = laterTimetoken(before, timetoken)!;
        if (mark !== before) {
          patch({ readMarks: { ...get().chat.readMarks, [id]: mark } });
          if (selfUserId !== null) markers.save(selfUserId, id, mark);
          const shown = raw.get(id);
          if (shown !== undefined) show(id, shown);
        }
        const view = raw.get(id);
        // The receipt says only what was seen: up to `timetoken`, and only when it covers a message of someone
        // else that no receipt of this user covers yet (none for one's own messages alone).
        if (!sendReceipt || port === null || view === undefined || !hasUnreceipted(view, timetoken, selfUserId)) return;
        try {
          await port.markRead(id, timetoken);
        } catch (e) {
          // Offline: the calm status line; the next time the rows are on screen the receipt goes again.
          if (lostNetwork(e)) patch({ network: 'offline' });
          else patch({ error: toUiError(e) });
        }
      },
      toggleReaction: (id, timetoken, value, mine) =>
        guarded(async (p) => {
          if (mine) return p.unreact(id, timetoken, value);
          await p.react(id, timetoken, value);
          const use = get().chat.reactionUse;
          patch({ reactionUse: { ...use, [value]: (use[value] ?? 0) + 1 } });
        }),
      async loadOutbox(id) {
        if (bridge === undefined) return;
        try {
          setOutbox(id, await bridge.listOutbox(id));
        } catch {
          // Signed out or no store: nothing queued to show.
        }
      },
      async retryQueued(id, messageId) {
        if (bridge === undefined) return;
        try {
          setOutbox(id, await bridge.retryQueued(id, messageId));
        } catch (e) {
          patch({ error: toUiError(e) });
        }
      },
      async revealMessage(id, timetoken, onFound) {
        const p = port;
        if (p === null) return 'failed';
        const seq = ++revealSeq;
        const marked = (): RevealOutcome => {
          if (seq !== revealSeq) return 'failed';
          onFound?.();
          patch({ reveal: { conversationId: id, timetoken, seq } });
          return 'shown';
        };
        try {
          // Not joined yet (or not caught up): the newest stored page first; offline, catch-up's error does not matter here.
          if (p.view(id).items.length === 0) await p.catchUp(id).catch(() => undefined);
          for (;;) {
            const view = p.view(id);
            refresh(id);
            const found = findReveal(view.items, timetoken);
            if (found === 'present') return marked();
            if (found === 'passed' || view.reachedStart) return 'missing';
            if (view.items.length >= REVEAL_MAX) return 'beyond';
            if (seq !== revealSeq) return 'failed';
            patch({ loadingOlder: { ...get().chat.loadingOlder, [id]: true } });
            const { added, reachedStart } = await p.loadOlder(id);
            if (added === 0 && !reachedStart) return 'failed';
          }
        } catch {
          return 'failed';
        } finally {
          patch({ loadingOlder: { ...get().chat.loadingOlder, [id]: false } });
          refresh(id);
        }
      },
      consumeReveal(seq) {
        if (get().chat.reveal?.seq === seq) patch({ reveal: null });
      },
      async deleteQueued(id, messageId) {
        if (bridge === undefined) return;
        try {
          setOutbox(id, await bridge.deleteQueued(id, messageId));
        } catch (e) {
          patch({ error: toUiError(e) });
        }
      },
    };
  };
}

/**
 * True when a message of someone else at or before `timetoken` has no read receipt of this user yet (the
 * pipeline lists the users whose receipt covers a message in `readBy`; this user's actor is their user id).
 */
export function hasUnreceipted(view: ConversationView, timetoken: string, selfUserId: string | null): boolean {
  return view.items.some(
    (i) =>
      i.kind === 'message' &&
      i.senderUser !== selfUserId &&
      i.timetoken !== undefined &&
      compareTimetokens(i.timetoken, timetoken) <= 0 &&
      (selfUserId === null || !i.readBy.includes(selfUserId)),
  );
}

/** True for a background failure because the relay could not be reached. */
export function lostNetwork(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { reason?: unknown }).reason === 'network';
}

/** True for a background failure the relay answered with "access denied" (an expired or outdated token). */
export function deniedAccess(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { reason?: unknown }).reason === 'access_denied';
}

export const chatSelectors = {
  status: (s: ChatSlice) => s.chat.status,
  views: (s: ChatSlice) => s.chat.views,
  view: (id: string | null) => (s: ChatSlice) => (id === null ? undefined : s.chat.views[id]),
  draft: (id: string | null) => (s: ChatSlice) => (id === null ? '' : (s.chat.drafts[id] ?? '')),
  loadingOlder: (id: string | null) => (s: ChatSlice) => (id === null ? false : (s.chat.loadingOlder[id] ?? false)),
  error: (s: ChatSlice) => s.chat.error,
  startError: (s: ChatSlice) => s.chat.startError,
  /** Why nothing can be sent now because of the connection, or null when messaging is on. */
  offlineReason: (s: ChatSlice): string | null => {
    switch (s.chat.status) {
      case 'on':
        return null;
      case 'starting':
        return 'Connecting to messaging…';
      case 'off':
        return 'Messaging is not connected.';
      case 'error':
        return `Messaging is offline: ${s.chat.startError?.message ?? 'it could not start'}.`;
      default:
        throw new Error(`unknown chat status ${JSON.stringify(s.chat.status satisfies never)}`);
    }
  },
  totalUnread: (s: ChatSlice) => Object.values(s.chat.views).reduce((n, v) => n + v.unread, 0),
  outboxOf: (id: string | null) => (s: ChatSlice) => (id === null ? noEntries : (s.chat.outbox[id] ?? noEntries)),
  delivered: (s: ChatSlice) => s.chat.delivered,
  forwarded: (s: ChatSlice) => s.chat.forwarded,
  discarded: (s: ChatSlice) => s.chat.discarded,
  /** False only when main said no other member has a device that can read the conversation. */
  readable: (id: string | null) => (s: ChatSlice) => id === null || s.chat.readers[id] !== 0,
  network: (s: ChatSlice) => s.chat.network,
  storeFailed: (s: ChatSlice) => s.chat.storeFailed,
  /** The message to scroll to and highlight in this conversation, or null. */
  reveal: (id: string | null) => (s: ChatSlice) => (id !== null && s.chat.reveal?.conversationId === id ? s.chat.reveal : null),
};

const noEntries: readonly OutboxEntryView[] = [];
