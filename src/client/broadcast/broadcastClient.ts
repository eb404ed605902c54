/**
 * The Node-side broadcast client (seed 002, docs/broadcast.md §8) — what the CLI and the desktop app
 * call. `createChannel` signs a descriptor with this device and registers it with the key manager it
 * names (default or custom); `openChannel` fetches a channel's descriptor from a key manager and
 * verifies it; `channel` takes a descriptor obtained elsewhere (a link, the directory) and verifies it.
 * Each returns a `BroadcastChannel` for publish / history / subscribe / open / revoke. With a directory
 * (the key service), created channels are listed there and `listChannels` / `setRole` work.
 *
 * Trust (docs/broadcast.md §3, §6): a descriptor counts only when its creator certificate is signed by
 * the account key this device has pinned for the creator (`accountKeys`), never by a key the descriptor
 * carries; and a key manager is contacted only at an https URL (loopback http for development).
 */
import {
  ChannelDescriptorSchema,
  signDescriptor,
  verifyDescriptor,
  type ChannelDescriptor,
  type DescriptorExpectations,
  type UnsignedDescriptor,
} from '../../common/broadcast/descriptor';
import { DescriptorError, DirectoryError } from '../../common/broadcast/errors';
import { assertKeyManagerUrl } from '../../common/broadcast/keyManagerUrl';
import { AppError } from '../../common/errors';
import { publisherRole, subscriberRole } from '../../common/broadcast/roles';
import type { ChannelRule } from '../../common/broadcast/rules';
import { newChannelId, type ChannelId } from '../../common/ids';
import { BroadcastChannel } from './broadcastChannel';
import { fileChannelKeyCache } from './channelKeyCache';
import { KeyManagerClient } from './keyManagerClient';
import type { ChannelRoleKind } from '../../common/domain';
import type { BroadcastDirectory, ListedChannel } from './keyServiceDirectory';
import type { BroadcastClientOptions } from './types';

export interface CreateChannelInput {
  /** Base URL of the key manager that will hold the channel keys (the default one or a custom one). */
  readonly keyManagerUrl: string;
  readonly name: string;
  /** Default: a fresh random id. */
  readonly channelId?: ChannelId;
  /** Default: holders of `publisher:<channelId>`. */
  readonly publisherRule?: ChannelRule;
  /** Default: holders of `subscriber:<channelId>`. */
  readonly subscriberRule?: ChannelRule;
}

/** A channel as the directory lists it, its descriptor verified. */
export interface ChannelListing extends ListedChannel {
  /** The key manager that holds its keys (show it before following: it is trusted with the content). */
  readonly keyManagerUrl: string;
}

export interface BroadcastClient {
  /** Signs a descriptor, creates the channel on its key manager, and lists it in the directory (when there is one). */
  createChannel(input: CreateChannelInput): Promise<BroadcastChannel>;
  /** Channels in the directory whose descriptors verify under their creators' pinned keys (DirectoryError without a directory). */
  listChannels(): Promise<ChannelListing[]>;
  /** Grants or withdraws a channel role through the directory (the channel's owner only). */
  setRole(channelId: string, userId: string, kind: ChannelRoleKind, granted: boolean): Promise<void>;
  /**
   * Fetches the channel's descriptor from its key manager (an https URL, or loopback http) and verifies it
   * names that key manager and is certified by the creator's pinned account key — or by
   * `creatorAccountKey`, a key the caller vouches for (e.g. checked by safety number).
   */
  openChannel(keyManagerUrl: string, channelId: string, creatorAccountKey?: Uint8Array): Promise<BroadcastChannel>;
  /** A descriptor obtained elsewhere (a link, the directory), verified as `openChannel` does. */
  channel(descriptor: unknown, creatorAccountKey?: Uint8Array): Promise<BroadcastChannel>;
  /** Deletes the channel's cached keys on this device (nothing without a key cache). */
  forgetKeys(channelId: string): Promise<void>;
}

function directoryOf(opts: BroadcastClientOptions): BroadcastDirectory {
  if (!opts.directory) throw new DirectoryError('directory_unreachable', 'this broadcast client has no channel directory');
  return opts.directory;
}

export function createBroadcastClient(opts: BroadcastClientOptions): BroadcastClient {
  const { crypto, device } = opts;
  const kmFor = (url: string) => new KeyManagerClient(url, opts.keyManagerTimeoutMs, opts.signal);
  const keyCache =
    opts.keyCacheDir === undefined
      ? undefined
      : fileChannelKeyCache({
          profileDir: opts.keyCacheDir,
          crypto,
          deviceId: device.deviceId,
          x25519PrivateKey: device.x25519PrivateKey,
          onError: opts.onKeyCacheError,
        });
  const channelOf = (descriptor: ChannelDescriptor) => {
    assertKeyManagerUrl(descriptor.keyManagerUrl);
    return new BroadcastChannel(descriptor, opts, keyCache);
  };
  /** The creator's pinned account key; a creator this device cannot vouch for makes the descriptor uncertified. */
  const creatorKey = async (userId: string): Promise<Uint8Array> => {
    try {
      return await opts.accountKeys(userId);
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'not_found')) throw err;
      throw new DescriptorError('descriptor_not_certified', `channel descriptor: no trusted account key for its creator ${userId} (${err.message})`);
    }
  };
  /** Verifies a descriptor against the pinned key of its creator (or the key the caller vouches for). */
  const verifyPinned = async (input: unknown, expect: Omit<DescriptorExpectations, 'accountKey'>, vouched?: Uint8Array) => {
    const parsed = ChannelDescriptorSchema.safeParse(input);
    if (!parsed.success) return verifyDescriptor(crypto, input, expect);
    const accountKey = vouched ?? (await creatorKey(parsed.data.creator.userId));
    return verifyDescriptor(crypto, parsed.data, { ...expect, accountKey });
  };
  return {
    async createChannel(input) {
      assertKeyManagerUrl(input.keyManagerUrl);
      const channelId = input.channelId ?? newChannelId(crypto);
      const unsigned: UnsignedDescriptor = {
        v: 1,
        channelId,
        name: input.name,
        creator: { userId: device.userId, deviceId: device.deviceId },
        publisherRule: input.publisherRule ?? { type: 'role', role: publisherRole(channelId) },
        subscriberRule: input.subscriberRule ?? { type: 'role', role: subscriberRole(channelId) },
        keyManagerUrl: input.keyManagerUrl,
        createdAt: (opts.now ?? Date.now)(),
        creatorCertificate: device.certificate,
      };
      const descriptor = await signDescriptor(crypto, unsigned, device.ed25519PrivateKey);
      const km = kmFor(descriptor.keyManagerUrl);
      await km.createChannel(await opts.claims(km.url), descriptor);
      await opts.directory?.register(descriptor);
      return channelOf(descriptor);
    },
    async listChannels() {
      const listed = await directoryOf(opts).list();
      const out: ChannelListing[] = [];
      for (const entry of listed) {
        try {
          const descriptor = await verifyPinned(entry.descriptor, {});
          out.push({ ...entry, descriptor, keyManagerUrl: descriptor.keyManagerUrl });
        } catch (err) {
          if (!(err instanceof DescriptorError)) throw err;
        }
      }
      return out;
    },
    async setRole(channelId, userId, kind, granted) {
      const directory = directoryOf(opts);
      await (granted ? directory.grant(channelId, userId, kind) : directory.withdraw(channelId, userId, kind));
    },
    async openChannel(keyManagerUrl, channelId, creatorAccountKey) {
      assertKeyManagerUrl(keyManagerUrl);
      const info = await kmFor(keyManagerUrl).info(channelId);
      return channelOf(await verifyPinned(info.descriptor, { keyManagerUrl, channelId }, creatorAccountKey));
    },
    async channel(input, creatorAccountKey) {
      return channelOf(await verifyPinned(input, {}, creatorAccountKey));
    },
    async forgetKeys(channelId) {
      await keyCache?.remove(channelId);
    },
  };
}
