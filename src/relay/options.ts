/**
 * Options of `startRelay` (docs/relay.md, "Running it") validated with zod, and the relay's fixed limits.
 * Limits follow PubNub's documented service limits where one exists (32 KiB publish, 100/25 history page,
 * 100 events per subscribe response, 10,000 message count cap) and bound memory elsewhere.
 */
import { z } from 'zod';
import { RelayConfigError } from './errors';

export interface RelayOptions {
  /** TCP port; 0 picks an ephemeral port. */
  readonly port?: number;
  /** Interface to listen on; loopback unless said otherwise. */
  readonly host?: string;
  /** Directory for the SQLite history file (created if missing). */
  readonly dataDir: string;
  /** Enables Access Manager: signed PAM calls and `auth` tokens on everything else. Needs `publishKey`. */
  readonly secretKey?: string;
  /** When set, requests naming another publish key are refused. */
  readonly publishKey?: string;
  /** When set, requests naming another subscribe key are refused. */
  readonly subscribeKey?: string;
  /** Seconds a subscribe long-poll is held before an empty answer (PubNub holds ~280 s). */
  readonly longPollSeconds?: number;
  /** Caps on disk and connections (docs/relay.md, "Limits"); each has a default. */
  readonly limits?: Partial<RelayLimits>;
  /** Seconds a Files upload or download URL the relay hands out stays valid (default 60). */
  readonly fileUrlSeconds?: number;
}

/** Configurable caps; beyond each a request is refused with a typed error and nothing changes. */
export interface RelayLimits {
  /** Stored messages and message actions together (default 1,000,000). */
  readonly historyRows: number;
  /** Their bytes: payload and meta, action type and value (default 1 GiB). */
  readonly historyBytes: number;
  /** Open connections (default 10,000). */
  readonly connections: number;
  /** Held subscribe long-polls in all (default 5,000). */
  readonly longPolls: number;
  /** Held subscribe long-polls per token — per uuid on a relay without Access Manager (default 20). */
  readonly longPollsPerToken: number;
  /** Mobile Push devices registered per subscribe key (default 10,000). */
  readonly pushDevices: number;
  /** Channels one push device may be enabled on (default 1,000, what the SDK lists at most). */
  readonly pushChannelsPerDevice: number;
  /** The largest file one upload may carry (default 5 MiB; PubNub Files caps a file at 5 MB). */
  readonly fileBytes: number;
  /** Stored file bytes per channel of a subscribe key (default 1 GiB). */
  readonly filesChannelBytes: number;
  /** Stored file bytes per subscribe key, all channels together (default 10 GiB). */
  readonly filesKeysetBytes: number;
  /**
   * How long a file is kept after its upload, in seconds, as a PubNub keyset's Files retention (docs/relay.md
   * "Files"): older files are neither listed nor downloadable and are removed at the next deep sweep. 0 (the
   * default): kept until deleted.
   */
  readonly filesRetentionSeconds: number;
}

export const DEFAULT_LIMITS: RelayLimits = {
  historyRows: 1_000_000,
  historyBytes: 1024 * 1024 * 1024,
  connections: 10_000,
  longPolls: 5_000,
  longPollsPerToken: 20,
  pushDevices: 10_000,
  pushChannelsPerDevice: 1000,
  fileBytes: 5 * 1024 * 1024,
  filesChannelBytes: 1024 * 1024 * 1024,
  filesKeysetBytes: 10 * 1024 * 1024 * 1024,
  filesRetentionSeconds: 0,
};

const keyPattern = /^[A-Za-z0-9_.:-]{1,100}$/;

const optionsSchema = z.strictObject({
  port: z.number().int().min(0).max(65535).optional(),
  host: z.string().min(1).max(255).optional(),
  dataDir: z.string().min(1),
  secretKey: z.string().min(1).max(256).optional(),
  publishKey: z.string().regex(keyPattern).optional(),
  subscribeKey: z.string().regex(keyPattern).optional(),
  longPollSeconds: z.number().min(0.05).max(300).optional(),
  limits: z
    .strictObject({
      historyRows: z.number().int().min(1).optional(),
      historyBytes: z.number().int().min(1).optional(),
      connections: z.number().int().min(1).max(1_000_000).optional(),
      longPolls: z.number().int().min(1).optional(),
      longPollsPerToken: z.number().int().min(1).optional(),
      pushDevices: z.number().int().min(1).max(1_000_000).optional(),
      pushChannelsPerDevice: z.number().int().min(1).max(1000).optional(),
      fileBytes: z
        .number()
        .int()
        .min(1)
        .max(64 * 1024 * 1024)
        .optional(),
      filesChannelBytes: z.number().int().min(1).optional(),
      filesKeysetBytes: z.number().int().min(1).optional(),
      filesRetentionSeconds: z.number().int().min(1).optional(),
    })
    .optional(),
  fileUrlSeconds: z.number().min(0.05).max(3600).optional(),
});

export interface RelayConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly secretKey: string | undefined;
  readonly publishKey: string | undefined;
  readonly subscribeKey: string | undefined;
  readonly longPollMs: number;
  readonly fileUrlMs: number;
  readonly limits: RelayLimits;
}

export function resolveOptions(options: RelayOptions): RelayConfig {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join('.') : 'options';
    throw new RelayConfigError('invalid_config', `invalid relay option ${where}: ${issue?.message ?? 'invalid'}`);
  }
  const o = parsed.data;
  if (o.secretKey !== undefined && o.publishKey === undefined) {
    throw new RelayConfigError('invalid_config', 'a relay with a secret key needs the publish key too: request signatures (v2) cover the publish key');
  }
  return {
    port: o.port ?? 0,
    host: o.host ?? '127.0.0.1',
    dataDir: o.dataDir,
    secretKey: o.secretKey,
    publishKey: o.publishKey,
    subscribeKey: o.subscribeKey,
    longPollMs: Math.round((o.longPollSeconds ?? 280) * 1000),
    fileUrlMs: Math.round((o.fileUrlSeconds ?? 60) * 1000),
    limits: { ...DEFAULT_LIMITS, ...Object.fromEntries(Object.entries(o.limits ?? {}).filter(([, v]) => v !== undefined)) },
  };
}

/** Fixed limits. */
export const LIMITS = {
  /** PubNub's publish limit: URL-escaped message plus channel name. */
  publishBytes: 32 * 1024,
  /** Largest request body accepted on the wire (before inflating). */
  bodyBytes: 64 * 1024,
  /** Largest body after inflating a deflated publish. */
  inflatedBytes: 256 * 1024,
  /** Largest request line + headers (a GET publish carries the message in the path). */
  headerBytes: 96 * 1024,
  /** Events in one subscribe response. */
  eventsPerResponse: 100,
  /** Live events kept in memory per channel for subscribers catching up. */
  backlogEvents: 1000,
  backlogChannelBytes: 1024 * 1024,
  /** All channel backlogs together; beyond it the least recently active channel's backlog is dropped. */
  backlogTotalBytes: 64 * 1024 * 1024,
  /** A channel backlog with no event for this long is dropped (history stays in SQLite). */
  backlogIdleMs: 10 * 60 * 1000,
  /** Channel / group names per request. */
  subscribeNames: 500,
  fetchChannels: 500,
  countChannels: 100,
  channelsPerGroup: 2000,
  /** fetch v3 page sizes (PubNub REST docs). */
  fetchSingle: 100,
  fetchMultiple: 25,
  messageCountCap: 10000,
  actionsPage: 100,
  /** Access Manager grant ttl in minutes (PubNub: 1 .. 43,200). */
  grantTtlMax: 43200,
  tokenChars: 32 * 1024,
  /** Accepted clock skew of a signed request's `timestamp`. */
  signatureSkewSeconds: 600,
  presenceTimeoutDefault: 300,
  presenceTimeoutMax: 320,
  /** Mobile Push: the longest device token, APNs topic, and channels in one add/remove request. */
  pushTokenChars: 512,
  pushTopicChars: 255,
  pushChannelsPerRequest: 1000,
  /** Notifications the APNs/FCM stand-in keeps per subscribe key (oldest dropped first). */
  pushOutboxPerKey: 1000,
  /** Files: upload URLs handed out and not yet used or expired, in all; one page of a file list; a file name. */
  pendingUploads: 1000,
  /** Files uploads received at once (each held in memory, at most `fileBytes` plus its form). */
  uploadsInFlight: 16,
  filesPage: 100,
  fileNameChars: 255,
  /** Room for the multipart framing and form fields of an upload beyond the file itself. */
  uploadFramingBytes: 16 * 1024,
} as const;
