/**
 * The device's side of the key backup (docs/protocol.md §18, docs/client.md "Recovery key"): makes and
 * rotates the recovery key, checks a typed one, and backs up every conversation key version this device
 * holds — as it receives or creates it (the key ring announces each held version) — sealed to the backup
 * public key (X-Wing: under this device's header, §18.10; X25519 HPKE for backups of earlier releases) and
 * signed by this device. The backup key is used only after its descriptor verified
 * under this account's identity key: a key service that swaps it (or rolls it back) gets nothing, and the
 * device reports `backup_key_changed`.
 */
import type { CryptoProvider } from '../../common/crypto/provider';
import { fromBase64Url, toBase64Url } from '../../common/encoding/base64url';
import { AppError } from '../../common/errors';
import { Emitter } from '../../common/events/emitter';
import type { ConversationId } from '../../common/ids';
import { verifyDeviceCertificate } from '../../common/protocol/deviceCertificate';
import { isProtocolError } from '../../common/protocol/errors';
import {
  createBackupDescriptor,
  createBackupEntry,
  createBackupEntryV2,
  createBackupHeader,
  derivedBackupKey,
  openBackupEntryV2,
  openBackupHeader,
  verifyBackupHeader,
  type BackupHeader,
  type BackupSealer,
  type RecoveryKeys,
  createRestoredWrap,
  openRestoredWrap,
  verifyRestoredWrap,
  type RestoredWrap,
  deriveRecoveryKeys,
  generateRecoveryKey,
  openBackupEntry,
  openIdentityBlob,
  parseRecoveryKey,
  RecoveryError,
  verifyBackupDescriptor,
  verifyBackupEntry,
  wipeRecoveryKeys,
  type BackupDescriptor,
  type BackupEntry,
} from '../../common/protocol/recovery';
import { MAX_BACKUP_ENTRIES_PER_REQUEST, type BackupAnswer } from '../../common/api/recoverySchemas';
import type { Conversations } from '../conversations';
import type { Identity } from '../enrol';
import { KeyServiceError } from '../errors';
import type { KeyRing } from '../keyRing';
import type { KeyServiceApi } from '../keyServiceApi';

/** What `restoreEntries` did. */
export interface RestoreOutcome {
  /** Conversation key versions now held from the backup. */
  readonly restored: number;
  /** Entries refused (not signed by a certified device of the account, or not opening): listed, never used. */
  readonly refused: number;
  /** Why entries were refused, by error code (`bad_signature`, `bad_tag`, `malformed`, `no_backup_header`…): for logs. */
  readonly refusals: Readonly<Record<string, number>>;
}

/** The backup key pairs a restore opens entries with (both suites: an upgraded backup holds X25519 entries too). */
export type BackupKeys = Pick<RecoveryKeys, 'backup' | 'backupXWing'>;

/** Where the newest verified backup version is kept. */
export interface BackupPin {
  get(): number;
  set(backupVersion: number): void;
  /** Whether this device was restored from the backup (it then has restored wraps to load). */
  restored(): boolean;
  markRestored(): void;
}

function memoryPin(): BackupPin {
  let version = 0;
  let restored = false;
  return {
    get: () => version,
    set: (v) => {
      version = v;
    },
    restored: () => restored,
    markRestored: () => {
      restored = true;
    },
  };
}

const entryKey = (backupVersion: number, conversationId: string, version: number) => `${backupVersion}#${conversationId}#${version}`;

export class KeyBackup {
  /** The verified current descriptor; `null`: the account has no backup; undefined: not fetched yet. */
  private descriptor: BackupDescriptor | null | undefined;
  private readonly queue = new Map<string, { conversationId: ConversationId; version: number }>();
  private readonly done = new Set<string>();
  /** Versions that came from the backup itself (restored): not backed up again as they enter the ring. */
  private readonly quiet = new Set<string>();
  private running: Promise<void> = Promise.resolve();
  private failure: AppError | undefined;
  private readonly failed = new Emitter<[error: AppError]>();
  private readonly unsubscribe: () => void;
  /** This device's header and its secret for an X-Wing backup version (made again, identically, after a restart). */
  private sealer: { backupVersion: number; sealer: Promise<BackupSealer> } | undefined;
  /** An upgrade to X-Wing started after a restore (`upgradeInBackground`). */
  private upgrading: Promise<void> = Promise.resolve();

  constructor(
    private readonly api: KeyServiceApi,
    private readonly provider: CryptoProvider,
    private readonly identity: Identity,
    private readonly ring: KeyRing,
    private readonly conversations: Conversations,
    /** The newest backup version this device verified (kept in the profile's state): a lower one served later is a rollback. */
    private readonly pin: BackupPin = memoryPin(),
  ) {
    this.unsubscribe = ring.onKey((conversationId, version) => {
      if (ring.holds(conversationId, version) && !this.quiet.has(`${conversationId}#${version}`)) this.enqueue(conversationId, version);
    });
  }

  /** `listener` hears a backup that failed (its code: `backup_key_changed`, a service refusal…). */
  onError(listener: (error: AppError) => void): () => void {
    return this.failed.event(listener);
  }

  close(): void {
    this.unsubscribe();
    this.queue.clear();
    void this.sealer?.sealer.then((x) => x.secret.fill(0)).catch(() => undefined);
    this.sealer = undefined;
  }

  /**
   * Makes a new recovery key (the first, or a rotation): publishes backup version n+1 with the identity key
   * encrypted under it, then backs up every key version this device holds under it. Answers the key's text,
   * to show to the user once; it is kept nowhere.
   */
  async createRecoveryKey(): Promise<{ recoveryKey: string; backupVersion: number }> {
    const current = await this.fetch();
    if (current !== null && current.descriptor.backupVersion < this.pin.get())
      throw this.changed('the key service serves an older backup than this device saw');
    const backupVersion = (current?.descriptor.backupVersion ?? 0) + 1;
    const { key, text } = await generateRecoveryKey(this.provider);
    const keys = await deriveRecoveryKeys(this.provider, key, this.identity.userId);
    key.fill(0);
    try {
      const descriptor = await createBackupDescriptor(this.provider, {
        userId: this.identity.userId,
        backupVersion,
        keys,
        account: this.identity.account,
        createdAt: Date.now(),
      });
      const answer = await this.api.request('putKeyBackup', { body: { descriptor } });
      await this.accept(answer);
    } finally {
      wipeRecoveryKeys(keys);
    }
    await this.backUpEverything();
    return { recoveryKey: text, backupVersion };
  }

  /**
   * Checks a typed recovery key against the account's current backup: a typo is `recovery_key_unreadable`
   * (no network), an earlier key `recovery_key_outdated`, any other `recovery_key_invalid`, no backup at all
   * `no_recovery_key` — nothing changes then. The right key of an X25519 backup (an earlier release's)
   * upgrades it to X-Wing in place with the same key (docs/protocol.md §18.10.5); answers the version after it.
   */
  async verifyRecoveryKey(typed: string): Promise<{ backupVersion: number }> {
    const key = await parseRecoveryKey(this.provider, typed);
    const current = await this.fetch();
    if (current === null) {
      key.fill(0);
      throw new RecoveryError('no_recovery_key', 'this account has no recovery key yet');
    }
    const keys = await deriveRecoveryKeys(this.provider, key, this.identity.userId);
    key.fill(0);
    try {
      checkBackupKey(keys, current);
      const seed = await openIdentityBlob(this.provider, current.descriptor, keys).catch(() => {
        throw new RecoveryError('recovery_key_invalid', 'this recovery key does not open the backup');
      });
      seed.fill(0);
      // The key is right and this device holds it now: an X25519 backup is upgraded to X-Wing in place (§18.10.5).
      const upgraded = await this.upgradeToXWing(keys);
      return { backupVersion: upgraded ?? current.descriptor.backupVersion };
    } finally {
      wipeRecoveryKeys(keys);
    }
  }

  /**
   * `upgradeToXWing` without waiting (after a restore, so the user reads at once); takes `keys` and wipes
   * them when done. A failure is heard through `onError` (and thrown by the next `flush`).
   */
  upgradeInBackground(keys: RecoveryKeys): void {
    this.upgrading = this.upgradeToXWing(keys)
      .then(
        () => undefined,
        (err: unknown) => {
          const error = err instanceof AppError ? err : new AppError('internal', err instanceof Error ? err.message : String(err), 'unavailable');
          this.failure = error;
          this.failed.fire(error);
        },
      )
      .finally(() => wipeRecoveryKeys(keys));
  }

  /**
   * Upgrades the account's X25519 backup to X-Wing with the same recovery key (§18.10.5): publishes backup
   * version n+1 with the X-Wing key derived from it and `legacy` naming version n, whose entries stay
   * readable (a lost device's keys are not lost), then backs up every key version this device holds under it.
   * Answers the new version, or undefined when the backup already is X-Wing. `keys` must be checked first.
   */
  async upgradeToXWing(keys: RecoveryKeys): Promise<number | undefined> {
    const current = await this.current();
    if (current === null || current.v === 2) return undefined;
    const descriptor = await createBackupDescriptor(this.provider, {
      userId: this.identity.userId,
      backupVersion: current.backupVersion + 1,
      keys,
      account: this.identity.account,
      createdAt: Date.now(),
      legacy: { backupVersion: current.backupVersion, backupKey: current.backupKey },
    });
    await this.accept(await this.api.request('putKeyBackup', { body: { descriptor } }));
    await this.backUpEverything();
    return descriptor.backupVersion;
  }

  /** The current backup version this device verified (null: none). */
  async backupVersion(): Promise<number | null> {
    return (await this.current())?.backupVersion ?? null;
  }

  /** Waits until every queued key version is backed up (and a background upgrade is done); throws the last failure (then forgets it). */
  async flush(): Promise<void> {
    await this.upgrading;
    return this.settle();
  }

  /** Waits until every queued key version is backed up; throws the last failure (then forgets it). */
  private async settle(): Promise<void> {
    for (;;) {
      const running = this.running;
      await running;
      if (running === this.running) break;
    }
    const failure = this.failure;
    this.failure = undefined;
    if (failure) throw failure;
  }

  /** Backs up every version of every conversation this device can read (after a new recovery key). */
  async backUpEverything(): Promise<void> {
    for (const c of await this.conversations.list()) {
      await this.ring.fetchAll(c.conversationId).catch(() => 0);
      for (const version of this.ring.heldVersions(c.conversationId)) this.enqueue(c.conversationId, version);
    }
    await this.settle();
  }

  /**
   * Restore (a new device of the account, just registered): reads every entry of the backup, keeps those
   * signed by a device the account certified and that open with the backup key, and puts their keys in the
   * key ring. Entries that fail are counted, never used.
   */
  async restoreEntries(descriptor: BackupDescriptor, backup: BackupKeys): Promise<RestoreOutcome> {
    this.descriptor = descriptor;
    if (descriptor.backupVersion > this.pin.get()) this.pin.set(descriptor.backupVersion);
    const signers = await this.accountDeviceKeys();
    const refusals: Record<string, number> = {};
    const headers = descriptor.v === 2 ? await this.headerSecrets(descriptor, backup, signers, refusals) : new Map<string, HeaderSecret>();
    const fetchPage = (after: number) => this.api.request('listBackupEntries', { query: { after, limit: 500 } });
    let restored = 0;
    let refused = 0;
    const keep: RestoredWrap[] = [];
    // Page by page, the next page is asked for while this one is opened; a page's entries are verified,
    // opened and wrapped again together (their signature checks reach the provider in one batch, which
    // shares them with worker threads), then applied to the key ring in the backup's order.
    let next: ReturnType<typeof fetchPage> | null = fetchPage(0);
    while (next !== null) {
      const page: Awaited<ReturnType<typeof fetchPage>> = await next;
      if (page.backupVersion !== descriptor.backupVersion) throw this.changed('the backup entries are of another backup version than its descriptor');
      next = page.nextAfter === null ? null : fetchPage(page.nextAfter);
      // A failed page request left behind must not surface as an unhandled rejection if this page throws.
      next?.catch(() => undefined);
      const opened = await this.openEntries(page.entries, descriptor, backup, signers, headers);
      for (const o of opened) {
        if ('refused' in o) {
          refused += 1;
          refusals[o.refused] = (refusals[o.refused] ?? 0) + 1;
          continue;
        }
        const { entry, key, wrap } = o;
        const conversationId = entry.conversationId as ConversationId;
        this.done.add(entryKey(descriptor.backupVersion, conversationId, entry.version));
        this.quiet.add(`${conversationId}#${entry.version}`);
        keep.push(wrap);
        if (!this.ring.holds(conversationId, entry.version)) {
          this.ring.remember(conversationId, entry.version, key, { membership: entry.membership, memberDevices: [], acceptedAt: entry.acceptedAt });
          restored += 1;
        } else key.fill(0);
      }
    }
    this.pin.markRestored();
    for (let i = 0; i < keep.length; i += MAX_BACKUP_ENTRIES_PER_REQUEST) {
      await this.api.request('addRestoredWraps', { body: { wraps: keep.slice(i, i + MAX_BACKUP_ENTRIES_PER_REQUEST) } });
    }
    for (const h of headers.values()) void h.secret.then((x) => x.fill(0)).catch(() => undefined);
    return { restored, refused, refusals };
  }

  /**
   * The verified device headers of an X-Wing backup version, by device, each decapsulated at most once and
   * only when an entry needs it. A header refused (not of a certified device of the account, not this
   * version, malformed) is counted and left out: its device's entries are then `no_backup_header`.
   */
  private async headerSecrets(
    descriptor: BackupDescriptor,
    backup: BackupKeys,
    signers: ReadonlyMap<string, Uint8Array>,
    refusals: Record<string, number>,
  ): Promise<Map<string, HeaderSecret>> {
    const answer = await this.api.request('listBackupHeaders');
    if (answer.backupVersion !== descriptor.backupVersion) throw this.changed('the backup headers are of another backup version than its descriptor');
    const out = new Map<string, HeaderSecret>();
    const provider = this.provider;
    for (const input of answer.headers) {
      let header: BackupHeader;
      try {
        header = await verifyBackupHeader(this.provider, input, {
          userId: this.identity.userId,
          backupVersion: descriptor.backupVersion,
          deviceEd25519: (id) => signers.get(id),
        });
      } catch (err) {
        if (!isProtocolError(err)) throw err;
        refusals[`header_${err.code}`] = (refusals[`header_${err.code}`] ?? 0) + 1;
        continue;
      }
      if (out.has(header.deviceId)) continue;
      let secret: Promise<Uint8Array> | undefined;
      out.set(header.deviceId, {
        header,
        get secret() {
          secret ??= openBackupHeader(provider, header, backup.backupXWing);
          return secret;
        },
      });
    }
    return out;
  }

  /**
   * A page of backup entries verified, opened and wrapped again to this device, all at once; in the page's
   * order, null for an entry refused (not signed by a certified device of the account, or not opening).
   * Any other failure wipes every key the page opened before it is thrown.
   */
  private async openEntries(
    inputs: readonly unknown[],
    descriptor: BackupDescriptor,
    backup: BackupKeys,
    signers: ReadonlyMap<string, Uint8Array>,
    headers: ReadonlyMap<string, HeaderSecret>,
  ): Promise<({ entry: BackupEntry; key: Uint8Array; wrap: RestoredWrap } | { refused: string })[]> {
    // Which entries this version takes (§18.10.5): its own suite; an X-Wing version that upgraded an X25519
    // one in place also takes that version's X25519 entries, opened with the X25519 key of the same recovery key.
    const legacy = descriptor.v === 2 ? descriptor.legacy : undefined;
    const settled = await Promise.allSettled(
      inputs.map(async (input) => {
        let entry: BackupEntry;
        let key: Uint8Array;
        try {
          const v = (input as { v?: unknown }).v;
          const entryVersion = v === 1 && legacy !== undefined ? legacy.backupVersion : descriptor.backupVersion;
          if (v === 1 && descriptor.v === 2 && legacy === undefined) return { refused: 'suite_downgrade' };
          entry = await verifyBackupEntry(this.provider, input as Parameters<typeof verifyBackupEntry>[1], {
            userId: this.identity.userId,
            backupVersion: entryVersion,
            deviceEd25519: (id) => signers.get(id),
          });
          if (entry.v === 2) {
            if (descriptor.v !== 2) return { refused: 'unsupported_suite' };
            const h = headers.get(entry.addedByDevice);
            if (h === undefined) return { refused: 'no_backup_header' };
            key = await openBackupEntryV2(this.provider, entry, h.header, await h.secret);
          } else {
            key = await openBackupEntry(this.provider, entry, backup.backup);
          }
        } catch (err) {
          if (isProtocolError(err)) return { refused: err.code };
          throw err;
        }
        try {
          return { entry, key, wrap: await this.restoredWrap(entry.conversationId as ConversationId, entry.version, key, entry.membership, entry.acceptedAt) };
        } catch (err) {
          key.fill(0);
          throw err;
        }
      }),
    );
    const failure = settled.find((r) => r.status === 'rejected');
    if (failure !== undefined) {
      for (const r of settled) if (r.status === 'fulfilled' && !('refused' in r.value)) r.value.key.fill(0);
      throw failure.reason;
    }
    return settled.map((r) => (r.status === 'fulfilled' ? r.value : { refused: 'internal' }));
  }

  /**
   * On every sign-in of this device: the key versions it restored from the backup earlier, kept by the key
   * service wrapped to this device's own key and signed by it (§18.5 step 7), go back into the key ring.
   * A wrap not signed by this device, or not opening with its key, is ignored. Answers how many were kept.
   * A device that was never restored asks nothing.
   */
  async loadRestoredWraps(): Promise<number> {
    if (!this.pin.restored()) return 0;
    const device = this.identity.device;
    let loaded = 0;
    let after = 0;
    for (;;) {
      const page = await this.api.request('listRestoredWraps', { query: { after, limit: 500 } });
      for (const input of page.wraps) {
        let key: Uint8Array;
        let w: RestoredWrap;
        try {
          w = await verifyRestoredWrap(this.provider, input, {
            userId: this.identity.userId,
            deviceId: this.identity.deviceId,
            ed25519PublicKey: device.ed25519.publicKey,
          });
          key = await openRestoredWrap(this.provider, w, {
            deviceId: this.identity.deviceId,
            x25519PrivateKey: device.x25519.privateKey,
            x25519PublicKey: device.x25519.publicKey,
            ed25519PrivateKey: device.ed25519.privateKey,
          });
        } catch (err) {
          if (isProtocolError(err)) continue;
          throw err;
        }
        const conversationId = w.conversationId as ConversationId;
        this.quiet.add(`${conversationId}#${w.version}`);
        if (this.ring.holds(conversationId, w.version)) key.fill(0);
        else {
          this.ring.remember(conversationId, w.version, key, { membership: w.membership, memberDevices: [], acceptedAt: w.acceptedAt });
          loaded += 1;
        }
      }
      if (page.nextAfter === null) return loaded;
      after = page.nextAfter;
    }
  }

  private restoredWrap(
    conversationId: ConversationId,
    version: number,
    key: Uint8Array,
    membership: RestoredWrap['membership'],
    acceptedAt: number,
  ): Promise<RestoredWrap> {
    return createRestoredWrap(this.provider, {
      userId: this.identity.userId,
      device: {
        deviceId: this.identity.deviceId,
        x25519PublicKey: this.identity.device.x25519.publicKey,
        ed25519PrivateKey: this.identity.device.ed25519.privateKey,
      },
      conversationId,
      version,
      key,
      membership,
      acceptedAt,
    });
  }

  /** Ed25519 keys of every device the account certified (revoked ones too: their entries predate it). */
  private async accountDeviceKeys(): Promise<Map<string, Uint8Array>> {
    const { devices } = await this.api.request('listUserDevices', { params: { userId: this.identity.userId }, query: { include: 'revoked' } });
    const keys = new Map<string, Uint8Array>();
    for (const d of devices) {
      const cert = await verifyDeviceCertificate(this.provider, d.certificate, {
        userId: this.identity.userId,
        accountKey: this.identity.account.publicKey,
      }).catch(() => undefined);
      if (cert) keys.set(cert.deviceId, fromBase64Url(cert.ed25519));
    }
    return keys;
  }

  private enqueue(conversationId: ConversationId, version: number): void {
    this.queue.set(`${conversationId}#${version}`, { conversationId, version });
    this.running = this.running.then(() =>
      this.drain().catch((err: unknown) => {
        const error = err instanceof AppError ? err : new AppError('internal', err instanceof Error ? err.message : String(err), 'unavailable');
        this.failure = error;
        this.failed.fire(error);
      }),
    );
  }

  private async drain(): Promise<void> {
    while (this.queue.size > 0) {
      const descriptor = await this.current();
      if (descriptor === null) {
        this.queue.clear();
        return;
      }
      const batch = [...this.queue.entries()].slice(0, MAX_BACKUP_ENTRIES_PER_REQUEST);
      const entries: BackupEntry[] = [];
      // An X-Wing version: this device's header is on the key service before its first entry (§18.10.2).
      const sealer = descriptor.v === 2 ? await this.sealerFor(descriptor).catch((err: unknown) => this.staleOr(err)) : undefined;
      if (sealer === null) continue;
      for (const [id, { conversationId, version }] of batch) {
        this.queue.delete(id);
        if (this.done.has(entryKey(descriptor.backupVersion, conversationId, version))) continue;
        const key = this.ring.held(conversationId, version);
        if (key === undefined) continue;
        try {
          const facts = this.ring.facts(conversationId, version);
          entries.push(
            sealer !== undefined
              ? await createBackupEntryV2(this.provider, {
                  sealer,
                  conversationId,
                  version,
                  key,
                  membership: facts?.membership,
                  acceptedAt: facts?.acceptedAt ?? Date.now(),
                  signingPrivateKey: this.identity.device.ed25519.privateKey,
                })
              : await createBackupEntry(this.provider, {
                  userId: this.identity.userId,
                  descriptor,
                  conversationId,
                  version,
                  key,
                  membership: facts?.membership,
                  acceptedAt: facts?.acceptedAt ?? Date.now(),
                  deviceId: this.identity.deviceId,
                  signingPrivateKey: this.identity.device.ed25519.privateKey,
                }),
          );
        } finally {
          key.fill(0);
        }
      }
      if (entries.length === 0) continue;
      try {
        await this.api.request('addBackupEntries', { body: { entries } });
        for (const e of entries) this.done.add(entryKey(e.backupVersion, e.conversationId, e.version));
      } catch (err) {
        if (!(err instanceof KeyServiceError && err.code === 'backup_version_stale')) {
          for (const e of entries)
            this.queue.set(`${e.conversationId}#${e.version}`, { conversationId: e.conversationId as ConversationId, version: e.version });
          throw err;
        }
        // Another device rotated the recovery key: verify the new descriptor, then back up everything held under it.
        this.descriptor = undefined;
        for (const c of [...new Set(entries.map((e) => e.conversationId as ConversationId))]) {
          for (const version of this.ring.heldVersions(c)) this.queue.set(`${c}#${version}`, { conversationId: c, version });
        }
      }
    }
  }

  /**
   * This device's header for an X-Wing backup version, put on the key service once (the same header again
   * after a restart: its encapsulation is derived from the device's key, §18.10.2), and its secret.
   */
  private sealerFor(descriptor: BackupDescriptor): Promise<BackupSealer> {
    if (this.sealer?.backupVersion === descriptor.backupVersion) return this.sealer.sealer;
    void this.sealer?.sealer.then((x) => x.secret.fill(0)).catch(() => undefined);
    const sealer = (async () => {
      const made = await createBackupHeader(this.provider, {
        userId: this.identity.userId,
        descriptor,
        deviceId: this.identity.deviceId,
        signingPrivateKey: this.identity.device.ed25519.privateKey,
      });
      try {
        await this.api.request('putBackupHeader', { body: { header: made.header } });
      } catch (err) {
        made.secret.fill(0);
        throw err;
      }
      return made;
    })();
    this.sealer = { backupVersion: descriptor.backupVersion, sealer };
    sealer.catch(() => {
      if (this.sealer?.sealer === sealer) this.sealer = undefined;
    });
    return sealer;
  }

  /** A header refused as stale (another device rotated the recovery key): fetch the new descriptor and go on (null); else throw. */
  private staleOr(err: unknown): null {
    if (err instanceof KeyServiceError && err.code === 'backup_version_stale') {
      this.descriptor = undefined;
      return null;
    }
    throw err;
  }

  /** The verified current descriptor (fetched once, again after a rotation elsewhere). */
  private async current(): Promise<BackupDescriptor | null> {
    if (this.descriptor === undefined) this.descriptor = (await this.fetch())?.descriptor ?? null;
    return this.descriptor;
  }

  /** Fetches and verifies the descriptor under this account's identity key; null when the account has none. */
  private async fetch(): Promise<BackupAnswer | null> {
    let answer: BackupAnswer;
    try {
      answer = await this.api.request('getKeyBackup');
    } catch (err) {
      if (err instanceof KeyServiceError && err.code === 'no_backup') {
        if (this.pin.get() > 0) throw this.changed('the key service no longer serves the backup this device saw');
        return null;
      }
      throw err;
    }
    return this.accept(answer);
  }

  private async accept(answer: BackupAnswer): Promise<BackupAnswer> {
    try {
      await verifyBackupDescriptor(this.provider, answer.descriptor, { userId: this.identity.userId, accountKey: this.identity.account.publicKey });
    } catch (err) {
      if (isProtocolError(err)) throw this.changed(`the backup key is not signed by this account (${err.code})`);
      throw err;
    }
    if (answer.descriptor.backupVersion < this.pin.get()) throw this.changed('the key service serves an older backup than this device saw');
    if (answer.descriptor.backupVersion !== this.pin.get()) this.pin.set(answer.descriptor.backupVersion);
    this.descriptor = answer.descriptor;
    return answer;
  }

  private changed(detail: string): RecoveryError {
    return new RecoveryError('backup_key_changed', `the key backup changed without this account's signature; nothing was backed up (${detail})`);
  }
}

/** A device header of a restore and its secret, decapsulated on first use. */
interface HeaderSecret {
  readonly header: BackupHeader;
  readonly secret: Promise<Uint8Array>;
}

/**
 * Compares the backup key derived from a typed recovery key (of the suite the current descriptor names)
 * with the current one and the earlier ones (of either suite): outdated or invalid when it is not the current.
 */
export function checkBackupKey(keys: Pick<RecoveryKeys, 'backup' | 'backupXWing'>, answer: BackupAnswer): void {
  if (toBase64Url(derivedBackupKey(keys, answer.descriptor)) === answer.descriptor.backupKey) return;
  const mine = [toBase64Url(keys.backup.publicKey), toBase64Url(keys.backupXWing.publicKey)];
  if (answer.previous.some((p) => mine.includes(p.backupKey))) {
    throw new RecoveryError('recovery_key_outdated', 'this recovery key was replaced by a newer one; use the newest recovery key');
  }
  throw new RecoveryError('recovery_key_invalid', 'this recovery key is not the key of this account');
}
