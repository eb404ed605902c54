/**
 * The relay's shared per-process context, everything a route handler works with (as `ctx.relay`): the
 * resolved configuration, the SQLite stores and their size, the fan-out hub with its long-poll slots, the
 * presence registry, Access Manager, the Files store and its URLs and the timetoken clock, plus the helpers that publish events and the periodic sweep. Built once per relay by
 * `startRelay` (docs/relay.md, "Inside").
 */
import type { RelayConfig } from './options';
import type { Db } from './store/database';
import { MessageStore } from './store/messages';
import { ActionStore } from './store/actions';
import { ChannelGroupStore } from './store/channelGroups';
import { RevocationStore } from './store/revocations';
import { HistoryUsage } from './store/historyUsage';
import { LongPollSlots } from './pubsub/longPollSlots';
import { Hub } from './pubsub/hub';
import type { EventKind } from './pubsub/event';
import { PresenceRegistry, type PresenceEventData } from './presence/registry';
import { AccessManager } from './pam/accessManager';
import { TimetokenClock, type Timetoken } from './timetoken';
import { PRESENCE_SUFFIX } from './names';
import { LIMITS } from './options';
import { PushRegistry } from './push/registry';
import { PushProviderOutbox } from './push/providerOutbox';
import { FileStore } from './store/files';
import { UploadSlots } from './files/uploadSlots';
import { DownloadUrls } from './files/downloadUrls';

export interface LiveEventInput {
  readonly subKey: string;
  readonly channel: string;
  readonly kind: EventKind;
  readonly publisher: string | undefined;
  readonly payload: string;
  readonly meta?: string | null;
  readonly customType?: string | null;
  readonly tt?: Timetoken;
}

export class RelayContext {
  readonly messages: MessageStore;
  readonly actions: ActionStore;
  readonly groups: ChannelGroupStore;
  readonly revocations: RevocationStore;
  readonly clock: TimetokenClock;
  readonly hub: Hub;
  readonly presence: PresenceRegistry;
  readonly access: AccessManager;
  /** Size of the history store against its caps. */
  readonly history: HistoryUsage;
  /** Held long-polls per token and in all. */
  readonly pollSlots: LongPollSlots;
  /** Mobile Push device registrations, and the stand-in for APNs/FCM that records what would be sent. */
  readonly push: PushRegistry;
  readonly pushOutbox: PushProviderOutbox;
  /** Files: what was uploaded, the upload URLs handed out and not yet used, and the signed download URLs. */
  readonly files: FileStore;
  readonly uploads: UploadSlots;
  readonly downloads: DownloadUrls;

  constructor(
    readonly config: RelayConfig,
    readonly db: Db,
    floor: Timetoken,
  ) {
    this.messages = new MessageStore(db);
    this.actions = new ActionStore(db);
    this.groups = new ChannelGroupStore(db);
    this.revocations = new RevocationStore(db);
    this.clock = new TimetokenClock(floor);
    const startTt = this.clock.next();
    this.hub = new Hub({ messages: this.messages, groups: this.groups, clock: this.clock, startTt });
    this.presence = new PresenceRegistry((subKey, channel, data) => this.emitPresence(subKey, channel, data));
    this.access = new AccessManager(config.secretKey, config.publishKey, this.revocations);
    this.history = new HistoryUsage(db, { rows: config.limits.historyRows, bytes: config.limits.historyBytes });
    this.pollSlots = new LongPollSlots(config.limits.longPollsPerToken, config.limits.longPolls);
    this.push = new PushRegistry({ devicesPerKey: config.limits.pushDevices, channelsPerDevice: config.limits.pushChannelsPerDevice });
    this.pushOutbox = new PushProviderOutbox(this.push, LIMITS.pushOutboxPerKey);
    this.files = new FileStore(db, config.dataDir, {
      channelBytes: config.limits.filesChannelBytes,
      keysetBytes: config.limits.filesKeysetBytes,
      retentionMs: config.limits.filesRetentionSeconds * 1000,
    });
    this.uploads = new UploadSlots(config.fileUrlMs, LIMITS.pendingUploads, LIMITS.uploadsInFlight);
    this.downloads = new DownloadUrls(config.fileUrlMs);
  }

  /** Publishes a live event to subscribers; returns its timetoken. */
  emit(input: LiveEventInput): Timetoken {
    const tt = input.tt ?? this.clock.next();
    this.hub.emit({
      subKey: input.subKey,
      channel: input.channel,
      tt,
      kind: input.kind,
      publisher: input.publisher,
      payload: input.payload,
      meta: input.meta ?? null,
      customType: input.customType ?? null,
      sequence: this.hub.nextSequence(),
    });
    return tt;
  }

  private emitPresence(subKey: string, channel: string, data: PresenceEventData): void {
    this.emit({
      subKey,
      channel: `${channel}${PRESENCE_SUFFIX}`,
      kind: 'presence',
      publisher: undefined,
      payload: JSON.stringify(data),
    });
  }

  /** Periodic housekeeping: presence timeouts, idle backlogs, expired messages, files and revocations. */
  sweep(nowMs: number, deep: boolean): void {
    this.presence.sweep(nowMs);
    if (!deep) return;
    this.hub.sweep(nowMs);
    this.uploads.sweep(nowMs);
    this.messages.purgeExpired(nowMs);
    void this.files.purgeExpired(nowMs).catch(() => undefined);
    this.revocations.purgeExpired(Math.floor(nowMs / 1000));
  }
}
