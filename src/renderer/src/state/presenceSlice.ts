/**
 * Presence in the store (docs/messaging.md "Presence"): the peers of direct conversations as online, away
 * or offline with their last-seen time and verified status text, and this user's own status text. Fed by
 * the pipeline's `PresencePort` while chat runs; with presence off by policy (no port) nothing is shown.
 */
import type { StateCreator } from 'zustand';
import type { UserId } from '../../../common/ids';
import type { ConversationSummary } from '../../../common/ipc/schemas/conversations';
import type { DirectConversation, PeerPresence } from '../../../common/presence/presenceFeed';
import type { PresencePort } from '../chat/rendererPresence';
import type { SessionSlice } from './sessionSlice';

export interface PresenceSlice {
  presence: {
    /** True while a presence port runs (policy allows presence and chat started). */
    enabled: boolean;
    peers: Record<string, PeerPresence>;
    statusText: string;
  };
  attachPresence(port: PresencePort | undefined): void;
  detachPresence(): void;
  /** Follows the peers of these conversations' direct ones. */
  watchPresence(conversations: readonly ConversationSummary[]): void;
  setStatusText(text: string): Promise<void>;
}

/** The direct conversations of a list, with the peer of each (the member who is not `self`). */
export function directConversations(list: readonly ConversationSummary[], self: UserId): DirectConversation[] {
  return list.flatMap((c) => {
    if (c.kind !== 'direct') return [];
    const peer = c.members.find((m) => m.userId !== self);
    return peer === undefined ? [] : [{ conversationId: c.conversationId, peer: peer.userId }];
  });
}

export const presenceSelectors = {
  /** What to show for a user; undefined when presence is off or the user is not followed. */
  of: (s: Pick<PresenceSlice, 'presence'>, userId: string | undefined): PeerPresence | undefined =>
    s.presence.enabled && userId !== undefined ? s.presence.peers[userId] : undefined,
};

export function createPresenceSlice(): StateCreator<PresenceSlice & SessionSlice, [], [], PresenceSlice> {
  return (set, get) => {
    let port: PresencePort | undefined;
    let stop: (() => void) | undefined;
    const selfOf = (): UserId | undefined => {
      const current = get().session.current;
      return current?.state === 'signedIn' ? current.user.userId : undefined;
    };
    return {
      presence: { enabled: false, peers: {}, statusText: '' },
      attachPresence(next) {
        get().detachPresence();
        if (next === undefined) return;
        port = next;
        stop = next.onChange((peers) => set((s) => ({ presence: { ...s.presence, peers: Object.fromEntries(peers) } })));
        set((s) => ({ presence: { ...s.presence, enabled: true, statusText: next.statusText() } }));
      },
      detachPresence() {
        stop?.();
        stop = undefined;
        port = undefined;
        set({ presence: { enabled: false, peers: {}, statusText: '' } });
      },
      watchPresence(conversations) {
        const self = selfOf();
        if (port === undefined || self === undefined) return;
        port.watch(directConversations(conversations, self)).catch((e: unknown) => console.warn('presence not followed', e));
      },
      async setStatusText(text) {
        set((s) => ({ presence: { ...s.presence, statusText: text } }));
        await port?.setStatusText(text);
      },
    };
  };
}
