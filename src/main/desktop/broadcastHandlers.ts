/**
 * The desktop's IPC handlers for broadcast channels (docs/broadcast.md §8.1) over the client
 * core's `broadcast()` service: list, create (default key manager `<server>/km`), follow, unfollow (which
 * also deletes the channel's cached keys on this device, §9), messages (opening the newest ones lazily),
 * publish, grant/withdraw roles and revoke a reader. Results are plain views —
 * ids, names, key manager URL, roles, key versions, text or a typed not-readable state — never keys.
 * `broadcastChanged` tells the renderer when a channel's view changed.
 *
 * The renderer names key managers but never decides where main sends a request (docs/broadcast.md §6,
 * docs/threat-model.md "Broadcast key manager"): a new channel's key manager must be https (loopback http for
 * development), and following goes to the key manager the channel's signed descriptor names — a
 * different URL is refused before any request. Refusals are typed errors whose message is the sentence
 * the renderer shows; their codes are logged here.
 */
import { BroadcastError } from '../../common/broadcast/errors';
import { assertKeyManagerUrl } from '../../common/broadcast/keyManagerUrl';
import type { ChannelId, UserId } from '../../common/ids';
import type { BroadcastChannelSummary, BroadcastMessage } from '../../common/ipc/schemas/broadcast';
import { type BroadcastChannelView, type BroadcastMessageView, type BroadcastService, cutOffReader } from '../../client';
import type { Handlers } from '../ipc/dispatch';
import type { EventSink } from '../ipc/eventHub';
import type { ClientHost } from './clientHost';

export interface BroadcastHandlerDeps {
  host: ClientHost;
  events: EventSink;
  /** The key service URL; its key manager at `<serverUrl>/km` is the default for new channels. */
  serverUrl: string;
  /** Where refused key manager URLs are logged (code and channel; default stderr). */
  log?: (line: string) => void;
}

const REFUSALS: readonly string[] = ['key_manager_url_refused', 'key_manager_not_in_descriptor', 'descriptor_not_certified'];

type BroadcastChannels =
  | 'listChannels'
  | 'createChannel'
  | 'followChannel'
  | 'unfollowChannel'
  | 'channelMessages'
  | 'publishToChannel'
  | 'setChannelRole'
  | 'revokeChannelSubscriber';

function channelSummary(c: BroadcastChannelView): BroadcastChannelSummary {
  return { ...c, channelId: c.channelId as ChannelId, creatorUserId: c.creatorUserId as UserId };
}

export function messageItem(v: BroadcastMessageView): BroadcastMessage {
  const base = { channelId: v.channelId as ChannelId, timetoken: v.timetoken, keyVersion: v.keyVersion };
  switch (v.state) {
    case 'opened':
      return { ...base, state: 'opened', senderDevice: v.senderDevice ?? '', sentAt: v.sentAt ?? 0, type: v.type ?? 'string', text: v.text ?? '' };
    case 'failed':
      return { ...base, state: 'notReadable', errorCode: v.errorCode ?? 'failed' };
    case 'sealed':
      return { ...base, state: 'sealed' };
    default:
      throw new Error(`unhandled broadcast message state ${JSON.stringify(v.state satisfies never)}`);
  }
}

async function summaryOf(service: BroadcastService, channelId: string): Promise<BroadcastChannelSummary> {
  const found = (await service.channels()).find((c) => c.channelId === channelId);
  if (!found) throw new BroadcastError('channel_unknown', `channel ${channelId} is not in the directory`);
  return channelSummary(found);
}

export function broadcastHandlers(deps: BroadcastHandlerDeps): Pick<Required<Handlers>, BroadcastChannels> {
  const changed = (channelId: string) => deps.events.emit('broadcastChanged', { channelId: channelId as ChannelId });
  const service = async () => (await deps.host.current()).broadcast(changed);
  const defaultKeyManager = `${deps.serverUrl.replace(/\/+$/, '')}/km`;
  const log = deps.log ?? ((line: string) => console.warn(line));
  /** Runs `work`, logging the code of a trust refusal (the renderer shows its sentence). */
  const logged = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      if (err instanceof BroadcastError && REFUSALS.includes(err.code)) log(`broadcast: ${what} refused: ${err.code}`);
      throw err;
    }
  };

  return {
    async listChannels() {
      return (await (await service()).channels()).map(channelSummary);
    },
    createChannel: (a) =>
      logged('createChannel', async () => {
        const keyManagerUrl = a.keyManagerUrl ?? defaultKeyManager;
        assertKeyManagerUrl(keyManagerUrl);
        const s = await service();
        return summaryOf(s, await s.create({ name: a.name, keyManagerUrl }));
      }),
    followChannel: (a) =>
      logged(`followChannel ${a.channelId}`, async () => {
        if (a.keyManagerUrl !== undefined) assertKeyManagerUrl(a.keyManagerUrl);
        const s = await service();
        await s.follow(a.channelId, a.keyManagerUrl);
        return summaryOf(s, a.channelId);
      }),
    async unfollowChannel(channelId) {
      await (await service()).unfollow(channelId);
      return null;
    },
    async channelMessages(a) {
      const s = await service();
      const views = a.open > 0 ? await s.open(a.channelId, a.open) : s.messages(a.channelId);
      return { channelId: a.channelId, messages: views.map(messageItem) };
    },
    async publishToChannel(a) {
      return { channelId: a.channelId, timetoken: await (await service()).publish(a.channelId, a.text) };
    },
    async setChannelRole(a) {
      const s = await service();
      await s.setRole(a.channelId, a.userId, a.role, a.granted);
      changed(a.channelId);
      return summaryOf(s, a.channelId);
    },
    async revokeChannelSubscriber(a) {
      const s = await service();
      const keyVersion = await cutOffReader(s, a.channelId, (await summaryOf(s, a.channelId)).keyManagerUrl, a.userId);
      changed(a.channelId);
      return { channelId: a.channelId, userId: a.userId, keyVersion };
    },
  };
}
