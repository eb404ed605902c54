/**
 * Starts the messaging pipeline in the renderer (docs/messaging.md §API): the real `pubnub` SDK (browser
 * build) configured from `transportConfig` — origin, ssl, keys, userId and the Access Manager token — with
 * crypto over the bridge and cursors in local storage. No cipherKey: envelopes carry their own encryption.
 * Only subscribe is retried by the SDK (publish failures are reported and retried by the user, as the
 * pipeline asks). `refreshAccess` fetches a fresh token from main: before joining conversations (an older
 * token does not list their channels) or when the relay refuses the current one.
 */
import PubNub from 'pubnub';
import type { BridgeClient, BridgeEvents } from '../bridge/client';
import type { DeviceId, UserId } from '../../../common/ids';
import type { TransportConfig } from '../../../common/ipc/schemas/session';
import { createMessaging } from '../../../common/messaging/messaging';
import type { ChatPort } from '../state/env';
import { BridgeMessageCrypto } from './bridgeMessageCrypto';
import { storageCursorStore } from './cursorStore';
import { bridgeStoredHistory } from './storedHistory';
import { pipelineRetryPolicy } from '../../../common/messaging/retryPolicy';
import type { PresenceConfig } from '../../../common/ipc/schemas/presence';
import { startRendererPresence } from './rendererPresence';
import { PRESENCE_SDK_OPTIONS } from '../../../common/presence/presenceFeed';

export interface RendererMessagingDeps {
  bridge: BridgeClient;
  events: BridgeEvents;
  self: { userId: UserId; deviceId: DeviceId };
  storage: Pick<Storage, 'getItem' | 'setItem'>;
}

/**
 * The SDK for this transport. With presence on (docs/messaging.md "Presence"), `presenceTimeout` and a
 * `heartbeatInterval` of at most one a minute outside tests; off (or unknown), no heartbeats are sent.
 */
export function pubnubFromConfig(config: TransportConfig, presence?: PresenceConfig): PubNub {
  const pubnub = new PubNub({
    // Without an explicit 0 the SDK still sends a heartbeat when it subscribes.
    ...(presence?.enabled === true
      ? { presenceTimeout: presence.timeoutSeconds, heartbeatInterval: presence.heartbeatSeconds, ...PRESENCE_SDK_OPTIONS }
      : { heartbeatInterval: 0 }),
    origin: config.origin,
    ssl: config.ssl,
    subscribeKey: config.subscribeKey,
    publishKey: config.publishKey,
    userId: config.userId,
    retryConfiguration: pipelineRetryPolicy(),
  });
  if (config.token !== null) pubnub.setToken(config.token);
  return pubnub;
}

/**
 * The page's timers, bound: the pipeline's default calls `setTimeout` as a method of an options object,
 * which browsers refuse ("Illegal invocation") though Node accepts it.
 */
const browserTimers = {
  setTimeout: (handler: () => void, ms: number): unknown => globalThis.setTimeout(handler, ms),
  clearTimeout: (handle: unknown): void => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export async function startRendererMessaging(deps: RendererMessagingDeps): Promise<{ port: ChatPort; pubnub: PubNub }> {
  // A host without presence (or an older main) answers no config: presence is then off.
  const presenceConfig = await deps.bridge.presenceConfig().catch(() => undefined);
  const pubnub = pubnubFromConfig(await deps.bridge.transportConfig(), presenceConfig);
  const presence =
    presenceConfig?.enabled === true
      ? startRendererPresence({ bridge: deps.bridge, pubnub, self: deps.self.userId, storage: deps.storage, config: presenceConfig })
      : undefined;
  const messaging = createMessaging({
    pubnub,
    crypto: new BridgeMessageCrypto(deps.bridge, deps.events),
    cursors: storageCursorStore(deps.storage, deps.self.userId),
    stored: bridgeStoredHistory(deps.bridge),
    self: deps.self,
    randomBytes: (length) => crypto.getRandomValues(new Uint8Array(length)),
    timers: browserTimers,
  });
  const port: ChatPort = {
    join: (ids) => messaging.join(ids),
    leave: (ids) => messaging.leave(ids),
    catchUp: (id) => messaging.catchUp(id),
    loadOlder: (id) => messaging.loadOlder(id),
    send: (id, content) => messaging.send(id, content),
    retry: (id, messageId) => messaging.retry(id, messageId),
    setTyping: (id, typing) => messaging.setTyping(id, typing),
    markRead: (id, timetoken) => messaging.markRead(id, timetoken),
    react: (id, timetoken, value) => messaging.react(id, timetoken, value),
    unreact: (id, timetoken, value) => messaging.unreact(id, timetoken, value),
    reply: (id, replyTo, text) => messaging.reply(id, replyTo, text),
    edit: (id, target, text) => messaging.edit(id, target, text),
    deleteForEveryone: (id, target) => messaging.deleteForEveryone(id, target),
    deleteForMe: (id, messageId) => messaging.deleteForMe(id, messageId),
    view: (id) => messaging.view(id),
    onChange: (listener) => messaging.onChange(listener),
    onError: (listener) => messaging.onError(listener),
    async refreshAccess() {
      const { token } = await deps.bridge.transportConfig();
      if (token === null || token === pubnub.getToken()) return false;
      pubnub.setToken(token);
      void presence?.tokenChanged().catch((e: unknown) => console.warn('presence not followed', e));
      return true;
    },
    ...(presence === undefined ? {} : { presence }),
    async dispose() {
      presence?.dispose();
      await messaging.dispose();
      pubnub.destroy(true);
    },
  };
  return { port, pubnub };
}
