/**
 * Starts the messaging pipeline in the renderer (docs/messaging.md §API): the real `pubnub` SDK (browser
 * build) configured from `transportConfig` — origin, ssl, keys, userId and the Access Manager token — with
 * crypto over the bridge and cursors in local storage. No cipherKey: envelopes carry their own encryption.
 */
import PubNub from 'pubnub';
import type { BridgeClient, BridgeEvents } from '../bridge/client';
import type { DeviceId, UserId } from '../../../common/ids';
import type { TransportConfig } from '../../../common/ipc/schemas/session';
import { createMessaging, type Messaging } from '../../../common/messaging/messaging';
import { BridgeMessageCrypto } from './bridgeMessageCrypto';
import { storageCursorStore } from './cursorStore';

export interface RendererMessagingDeps {
  bridge: BridgeClient;
  events: BridgeEvents;
  self: { userId: UserId; deviceId: DeviceId };
  storage: Pick<Storage, 'getItem' | 'setItem'>;
}

export function pubnubFromConfig(config: TransportConfig): PubNub {
  const pubnub = new PubNub({
    origin: config.origin,
    ssl: config.ssl,
    subscribeKey: config.subscribeKey,
    publishKey: config.publishKey,
    userId: config.userId,
  });
  if (config.token !== null) pubnub.setToken(config.token);
  return pubnub;
}

export async function startRendererMessaging(deps: RendererMessagingDeps): Promise<{ messaging: Messaging; pubnub: PubNub }> {
  const pubnub = pubnubFromConfig(await deps.bridge.transportConfig());
  const messaging = createMessaging({
    pubnub,
    crypto: new BridgeMessageCrypto(deps.bridge, deps.events),
    cursors: storageCursorStore(deps.storage, deps.self.userId),
    self: deps.self,
    randomBytes: (length) => crypto.getRandomValues(new Uint8Array(length)),
  });
  return { messaging, pubnub };
}
