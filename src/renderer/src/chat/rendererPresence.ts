/**
 * Presence in the renderer (docs/messaging.md "Presence"): the `PresenceFeed` over the page's `pubnub`
 * SDK instance, with sealing and opening in main over the bridge (`sealPresence`, `openPresence`), the
 * availability from `watchActivity`, and the status text and last-seen times kept in local storage. Only
 * started when the `presenceEnabled` policy allows it (`presenceConfig`).
 */
import type PubNub from 'pubnub';
import type { BridgeClient } from '../bridge/client';
import type { UserId } from '../../../common/ids';
import type { PresenceConfig } from '../../../common/ipc/schemas/presence';
import { PresenceFeed, type DirectConversation, type LastSeenStore, type PeerPresence } from '../../../common/presence/presenceFeed';
import type { Availability } from '../../../common/protocol/presenceStatus';
import { watchActivity } from './activity';

export interface PresencePort {
  /** Follows the presence of these direct conversations' peers. */
  watch(conversations: readonly DirectConversation[]): Promise<void>;
  /** The SDK has a fresh token: conversations whose presence channel the old one did not grant are followed now. */
  tokenChanged(): Promise<void>;
  statusText(): string;
  /** Keeps and announces this user's status text (empty: none). */
  setStatusText(text: string): Promise<void>;
  onChange(listener: (peers: ReadonlyMap<UserId, PeerPresence>) => void): () => void;
  dispose(): void;
}

type Storage = Pick<globalThis.Storage, 'getItem' | 'setItem'>;

function storageLastSeen(storage: Storage, self: UserId): LastSeenStore {
  const key = (userId: UserId) => `seed.presence.lastSeen.${self}.${userId}`;
  return {
    load(userId) {
      const n = Number(storage.getItem(key(userId)));
      return Number.isSafeInteger(n) && n > 0 ? n : undefined;
    },
    save(userId, at) {
      storage.setItem(key(userId), String(at));
    },
  };
}

export function startRendererPresence(deps: {
  bridge: Pick<BridgeClient, 'sealPresence' | 'openPresence'>;
  pubnub: PubNub;
  self: UserId;
  storage: Storage;
  config: PresenceConfig;
}): PresencePort {
  const textKey = `seed.presence.statusText.${deps.self}`;
  let text = deps.storage.getItem(textKey) ?? '';
  let availability: Availability = 'online';
  const feed = new PresenceFeed({
    pubnub: deps.pubnub,
    self: deps.self,
    lastSeen: storageLastSeen(deps.storage, deps.self),
    crypto: {
      seal: (conversationId, status) => deps.bridge.sealPresence(conversationId, status),
      open: (conversationId, envelope, stateOf) =>
        typeof envelope === 'object' && envelope !== null && !Array.isArray(envelope)
          ? deps.bridge.openPresence(conversationId, envelope as Record<string, unknown>, stateOf as UserId)
          : Promise.resolve({ kind: 'rejected', code: 'malformed', message: 'the presence state is not an envelope' }),
    },
    onRefused: (peer, code) => console.warn(`presence status of ${peer} refused: ${code}`),
    mayRead: (channel) => {
      const token = deps.pubnub.getToken();
      return token !== undefined && deps.pubnub.parseToken(token)?.resources?.channels?.[channel]?.read === true;
    },
  });
  const announce = () => feed.setStatus({ availability, text }).catch((e: unknown) => console.warn('presence status not sent', e));
  // A host with no page (the renderer's pipeline run in Node by tests) has no input to watch: it stays online.
  const stopActivity =
    typeof window === 'undefined' || typeof document === 'undefined'
      ? () => undefined
      : watchActivity({
          target: window,
          isHidden: () => document.visibilityState === 'hidden',
          now: () => Date.now(),
          awayAfterMs: deps.config.awayAfterSeconds * 1000,
          onChange: (next) => {
            availability = next;
            void announce();
          },
        });
  void announce();
  // After a lost connection PubNub may have timed this user out and forgotten the status: it is set again.
  const connection = {
    status: (s: { category: string }) => void feed.connection(s.category).catch((e: unknown) => console.warn('presence status not sent', e)),
  };
  deps.pubnub.addListener(connection);
  return {
    watch: (conversations) => feed.watch(conversations),
    tokenChanged: () => feed.retry(),
    statusText: () => text,
    async setStatusText(next) {
      text = next;
      deps.storage.setItem(textKey, next);
      await feed.setStatus({ availability, text });
    },
    onChange: (listener) => feed.onChange(listener),
    dispose() {
      deps.pubnub.removeListener(connection);
      stopActivity();
      feed.dispose();
    },
  };
}
