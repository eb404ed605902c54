/**
 * The on-disk cache of the channel keys a device fetched (docs/broadcast.md §9 "Channel key cache"): the
 * key manager's `keys` answers kept AS RECEIVED — each version's channel private key HPKE-wrapped to this
 * device (docs/protocol.md §5; X-Wing or X25519, §5.1) with its public key — so a restart does not lose
 * history the device could read (a revoked reader keeps what it had). Nothing in the file opens without
 * the device's private keys, which stay in the OS keychain; the MAC key comes from its X25519 key. The
 * MAC covers the wrap's `suite` when it has one (an X25519 entry's MAC input is as before X-Wing).
 *
 *     <profileDir>/broadcast-keys/<deviceId>/<channelId>.json   (dirs 0700, file 0600, temp file + rename)
 *     {"v":1,"channelId","deviceId","keyManagerUrl","keys":[{"version","publicKey","wrap":{deviceId,suite?,enc,ct},"mac"}]}
 *     mac    = HMAC-SHA256(macKey, tuple("seed-channel-key-cache-v1", channelId, deviceId, keyManagerUrl,
 *                                        canonicalJson({version, publicKey, wrap})))
 *     macKey = HKDF-SHA256(salt = "", ikm = device X25519 private key, info = "seed-channel-key-cache-mac-v1", 32)
 *
 * The MAC stops a forged entry (anyone can wrap a key to the device's public key) from being trusted; the
 * channel key ring then unwraps and checks each loaded entry exactly as a fetched one. A file or entry
 * that fails is ignored and reported as a `ChannelKeyCacheError`, never trusted. Writes and removals of a
 * channel run one after the other.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { WrappedKeySchema } from '../../common/broadcast/keyManagerApi';
import { hkdfExpand, hkdfExtract } from '../../common/crypto/hkdf';
import type { CryptoProvider } from '../../common/crypto/provider';
import { constantTimeEqual, tuple } from '../../common/encoding/bytes';
import { fromBase64Url, toBase64Url } from '../../common/encoding/base64url';
import { canonicalJson } from '../../common/encoding/canonicalJson';
import { BroadcastError } from '../../common/broadcast/errors';
import { AppError } from '../../common/errors';
import { ChannelIdSchema } from '../../common/ids';

export type WrappedChannelKey = z.infer<typeof WrappedKeySchema>;

export type ChannelKeyCacheErrorCode = 'key_cache_unreadable' | 'key_cache_tampered' | 'key_cache_write_failed';

/** A cache file or entry that was not used (unreadable, altered, forged) or could not be written. */
export class ChannelKeyCacheError extends AppError {
  declare readonly code: ChannelKeyCacheErrorCode;
  constructor(code: ChannelKeyCacheErrorCode, message: string) {
    super(code, message);
  }
}

export interface ChannelKeyCache {
  /** The entries of the channel whose MAC verifies (for this device and key manager); the rest are reported. */
  load(channelId: string, keyManagerUrl: string): Promise<WrappedChannelKey[]>;
  /** Replaces the channel's file with these entries (as the key manager sent them). */
  save(channelId: string, keyManagerUrl: string, keys: readonly WrappedChannelKey[]): Promise<void>;
  /** Deletes the channel's file (nothing when there is none). */
  remove(channelId: string): Promise<void>;
  /** Reports an entry or file that was not used. */
  report(error: ChannelKeyCacheError): void;
}

export interface ChannelKeyCacheOptions {
  /** The profile directory; the cache lives in `broadcast-keys/<deviceId>/` under it. */
  readonly profileDir: string;
  readonly crypto: CryptoProvider;
  readonly deviceId: string;
  readonly x25519PrivateKey: Uint8Array;
  /** Where ignored entries and failed writes are reported; default: one line on stderr. */
  readonly onError?: (error: ChannelKeyCacheError) => void;
}

const MAC_LABEL = 'seed-channel-key-cache-v1';
const MAC_KEY_INFO = 'seed-channel-key-cache-mac-v1';

const CachedKeySchema = WrappedKeySchema.extend({ mac: z.string().regex(/^[A-Za-z0-9_-]{43}$/) });
const CacheFileSchema = z.strictObject({
  v: z.literal(1),
  channelId: z.string(),
  deviceId: z.string(),
  keyManagerUrl: z.string(),
  keys: z.array(CachedKeySchema).max(100_000),
});

const defaultReport = (e: ChannelKeyCacheError) => console.error(`broadcast key cache: ${e.code}: ${e.message}`);

/** The file-backed cache of one device's channel keys. */
export function fileChannelKeyCache(opts: ChannelKeyCacheOptions): ChannelKeyCache {
  const dir = join(opts.profileDir, 'broadcast-keys', opts.deviceId);
  const fileOf = (channelId: string) => {
    if (!ChannelIdSchema.safeParse(channelId).success)
      throw new BroadcastError('channel_unknown', `${JSON.stringify(channelId.slice(0, 80))} is not a channel id`);
    return join(dir, `${channelId}.json`);
  };
  const report = opts.onError ?? defaultReport;
  const queues = new Map<string, Promise<void>>();
  let macKey: Promise<Uint8Array> | undefined;

  const mac = async (channelId: string, keyManagerUrl: string, k: WrappedChannelKey): Promise<Uint8Array> => {
    macKey ??= hkdfExtract(opts.crypto, new Uint8Array(0), opts.x25519PrivateKey).then((prk) =>
      hkdfExpand(opts.crypto, prk, new TextEncoder().encode(MAC_KEY_INFO), 32),
    );
    const wrap = { deviceId: k.wrap.deviceId, ...(k.wrap.suite !== undefined ? { suite: k.wrap.suite } : {}), enc: k.wrap.enc, ct: k.wrap.ct };
    const entry = canonicalJson({ version: k.version, publicKey: k.publicKey, wrap });
    return opts.crypto.hmacSha256(await macKey, tuple(MAC_LABEL, channelId, opts.deviceId, keyManagerUrl, entry));
  };

  /** Runs file work for one channel after the work already queued for it. */
  const queued = (channelId: string, work: () => Promise<void>): Promise<void> => {
    const next = (queues.get(channelId) ?? Promise.resolve()).then(work);
    const settled = next.catch(() => undefined);
    queues.set(channelId, settled);
    void settled.then(() => {
      if (queues.get(channelId) === settled) queues.delete(channelId);
    });
    return next;
  };

  async function readEntries(channelId: string, keyManagerUrl: string): Promise<WrappedChannelKey[]> {
    let text: string;
    try {
      text = await readFile(fileOf(channelId), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      report(new ChannelKeyCacheError('key_cache_unreadable', `cannot read the key cache of channel ${channelId}: ${(err as Error).message}`));
      return [];
    }
    let file: z.infer<typeof CacheFileSchema>;
    try {
      file = CacheFileSchema.parse(JSON.parse(text));
    } catch {
      report(new ChannelKeyCacheError('key_cache_unreadable', `the key cache of channel ${channelId} does not parse; ignored`));
      return [];
    }
    if (file.channelId !== channelId || file.deviceId !== opts.deviceId || file.keyManagerUrl !== keyManagerUrl) {
      report(new ChannelKeyCacheError('key_cache_tampered', `the key cache of channel ${channelId} names another channel, device or key manager; ignored`));
      return [];
    }
    const out: WrappedChannelKey[] = [];
    for (const { mac: stored, ...k } of file.keys) {
      if (constantTimeEqual(fromBase64Url(stored), await mac(channelId, keyManagerUrl, k))) out.push(k);
      else report(new ChannelKeyCacheError('key_cache_tampered', `cached key version ${k.version} of channel ${channelId} fails its MAC; ignored`));
    }
    return out;
  }

  async function writeEntries(channelId: string, keyManagerUrl: string, keys: readonly WrappedChannelKey[]): Promise<void> {
    const entries = [];
    for (const k of keys) entries.push({ version: k.version, publicKey: k.publicKey, wrap: k.wrap, mac: toBase64Url(await mac(channelId, keyManagerUrl, k)) });
    const body = { v: 1, channelId, deviceId: opts.deviceId, keyManagerUrl, keys: entries };
    const file = fileOf(channelId);
    const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await writeFile(temp, `${JSON.stringify(body)}\n`, { mode: 0o600 });
      await rename(temp, file);
    } catch (err) {
      await rm(temp, { force: true });
      report(new ChannelKeyCacheError('key_cache_write_failed', `cannot write the key cache of channel ${channelId}: ${(err as Error).message}`));
    }
  }

  return {
    async load(channelId, keyManagerUrl) {
      let out: WrappedChannelKey[] = [];
      await queued(channelId, async () => {
        out = await readEntries(channelId, keyManagerUrl);
      });
      return out;
    },
    save: (channelId, keyManagerUrl, keys) => queued(channelId, () => writeEntries(channelId, keyManagerUrl, keys)),
    remove: (channelId) =>
      queued(channelId, async () => {
        try {
          await rm(fileOf(channelId), { force: true });
        } catch (err) {
          if (err instanceof AppError) throw err;
          throw new ChannelKeyCacheError('key_cache_write_failed', `cannot delete the key cache of channel ${channelId}: ${(err as Error).message}`);
        }
      }),
    report,
  };
}
