/**
 * Broadcast channels for a signed-in client (docs/broadcast.md §2.1 "pubnub-token", §8, §8.1): a PubNub
 * instance of its own holding the broadcast Access Manager token from the key service, and the
 * `BroadcastService` over a broadcast client built from this device's certified keys. The token lists the
 * user's channels when it is minted, so it is minted again after creating a channel, before opening one
 * it does not cover, before publishing where it grants no write, and at half its lifetime. Device keys stay inside the broadcast client.
 */
import PubNub from 'pubnub';
import { broadcastPubnubChannel } from '../common/pubnubChannels';
import type { CryptoProvider } from '../common/crypto/provider';
import { createBroadcastClient, type BroadcastClient } from './broadcast/broadcastClient';
import { BroadcastService } from './broadcast/broadcastService';
import { fileFollowStore, type FollowStore } from './broadcast/followStore';
import { certifiedDevice, keyServiceClaims, keyServiceDirectory } from './broadcast/keyServiceDirectory';
import type { AccountKeySource } from './broadcast/types';
import type { Identity } from './enrol';
import type { KeyServiceApi } from './keyServiceApi';
import { isTemporary, RENEW_RETRY_MS, type PubnubToken, type TransportConfig } from './transport';

/** The broadcast PubNub instance and its token, renewed when it does not cover a channel. */
class BroadcastAccess {
  readonly pubnub: PubNub;
  private covered = new Set<string>();
  private writable = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(
    private readonly api: KeyServiceApi,
    keys: PubnubToken,
    config: TransportConfig,
  ) {
    this.pubnub = new PubNub({ publishKey: keys.publishKey, subscribeKey: keys.subscribeKey, userId: keys.userId, origin: config.origin, ssl: config.ssl });
  }

  async renew(): Promise<void> {
    const token = await this.api.request('getBroadcastPubnubToken');
    if (token.token !== null) this.pubnub.setToken(token.token);
    this.covered = new Set([...token.read, ...token.readWrite]);
    this.writable = new Set(token.readWrite);
    if (token.token !== null) this.schedule(Math.max(60_000, token.ttlMinutes * 30_000));
    else clearTimeout(this.timer);
  }

  /** Renews after `ms`; a renewal that fails for now (messaging unavailable) is tried again later. */
  private schedule(ms: number): void {
    clearTimeout(this.timer);
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.renew().catch((err: unknown) => {
        if (isTemporary(err)) this.schedule(RENEW_RETRY_MS);
      });
    }, ms);
    this.timer.unref?.();
  }

  async ensure(channelId: string, write = false): Promise<void> {
    if (!(write ? this.writable : this.covered).has(broadcastPubnubChannel(channelId))) await this.renew();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.pubnub.unsubscribeAll();
    this.pubnub.destroy(true);
  }
}

/** The broadcast client with token upkeep around the calls that change or need channel access. */
function withAccess(client: BroadcastClient, access: BroadcastAccess): BroadcastClient {
  return {
    listChannels: () => client.listChannels(),
    setRole: (channelId, userId, kind, granted) => client.setRole(channelId, userId, kind, granted),
    forgetKeys: (channelId) => client.forgetKeys(channelId),
    async createChannel(input) {
      const channel = await client.createChannel(input);
      await access.renew();
      return channel;
    },
    async openChannel(keyManagerUrl, channelId, creatorAccountKey) {
      const channel = await client.openChannel(keyManagerUrl, channelId, creatorAccountKey);
      await access.ensure(channel.channelId);
      return channel;
    },
    async channel(descriptor, creatorAccountKey) {
      const channel = await client.channel(descriptor, creatorAccountKey);
      await access.ensure(channel.channelId);
      return channel;
    },
  };
}

/** The service with token upkeep before publishing (a publisher role granted since the token was minted). */
class AccessAwareService extends BroadcastService {
  constructor(
    client: BroadcastClient,
    onChange: (channelId: string) => void,
    private readonly access: BroadcastAccess,
    follows?: FollowStore,
  ) {
    super(client, onChange, follows);
  }

  override async publish(channelId: string, text: string): Promise<string> {
    await this.access.ensure(channelId, true);
    return super.publish(channelId, text);
  }
}

export interface BroadcastSession {
  readonly service: BroadcastService;
  close(): void;
}

/**
 * Builds the broadcast session of a signed-in identity; `onChange(channelId)` fires on every view change.
 * `accountKeys` are the account keys the client core has pinned (its `Directory`): channel creators and
 * publishers are checked against them.
 * With `keyCacheDir` (the profile directory) fetched channel keys are cached there and followed channels
 * are remembered and followed again at the next sign-in (docs/broadcast.md §9).
 */
export async function openBroadcast(
  api: KeyServiceApi,
  provider: CryptoProvider,
  identity: Identity,
  accountKeys: AccountKeySource,
  config: TransportConfig,
  onChange: (channelId: string) => void,
  keyCacheDir?: string,
): Promise<BroadcastSession> {
  const device = await certifiedDevice(api, provider, {
    userId: identity.userId,
    deviceId: identity.deviceId,
    x25519PrivateKey: identity.device.x25519.privateKey,
    ed25519PrivateKey: identity.device.ed25519.privateKey,
    ...(identity.device.xwing ? { xwingPrivateKey: identity.device.xwing.privateKey } : {}),
  });
  const access = new BroadcastAccess(api, await api.request('getPubnubToken'), config);
  try {
    await access.renew();
  } catch (err) {
    access.close();
    throw err;
  }
  const closing = new AbortController();
  const client = createBroadcastClient({
    signal: closing.signal,
    crypto: provider,
    device,
    claims: keyServiceClaims(api),
    accountKeys,
    directory: keyServiceDirectory(api),
    pubnub: access.pubnub,
    keyCacheDir,
  });
  const follows = keyCacheDir === undefined ? undefined : fileFollowStore(keyCacheDir, identity.deviceId);
  const service = new AccessAwareService(withAccess(client, access), onChange, access, follows);
  // Channels followed in an earlier run are followed again in the background; one that cannot be opened
  // now stays remembered and shows as not followed (the user can follow it again).
  void service.resume((channelId) => onChange(channelId));
  return {
    service,
    close() {
      closing.abort();
      service.dispose();
      access.close();
    },
  };
}
