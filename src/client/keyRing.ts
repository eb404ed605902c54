/**
 * The key ring (docs/client.md, "Key ring"): the conversation key versions this device holds, by
 * (conversation, version), each in one state of `keyVersionState.ts` — held, fetching, waiting for its
 * wrap, or refused. A version is fetched from the key service and accepted by the pure step of
 * docs/protocol.md §6.4 (`acceptKeyVersion`: record signature, signer certified under its user's pinned
 * key, this device's wrap digest or grant chain, member devices, unwrap); this file supplies the network
 * parts (directory, granters, allowed members). Old versions stay for history. Unknown versions are
 * fetched lazily (`request`), a rotation notice prefetches (`prefetch`), and a version this device has no
 * wrap of yet is fetched again with backoff until it arrives. A version that fails verification is
 * refused for good (listeners hear of it too, so envelopes waiting for it are re-opened and shown as
 * rejected).
 *
 * A version the key service made (server-trusted custody, docs/protocol.md §19.4: the fetch answers 409
 * `server_made_version`) has no signed record; it is taken only through `serverKeys`, which checks that this
 * device accepted server-made keys (`server_key_refused` otherwise, src/client/serverKeys.ts); a background
 * fetch so refused waits, without asking again, until the user accepts (`retryAwaitingConsent`).
 *
 * Key bytes: the ring owns every held key and zeroes it when the conversation is forgotten (`forget`) and
 * on `close`. What `held` and `get` answer is a copy the caller owns (and zeroes after its seal or open),
 * so evicting a key never pulls it from under an operation in progress.
 */
import type { CryptoProvider } from '../common/crypto/provider';
import { Emitter } from '../common/events/emitter';
import { AppError } from '../common/errors';
import type { ConversationId, DeviceId } from '../common/ids';
import { acceptKeyVersion, type SignerInfo } from '../common/protocol/acceptKeyVersion';
import { isProtocolError } from '../common/protocol/errors';
import { granterResolver } from './granters';
import type { Directory } from './directory';
import { KeyServiceError } from './errors';
import { ServerKeyRefusedError } from './custody';
import type { KeyServiceApi } from './keyServiceApi';
import type { MembershipHead } from '../common/protocol/membershipHead';
import type { PublicKeyVersionRecord } from '../common/protocol/keyVersionRecord';
import { isAnnounced, release, retryDelay, type Fetching, type VersionFacts, type VersionState, type WaitingForWrap } from './keyVersionState';

export type { VersionFacts } from './keyVersionState';

interface FetchedVersion {
  readonly conversationId: string;
  readonly version: number;
  readonly acceptedAt: number;
  readonly record: unknown;
  readonly wrap: unknown;
  readonly addedByDevice: string;
  readonly grants?: unknown;
}

/** Fetches and opens a version the key service made, for this device (src/client/serverKeys.ts). */
export type ServerKeySource = (conversationId: ConversationId, version: number) => Promise<{ key: Uint8Array; facts: VersionFacts }>;

export type KeyListener = (conversationId: ConversationId, version: number) => void;

/** The identity of this device, as the key ring needs it. */
export interface RingDevice {
  readonly deviceId: DeviceId;
  readonly x25519PrivateKey: Uint8Array;
  readonly x25519PublicKey: Uint8Array;
}

/**
 * The users whose devices a version may wrap to, when the caller knows them: the members at the membership
 * head the record names, on the chain this device verified (undefined to skip the check, e.g. a version
 * made before chains existed); throws `membership_fork` for a head that is not on that chain.
 */
export type AllowedMembers = (conversationId: ConversationId, record: PublicKeyVersionRecord) => Promise<ReadonlySet<string> | undefined>;

/** The versions of one conversation; replaced as a whole when the conversation is forgotten. */
type Versions = Map<number, VersionState>;

export class KeyRing {
  private readonly conversations = new Map<ConversationId, Versions>();
  private readonly listeners = new Emitter<Parameters<KeyListener>>();
  private closed = false;

  constructor(
    private readonly api: KeyServiceApi,
    private readonly provider: CryptoProvider,
    private readonly directory: Directory,
    private readonly device: RingDevice,
    private readonly allowedMembers: AllowedMembers = async () => undefined,
    private readonly serverKeys: ServerKeySource = async () => {
      throw new ServerKeyRefusedError('not_accepted');
    },
  ) {}

  /** A copy of the held key of a version, if any (no network); the caller owns the copy. */
  held(conversationId: ConversationId, version: number): Uint8Array | undefined {
    return this.heldKey(conversationId, version)?.slice();
  }

  /** Whether the key of a version is held (no copy made). */
  holds(conversationId: ConversationId, version: number): boolean {
    return this.heldKey(conversationId, version) !== undefined;
  }

  /** Why a version was refused (it failed verification), if it was: such a version is never retried. */
  failure(conversationId: ConversationId, version: number): { code: string; message: string } | undefined {
    const state = this.stateOf(conversationId, version);
    return state?.kind === 'refused' ? { code: state.code, message: state.message } : undefined;
  }

  /** Keeps a key this device created itself (a rotation it submitted). The ring owns `key` from now on. */
  remember(conversationId: ConversationId, version: number, key: Uint8Array, facts: VersionFacts): void {
    if (!this.keep(this.versionsOf(conversationId), conversationId, version, key, facts)) key.fill(0);
  }

  /** What the verified record of a held version said (membership head, member devices, acceptance time). */
  facts(conversationId: ConversationId, version: number): VersionFacts | undefined {
    const state = this.stateOf(conversationId, version);
    return state?.kind === 'held' ? state.facts : undefined;
  }

  /** The membership head a held version was made for (undefined: not held, or made before chains existed). */
  membershipOf(conversationId: ConversationId, version: number): MembershipHead | undefined {
    return this.facts(conversationId, version)?.membership;
  }

  /**
   * The key of a version — a copy of the held one, or fetched and verified now (after a background fetch
   * under way, if it did not end with the key). Throws the service's or the protocol's error (a record of
   * another version than asked is `wrong_key_version`).
   */
  async get(conversationId: ConversationId, version: number): Promise<Uint8Array> {
    const inFlight = this.stateOf(conversationId, version);
    if (inFlight?.kind === 'fetching') await inFlight.fetch;
    const versions = this.versionsOf(conversationId);
    const held = this.held(conversationId, version);
    if (held) return held;
    const fetched = await this.api.request('getKeyVersion', { params: { conversationId, version } }).catch((err: unknown) => {
      if (err instanceof KeyServiceError && err.code === 'server_made_version') return undefined;
      throw err;
    });
    if (fetched === undefined) return this.acceptServerMade(versions, conversationId, version);
    return this.accept(versions, conversationId, version, fetched);
  }

  /**
   * Lazy fetch for an envelope that needs a version: starts a fetch in the background unless the version
   * is held, being fetched, waiting for its wrap or refused; when the device has no wrap yet it fetches
   * again with backoff. Listeners hear when the key arrives (or the version is refused).
   */
  request(conversationId: ConversationId, version: number): void {
    if (this.closed || this.stateOf(conversationId, version) !== undefined) return;
    this.startFetch(conversationId, version, 0);
  }

  /**
   * After a rotation or wraps notice: fetch every version after the newest held one, and fetch waiting ones
   * now (a wrap added for an older version, e.g. history shared with this device, reaches an envelope that
   * waits for it this way). Versions already held are not downloaded again — in a 1,000-member group each
   * one's public record is ~120 KiB. Returns how many versions the fetch listed.
   *
   * `announced` is the version a `key_version` notice names. The listing holds only versions with a wrap
   * for this device, so a version the key service made (server-trusted custody, docs/protocol.md §19.4),
   * which has none, is fetched by its number here — once, in the background, like `request` — instead of
   * with the first message under it. A notice naming a version that does not exist costs one refused fetch.
   */
  async prefetch(conversationId: ConversationId, announced?: number): Promise<number> {
    for (const [version, state] of this.conversations.get(conversationId) ?? []) {
      if (state.kind === 'waiting-for-wrap') this.startFetch(conversationId, version, state.attempts);
    }
    const listed = await this.fetchAfter(conversationId, this.heldVersions(conversationId).at(-1) ?? 0);
    if (announced !== undefined) this.request(conversationId, announced);
    return listed;
  }

  /** Fetches every version this device is entitled to (paged); returns how many the service listed. */
  fetchAll(conversationId: ConversationId): Promise<number> {
    return this.fetchAfter(conversationId, 0);
  }

  private async fetchAfter(conversationId: ConversationId, from: number): Promise<number> {
    const versions = this.versionsOf(conversationId);
    let after = from;
    let count = 0;
    for (;;) {
      const page = await this.api.request('listKeyVersions', { params: { conversationId }, query: { after, limit: 200 } });
      for (const v of page.versions) {
        if (!this.holds(conversationId, v.version)) (await this.accept(versions, conversationId, v.version, v)).fill(0);
        count += 1;
      }
      if (page.nextAfter === null) return count;
      after = page.nextAfter;
    }
  }

  /** Versions held for a conversation, ascending. */
  heldVersions(conversationId: ConversationId): number[] {
    return [...(this.conversations.get(conversationId) ?? [])]
      .filter(([, state]) => state.kind === 'held')
      .map(([version]) => version)
      .sort((a, b) => a - b);
  }

  /** The user accepted server-made keys (docs/protocol.md §19.4): fetch the versions that waited for it now. */
  retryAwaitingConsent(): void {
    for (const [conversationId, versions] of this.conversations) {
      for (const [version, state] of versions) if (state.kind === 'awaiting-consent') this.startFetch(conversationId, version, 0);
    }
  }

  onKey(listener: KeyListener): () => void {
    return this.listeners.event(listener);
  }

  /**
   * Evicts a conversation this device no longer reads (it left or was removed): its held keys are zeroed,
   * its retries stopped, its refusals forgotten. A fetch still under way for it is not kept when it ends.
   */
  forget(conversationId: ConversationId): void {
    const versions = this.conversations.get(conversationId);
    if (versions === undefined) return;
    this.conversations.delete(conversationId);
    for (const state of versions.values()) release(state);
  }

  /** Zeroes every held key, stops every retry and drops the listeners; nothing is kept afterwards. */
  close(): void {
    this.closed = true;
    for (const conversationId of [...this.conversations.keys()]) this.forget(conversationId);
    this.listeners.clear();
  }

  private stateOf(conversationId: ConversationId, version: number): VersionState | undefined {
    return this.conversations.get(conversationId)?.get(version);
  }

  private heldKey(conversationId: ConversationId, version: number): Uint8Array | undefined {
    const state = this.stateOf(conversationId, version);
    return state?.kind === 'held' ? state.key : undefined;
  }

  /** The versions of a conversation, made on first use (after `close`, a detached map nothing keeps). */
  private versionsOf(conversationId: ConversationId): Versions {
    let versions = this.conversations.get(conversationId);
    if (versions === undefined) {
      versions = new Map();
      if (!this.closed) this.conversations.set(conversationId, versions);
    }
    return versions;
  }

  /** Whether `versions` is still the live map of the conversation (not forgotten or closed since). */
  private isLive(versions: Versions, conversationId: ConversationId): boolean {
    return !this.closed && this.conversations.get(conversationId) === versions;
  }

  /** Every transition goes through here: what the old state held is released, listeners hear of keys and refusals. */
  private enter(versions: Versions, conversationId: ConversationId, version: number, next: VersionState | undefined): void {
    const previous = versions.get(version);
    if (previous !== undefined && previous !== next) release(previous);
    if (next === undefined) {
      versions.delete(version);
      return;
    }
    versions.set(version, next);
    if (isAnnounced(next)) this.notify(conversationId, version);
  }

  private notify(conversationId: ConversationId, version: number): void {
    this.listeners.fire(conversationId, version);
  }

  /** A background fetch (`request`, a retry, `prefetch`); `attempts` fetches failed before it. */
  private startFetch(conversationId: ConversationId, version: number, attempts: number): void {
    const versions = this.versionsOf(conversationId);
    const fetch = this.get(conversationId, version).then(
      (key) => {
        key.fill(0);
      },
      (err: unknown) => this.fetchFailed(versions, conversationId, version, state, err),
    );
    const state: Fetching = { kind: 'fetching', fetch, attempts };
    this.enter(versions, conversationId, version, state);
  }

  /**
   * A background fetch failed: wait and fetch again (no wrap yet, transient), refuse (the version failed
   * verification, or the service answered something that is not a key version at all), or drop it.
   */
  private fetchFailed(versions: Versions, conversationId: ConversationId, version: number, fetching: Fetching, err: unknown): void {
    if (!this.isLive(versions, conversationId) || versions.get(version) !== fetching) return;
    if (isRetryable(err)) this.enter(versions, conversationId, version, this.waiting(versions, conversationId, version, fetching.attempts));
    else if (err instanceof ServerKeyRefusedError) this.enter(versions, conversationId, version, { kind: 'awaiting-consent' });
    else if (isProtocolError(err) || isMalformedAnswer(err) || isLostInReset(err))
      this.enter(versions, conversationId, version, { kind: 'refused', code: err.code, message: err.message });
    else this.enter(versions, conversationId, version, undefined);
  }

  private waiting(versions: Versions, conversationId: ConversationId, version: number, failedBefore: number): WaitingForWrap {
    const timer = setTimeout(() => {
      if (this.isLive(versions, conversationId) && versions.get(version) === state) this.startFetch(conversationId, version, state.attempts);
    }, retryDelay(failedBefore));
    timer.unref?.();
    const state: WaitingForWrap = { kind: 'waiting-for-wrap', timer, attempts: failedBefore + 1 };
    return state;
  }

  /** Verifies a fetched version (docs/protocol.md §6.4) and keeps its key; answers a copy the caller owns. */
  private async accept(versions: Versions, conversationId: ConversationId, version: number, fetched: FetchedVersion): Promise<Uint8Array> {
    const { key, record } = await acceptKeyVersion(this.provider, fetched, {
      conversationId,
      version,
      device: this.device,
      resolveSigner: (deviceId) => this.signer(deviceId),
      resolveGranter: granterResolver(this.api, this.directory, conversationId, fetched.record),
      allowedMembers: (verified) => this.allowedMembers(conversationId, verified),
      memberDevices: (deviceIds) => this.directory.devicesById(deviceIds),
    });
    const facts: VersionFacts = { membership: record.membership, memberDevices: record.memberDevices, acceptedAt: fetched.acceptedAt };
    if (this.keep(versions, conversationId, version, key, facts)) return key.slice();
    const held = this.heldKey(conversationId, version);
    if (held === undefined) return key;
    key.fill(0);
    return held.slice();
  }

  /** A version the key service made: fetched and opened by `serverKeys` (which asks this device's consent first). */
  private async acceptServerMade(versions: Versions, conversationId: ConversationId, version: number): Promise<Uint8Array> {
    const { key, facts } = await this.serverKeys(conversationId, version);
    if (this.keep(versions, conversationId, version, key, facts)) return key.slice();
    const held = this.heldKey(conversationId, version);
    if (held === undefined) return key;
    key.fill(0);
    return held.slice();
  }

  /** The record's signer: its certificate and the account key it verified under (pinned, or retired by a reset; a failed lookup is thrown as is). */
  private async signer(deviceId: DeviceId): Promise<SignerInfo> {
    const signer = await this.directory.device(deviceId);
    return { certificate: signer.certificate, accountKey: signer.accountKey };
  }

  /** Makes `key` the held key unless the version is held already or the conversation was forgotten; answers whether it did. */
  private keep(versions: Versions, conversationId: ConversationId, version: number, key: Uint8Array, facts: VersionFacts): boolean {
    if (!this.isLive(versions, conversationId) || versions.get(version)?.kind === 'held') return false;
    this.enter(versions, conversationId, version, { kind: 'held', key, facts });
    return true;
  }
}

/** No wrap yet (404 no_wrap), a transient service failure, or the network (unreachable, timed out): worth retrying. */
function isRetryable(err: unknown): boolean {
  if (err instanceof KeyServiceError) return err.code === 'no_wrap' || err.status >= 500 || err.status === 429;
  return err instanceof AppError && err.category === 'transport';
}

/** A version accepted before this account was reset (docs/protocol.md §18.9): no wrap of it will ever come. */
function isLostInReset(err: unknown): err is KeyServiceError {
  return err instanceof KeyServiceError && err.code === 'lost_in_reset';
}

/** The key service answered a key version that does not parse (`bad_response`): as untrustworthy as a bad signature. */
function isMalformedAnswer(err: unknown): err is KeyServiceError {
  return err instanceof KeyServiceError && err.code === 'bad_response';
}
