/**
 * The key ring (issue 6, "Key ring"): conversation key versions this device holds, cached by
 * (conversation, version). A version is fetched from the key service, verified (docs/protocol.md §6.4:
 * record signature, signer certified under its user's pinned key, membership, this device's wrap digest
 * — or, for a wrap added later, its grant chain, §6.5, refused as `uncovered_wrap` without one) and unwrapped; old versions stay for history. Unknown versions are fetched lazily (`request`), a
 * rotation notice prefetches (`prefetch`), and a version this device has no wrap of yet is retried until
 * it arrives. A version that fails verification is remembered as refused (listeners hear of it too, so
 * envelopes waiting for it are re-opened and shown as rejected). Key bytes never leave this module except to the envelope sealer/opener in the core.
 */
import type { CryptoProvider } from '../common/crypto/provider';
import { AppError } from '../common/errors';
import type { ConversationId, DeviceId } from '../common/ids';
import { isProtocolError, MemberMismatchError } from '../common/protocol/errors';
import { unwrapConversationKey } from '../common/protocol/keyVersionRecord';
import { verifyDeviceKeyVersion } from '../common/protocol/keyVersionVerify';
import { granterResolver } from './granters';
import type { Directory } from './directory';
import { KeyServiceError } from './errors';
import type { KeyServiceApi } from './keyServiceApi';

interface FetchedVersion {
  readonly conversationId: string;
  readonly version: number;
  readonly acceptedAt: number;
  readonly record: unknown;
  readonly wrap: unknown;
  readonly addedByDevice: string;
  readonly grants?: unknown;
}

export type KeyListener = (conversationId: ConversationId, version: number) => void;

/** The identity of this device, as the key ring needs it. */
export interface RingDevice {
  readonly deviceId: DeviceId;
  readonly x25519PrivateKey: Uint8Array;
  readonly x25519PublicKey: Uint8Array;
}

const RETRY_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

/**
 * The users whose devices a version may wrap to, when the caller knows them: for the conversation's
 * current version, its current members (undefined for older versions or while a rotation is due).
 */
export type AllowedMembers = (conversationId: ConversationId, version: number) => Promise<ReadonlySet<string> | undefined>;

export class KeyRing {
  private readonly keys = new Map<string, Uint8Array>();
  private readonly inFlight = new Map<string, Promise<Uint8Array | undefined>>();
  private readonly retries = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly attempts = new Map<string, number>();
  private readonly failures = new Map<string, { code: string; message: string }>();
  private readonly listeners = new Set<KeyListener>();
  private closed = false;

  constructor(
    private readonly api: KeyServiceApi,
    private readonly provider: CryptoProvider,
    private readonly directory: Directory,
    private readonly device: RingDevice,
    private readonly allowedMembers: AllowedMembers = async () => undefined,
  ) {}

  private static id(conversationId: string, version: number): string {
    return `${conversationId}#${version}`;
  }

  /** The held key of a version, if any (no network). */
  held(conversationId: ConversationId, version: number): Uint8Array | undefined {
    return this.keys.get(KeyRing.id(conversationId, version));
  }

  /** Why a version was refused (it failed verification), if it was: such a version is never retried. */
  failure(conversationId: ConversationId, version: number): { code: string; message: string } | undefined {
    return this.failures.get(KeyRing.id(conversationId, version));
  }

  /** Keeps a key this device created itself (a rotation it submitted). */
  remember(conversationId: ConversationId, version: number, key: Uint8Array): void {
    this.store(conversationId, version, key);
  }

  /** The key of a version: held, or fetched and verified now. Throws the service's or the protocol's error. */
  async get(conversationId: ConversationId, version: number): Promise<Uint8Array> {
    const held = this.held(conversationId, version);
    if (held) return held;
    const fetched = await this.api.request('getKeyVersion', { params: { conversationId, version } });
    return this.accept(conversationId, fetched);
  }

  /**
   * Lazy fetch for an envelope that needs a version: starts (or joins) a fetch in the background; when the
   * device has no wrap yet it retries with backoff. Listeners hear when the key arrives.
   */
  request(conversationId: ConversationId, version: number): void {
    const id = KeyRing.id(conversationId, version);
    if (this.keys.has(id) || this.inFlight.has(id) || this.retries.has(id) || this.failures.has(id) || this.closed) return;
    const attempt = this.get(conversationId, version).then(
      (key) => key,
      (err: unknown) => {
        if (this.closed) return undefined;
        if (isRetryable(err)) this.scheduleRetry(conversationId, version);
        else if (isProtocolError(err)) {
          this.failures.set(id, { code: err.code, message: err.message });
          for (const l of this.listeners) l(conversationId, version);
        }
        return undefined;
      },
    );
    this.inFlight.set(id, attempt);
    void attempt.finally(() => this.inFlight.delete(id));
  }

  private scheduleRetry(conversationId: ConversationId, version: number): void {
    const id = KeyRing.id(conversationId, version);
    const attempt = this.attempts.get(id) ?? 0;
    this.attempts.set(id, attempt + 1);
    const timer = setTimeout(() => {
      this.retries.delete(id);
      this.request(conversationId, version);
    }, RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]);
    timer.unref?.();
    this.retries.set(id, timer);
  }

  /**
   * After a rotation or wraps notice: fetch every version after the newest held one, and retry waiting ones
   * now (a wrap added for an older version, e.g. history shared with this device, reaches an envelope that
   * waits for it this way). Versions already held are not downloaded again — in a 1,000-member group each
   * one's public record is ~120 KiB. Returns how many versions the fetch listed.
   */
  async prefetch(conversationId: ConversationId): Promise<number> {
    for (const [id, timer] of this.retries) {
      if (id.startsWith(`${conversationId}#`)) {
        clearTimeout(timer);
        this.retries.delete(id);
        this.request(conversationId, Number(id.slice(conversationId.length + 1)));
      }
    }
    return this.fetchAfter(conversationId, this.heldVersions(conversationId).at(-1) ?? 0);
  }

  /** Fetches every version this device is entitled to (paged); returns how many the service listed. */
  fetchAll(conversationId: ConversationId): Promise<number> {
    return this.fetchAfter(conversationId, 0);
  }

  private async fetchAfter(conversationId: ConversationId, from: number): Promise<number> {
    let after = from;
    let count = 0;
    for (;;) {
      const page = await this.api.request('listKeyVersions', { params: { conversationId }, query: { after, limit: 200 } });
      for (const v of page.versions) {
        if (!this.held(conversationId, v.version)) await this.accept(conversationId, v);
        count += 1;
      }
      if (page.nextAfter === null) return count;
      after = page.nextAfter;
    }
  }

  /** Versions held for a conversation, ascending. */
  heldVersions(conversationId: ConversationId): number[] {
    const prefix = `${conversationId}#`;
    return [...this.keys.keys()]
      .filter((k) => k.startsWith(prefix))
      .map((k) => Number(k.slice(prefix.length)))
      .sort((a, b) => a - b);
  }

  onKey(listener: KeyListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.retries.values()) clearTimeout(timer);
    this.retries.clear();
    this.listeners.clear();
  }

  private async accept(conversationId: ConversationId, fetched: FetchedVersion): Promise<Uint8Array> {
    const signerId = (fetched.record as { createdByDevice?: unknown } | null)?.createdByDevice;
    const signer = await this.directory.device(typeof signerId === 'string' ? signerId : '');
    const verified = await verifyDeviceKeyVersion(
      this.provider,
      { record: fetched.record, wrap: fetched.wrap, grants: fetched.grants },
      {
        conversationId,
        version: fetched.version,
        signerCertificate: signer.certificate,
        signerAccountKey: await this.directory.trustedAccountKey(signer.userId),
        deviceId: this.device.deviceId,
        resolveGranter: granterResolver(this.api, this.directory, conversationId, fetched.record),
      },
    );
    await this.checkMembers(conversationId, verified.record.version, verified.record.memberDevices);
    const key = await unwrapConversationKey(this.provider, verified.record, verified.wrap, {
      deviceId: this.device.deviceId,
      x25519PrivateKey: this.device.x25519PrivateKey,
      x25519PublicKey: this.device.x25519PublicKey,
    });
    this.store(conversationId, fetched.version, key);
    return key;
  }

  /**
   * Every member device is certified under its user's pinned key and, when known, belongs to a member.
   * The devices not checked before come from one directory lookup; a lookup that fails (network, service)
   * is thrown as is, so the version is retried rather than refused.
   */
  private async checkMembers(conversationId: ConversationId, version: number, memberDevices: readonly string[]): Promise<void> {
    const allowed = await this.allowedMembers(conversationId, version);
    const { devices, failures } = await this.directory.devicesById(memberDevices);
    for (const deviceId of memberDevices) {
      const d = devices.get(deviceId);
      if (d === undefined) {
        const why = failures.get(deviceId)?.message ?? 'not in the directory';
        throw new MemberMismatchError(`member device ${deviceId} of ${conversationId}#${version} is not certified: ${why}`);
      }
      if (allowed && !allowed.has(d.userId)) throw new MemberMismatchError(`member device ${deviceId} of ${conversationId}#${version} belongs to ${d.userId}, who is not a member`);
    }
  }

  private store(conversationId: ConversationId, version: number, key: Uint8Array): void {
    const id = KeyRing.id(conversationId, version);
    if (this.keys.has(id)) return;
    this.keys.set(id, key);
    this.attempts.delete(id);
    for (const l of this.listeners) l(conversationId, version);
  }
}

/** No wrap yet (404 no_wrap), a transient service failure, or the network (unreachable, timed out): worth retrying. */
function isRetryable(err: unknown): boolean {
  if (err instanceof KeyServiceError) return err.code === 'no_wrap' || err.status >= 500 || err.status === 429;
  return err instanceof AppError && err.category === 'transport';
}
