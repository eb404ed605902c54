/**
 * Contacts' identities and devices (docs/client.md, "Decisions"): account identity keys are pinned on
 * first use (trust on first use, then safety numbers); a directory key that differs from the pin puts the
 * contact in the "changed" state, which blocks sending to them until the user acknowledges. Device
 * certificates are verified against the pinned key before a device is wrapped to or trusted as a sender
 * (docs/protocol.md §4, §10).
 *
 * Groups are looked up in batches (docs/benchmarks.md, "Performance work after the third report"): the
 * devices of every member, the users of many senders, or every member device of a key version come from one
 * directory request (`directoryLookup.ts`), their pins are written to the profile in one update, and a
 * certificate already verified under the same pinned key is not verified again.
 */
import type { CryptoProvider } from '../common/crypto/provider';
import { fromBase64Url, toBase64Url } from '../common/encoding/base64url';
import { Emitter } from '../common/events/emitter';
import type { DeviceId, UserId } from '../common/ids';
import { verifyDeviceCertificate, type DeviceCertificate } from '../common/protocol/deviceCertificate';
import { verifyDeviceRevocation } from '../common/protocol/deviceRevocation';
import { lookupDirectory, type DeviceView, type PublicUser } from './directoryLookup';
import { IdentityChangedError, NotFoundError } from './errors';
import type { KeyServiceApi } from './keyServiceApi';
import type { Pin, ProfileState } from './profileState';

export type { PublicUser } from './directoryLookup';

/** A device whose certificate verified under the pinned account key of its user. */
export interface TrustedDevice {
  readonly deviceId: DeviceId;
  readonly userId: UserId;
  readonly name: string;
  readonly certificate: DeviceCertificate;
  readonly x25519: Uint8Array;
  readonly ed25519: Uint8Array;
  /** Its X-Wing key when its certificate has one: wraps to it are then post-quantum (docs/protocol.md §5.1). */
  readonly xwing?: Uint8Array;
  /** The account key its certificate verified under: the trusted one, or a retired one (history only, docs/protocol.md §18.9). */
  readonly accountKey: Uint8Array;
  /** When its account revoked it, from a revocation statement that verified under the same key (docs/protocol.md §17). */
  readonly revokedAt?: number;
}

/** Trust state of one contact. */
export type TrustState = 'unverified' | 'verified' | 'changed';

/** How long a contact met for the first time is marked new (unless verified first). */
export const NEW_CONTACT_MS = 7 * 24 * 3600 * 1000;

/** How long a directory answer about a user is reused (a key change shows within this time). */
const USER_TTL_MS = 10_000;

/** The outcome of looking up devices by id: the trusted ones, and why each other one is not. */
export interface DeviceLookup {
  readonly devices: ReadonlyMap<string, TrustedDevice>;
  readonly failures: ReadonlyMap<string, Error>;
}

export class Directory {
  private readonly deviceCache = new Map<string, Promise<TrustedDevice>>();
  private readonly userCache = new Map<string, { at: number; user: Promise<PublicUser> }>();
  /** Certificates verified before, by device: reused while the certificate and the trusted key are the same. */
  private readonly verified = new Map<string, { certificate: string; accountKey: string; revocation: string | null; device: TrustedDevice }>();
  private readonly identityChanged = new Emitter<[userId: string]>();
  /** When each cached device was last asked for (ms): a revocation made since is not known yet. */
  private readonly checked = new Map<string, number>();

  constructor(
    private readonly api: KeyServiceApi,
    private readonly provider: CryptoProvider,
    private readonly state: ProfileState,
    private readonly self: { readonly userId: string; readonly accountKey: Uint8Array },
  ) {}

  user(userId: string): Promise<PublicUser> {
    const hit = this.userCache.get(userId);
    if (hit && Date.now() - hit.at < USER_TTL_MS) return hit.user;
    const user = this.api.request('getUser', { params: { userId } });
    user.catch(() => this.userCache.delete(userId));
    this.userCache.set(userId, { at: Date.now(), user });
    return user;
  }

  private rememberUsers(users: readonly PublicUser[]): void {
    const at = Date.now();
    for (const user of users) this.userCache.set(user.userId, { at, user: Promise.resolve(user) });
  }

  /** Refreshes the users whose directory answer is missing or older than USER_TTL_MS, in one lookup. */
  private async refreshUsers(userIds: readonly string[]): Promise<void> {
    const now = Date.now();
    const stale = userIds.filter((id) => {
      const hit = this.userCache.get(id);
      return id !== this.self.userId && !(hit && now - hit.at < USER_TTL_MS);
    });
    if (stale.length > 1) this.rememberUsers((await lookupDirectory(this.api, stale, [])).users);
  }

  /** Finds a user by exact username (or user id). */
  async resolve(nameOrId: string): Promise<PublicUser> {
    const q = nameOrId.trim().toLowerCase();
    const found = await this.api.request('searchUsers', { query: { q, limit: 50 } });
    const hit = found.users.find((u) => u.username === q || u.userId === nameOrId);
    if (hit) return hit;
    try {
      return await this.user(nameOrId);
    } catch {
      throw new NotFoundError(`user ${JSON.stringify(nameOrId)}`);
    }
  }

  /**
   * The account key this device trusts for `userId`: its own, a pin, or — on first use — the directory's
   * key, pinned now. A directory key different from the pin marks the contact changed (and returns the pin).
   */
  async trustedAccountKey(userId: string): Promise<Uint8Array> {
    if (userId === this.self.userId) return this.self.accountKey;
    const key = this.trustAll([await this.user(userId)]).get(userId);
    if (key === undefined) throw new NotFoundError(`user ${JSON.stringify(userId)}`);
    return key;
  }

  /**
   * `trustedAccountKey` for every user given, with all new pins and changes written in one profile update.
   * Throws NotFoundError for a user without an identity key (no device yet).
   */
  private trustAll(users: readonly PublicUser[]): Map<string, Uint8Array> {
    const keys = new Map<string, Uint8Array>();
    const changes = new Map<string, Pin>();
    const pins = this.state.get().pins;
    for (const user of users) {
      if (user.userId === this.self.userId) {
        keys.set(user.userId, this.self.accountKey);
        continue;
      }
      if (user.identityKey === null) throw new NotFoundError(`an identity key for ${user.userId} (they have no device yet)`);
      const pin = changes.get(user.userId) ?? pins[user.userId];
      if (pin === undefined) {
        changes.set(user.userId, { identityKey: user.identityKey, verified: false, changedTo: null, pinnedAt: Date.now() });
        keys.set(user.userId, fromBase64Url(user.identityKey));
        continue;
      }
      if (pin.identityKey !== user.identityKey && pin.changedTo !== user.identityKey) {
        changes.set(user.userId, { ...pin, changedTo: user.identityKey, verified: false });
      }
      keys.set(user.userId, fromBase64Url(pin.identityKey));
    }
    if (changes.size > 0) {
      this.state.update((s) => {
        for (const [userId, pin] of changes) s.pins[userId] = pin;
      });
      for (const [userId, pin] of changes) if (pin.changedTo !== null) this.identityChanged.fire(userId);
    }
    return keys;
  }

  /** `listener` runs when a contact's identity key is found to differ from the pinned one (state `changed`). */
  onIdentityChange(listener: (userId: string) => void): () => void {
    return this.identityChanged.event(listener);
  }

  /**
   * Whether a contact is new to this user (docs/client.md "Decisions"): met for the first time (key pinned)
   * within `NEW_CONTACT_MS` and not verified by safety number. The UI marks them, so a member someone
   * added is not taken for a colleague one knows.
   */
  isNewContact(userId: string, now = Date.now()): boolean {
    const pin = this.state.get().pins[userId];
    if (pin === undefined || userId === this.self.userId) return false;
    return !pin.verified && pin.pinnedAt !== undefined && now - pin.pinnedAt < NEW_CONTACT_MS;
  }

  trustState(userId: string): TrustState {
    const pin = this.state.get().pins[userId];
    if (pin?.changedTo) return 'changed';
    return pin?.verified ? 'verified' : 'unverified';
  }

  /** Throws IdentityChangedError when any of `userIds` is in the changed state (checked against the directory). */
  async assertSendable(userIds: readonly string[]): Promise<void> {
    await this.refreshUsers(userIds);
    const others = userIds.filter((id) => id !== this.self.userId);
    this.trustAll(await Promise.all(others.map((id) => this.user(id))));
    for (const userId of others) if (this.trustState(userId) === 'changed') throw new IdentityChangedError(userId);
  }

  /** The user's unrevoked devices whose certificates verify under the trusted key. */
  async devicesOf(userId: string): Promise<TrustedDevice[]> {
    const accountKey = await this.trustedAccountKey(userId);
    const { devices } = await this.api.request('listUserDevices', { params: { userId } });
    return this.verifyEach(devices, () => accountKey);
  }

  /**
   * The devices of `userId` this session has already verified under `accountKey` and that are not revoked,
   * with no request (a conversation's lookups fill it). The safety screen reads the company identity here,
   * so opening it for every member of a large group asks the key service nothing.
   */
  knownDevicesOf(userId: string, accountKey: Uint8Array): TrustedDevice[] {
    const keyText = toBase64Url(accountKey);
    return [...this.verified.values()]
      .filter((v) => v.device.userId === userId && v.accountKey === keyText && v.device.revokedAt === undefined)
      .map((v) => v.device);
  }

  /**
   * `devicesOf` for many users in one directory request (a rotation's recipients): every user's
   * unrevoked devices whose certificates verify under that user's trusted key, by user id. Throws
   * NotFoundError for an unknown user or one without an identity key.
   */
  async devicesOfMany(userIds: readonly string[]): Promise<Map<string, TrustedDevice[]>> {
    const answer = await lookupDirectory(this.api, userIds, []);
    const unknown = answer.unknownUserIds[0];
    if (unknown !== undefined) throw new NotFoundError(`user ${JSON.stringify(unknown)}`);
    this.rememberUsers(answer.users);
    const keys = this.trustAll(answer.users);
    const trusted = await this.verifyEach(answer.devices, (d) => keys.get(d.userId));
    const byUser = new Map<string, TrustedDevice[]>(userIds.map((id) => [id, []]));
    for (const d of trusted) byUser.get(d.userId)?.push(d);
    return byUser;
  }

  /** Any device by id, revoked ones included, verified under its user's trusted key (cached; `fresh` asks again). */
  device(deviceId: string, opts: { fresh?: boolean } = {}): Promise<TrustedDevice> {
    let hit = opts.fresh === true ? undefined : this.deviceCache.get(deviceId);
    if (!hit) {
      this.checked.set(deviceId, Date.now());
      hit = (async () => {
        const { device } = await this.api.request('getDevice', { params: { deviceId } });
        return this.verifyHistorical(device, await this.trustedAccountKey(device.userId));
      })();
      hit.catch(() => this.deviceCache.delete(deviceId));
      this.deviceCache.set(deviceId, hit);
    }
    return hit;
  }

  /** When the directory last asked the key service about a device (undefined: never this session). */
  checkedAt(deviceId: string): number | undefined {
    return this.checked.get(deviceId);
  }

  /**
   * `device` for many ids (every member device of a key version): the ones not cached come from one
   * directory request. A device that is unknown or whose certificate does not verify is in `failures`;
   * a failing request (network, service) throws.
   */
  async devicesById(deviceIds: readonly string[]): Promise<DeviceLookup> {
    const devices = new Map<string, TrustedDevice>();
    const failures = new Map<string, Error>();
    const missing: string[] = [];
    for (const id of new Set(deviceIds)) {
      const hit = this.deviceCache.get(id);
      if (!hit) {
        missing.push(id);
        continue;
      }
      try {
        devices.set(id, await hit);
      } catch (err) {
        failures.set(id, asError(err));
      }
    }
    if (missing.length === 0) return { devices, failures };
    const answer = await lookupDirectory(this.api, [], missing);
    for (const id of answer.unknownDeviceIds) failures.set(id, new NotFoundError(`device ${id}`));
    this.rememberUsers(answer.users);
    const users = new Map(answer.users.map((u) => [u.userId, u]));
    const keys = this.trustAll([...users.values()].filter((u) => u.identityKey !== null));
    for (const view of answer.devices) {
      try {
        const accountKey = keys.get(view.userId);
        if (accountKey === undefined) throw new NotFoundError(`an identity key for ${view.userId}`);
        const trusted = await this.verifyHistorical(view, accountKey);
        this.deviceCache.set(view.deviceId, Promise.resolve(trusted));
        this.checked.set(view.deviceId, Date.now());
        devices.set(view.deviceId, trusted);
      } catch (err) {
        failures.set(view.deviceId, asError(err));
      }
    }
    return { devices, failures };
  }

  /** The devices whose certificates verify (each under `keyOf(device)`); the others are left out. */
  private async verifyEach(views: readonly DeviceView[], keyOf: (d: DeviceView) => Uint8Array | undefined): Promise<TrustedDevice[]> {
    const trusted: TrustedDevice[] = [];
    for (const d of views) {
      const key = keyOf(d);
      const t = key === undefined ? undefined : await this.verify(d, key).catch(() => undefined);
      if (t) trusted.push(t);
    }
    return trusted;
  }

  /**
   * A device looked up by id, as the signer of something already made (a statement, a record, a message):
   * its certificate verifies under the trusted key of its user, or under a key of that user this profile
   * retired — the user's own keys before an account reset, or a contact's keys the user acknowledged as
   * replaced (docs/protocol.md §18.9). Recipients of new keys (`devicesOf`, `devicesOfMany`) never use these.
   */
  private async verifyHistorical(d: DeviceView, accountKey: Uint8Array): Promise<TrustedDevice> {
    try {
      return await this.verify(d, accountKey);
    } catch (err) {
      const certKey = (d.certificate as { accountKey?: unknown }).accountKey;
      if (typeof certKey !== 'string' || !this.retiredKeysOf(d.userId).includes(certKey)) throw err;
      return this.verify(d, fromBase64Url(certKey));
    }
  }

  /** The account keys of `userId` this profile retired (base64url): its own before a reset, or a contact's acknowledged as replaced. */
  private retiredKeysOf(userId: string): readonly string[] {
    const state = this.state.get();
    return (userId === this.self.userId ? state.retiredOwnKeys : state.pins[userId]?.retired) ?? [];
  }

  private async verify(d: DeviceView, accountKey: Uint8Array): Promise<TrustedDevice> {
    const certificate = JSON.stringify(d.certificate);
    const keyText = toBase64Url(accountKey);
    const seen = this.verified.get(d.deviceId);
    const revocation = d.revocation ? JSON.stringify(d.revocation) : null;
    if (seen && seen.certificate === certificate && seen.accountKey === keyText && seen.device.userId === d.userId && seen.revocation === revocation) {
      return seen.device;
    }
    const cert = await verifyDeviceCertificate(this.provider, d.certificate, { userId: d.userId, deviceId: d.deviceId, accountKey });
    // A revocation counts only when its account signed it; one that does not verify is ignored.
    const revoked = d.revocation
      ? await verifyDeviceRevocation(this.provider, d.revocation, { accountKey, userId: d.userId, deviceId: d.deviceId }).catch(() => undefined)
      : undefined;
    const device: TrustedDevice = {
      deviceId: cert.deviceId,
      userId: cert.userId,
      name: cert.deviceName,
      certificate: cert,
      x25519: fromBase64Url(cert.x25519),
      ed25519: fromBase64Url(cert.ed25519),
      ...(cert.xwing !== undefined ? { xwing: fromBase64Url(cert.xwing) } : {}),
      accountKey,
      ...(revoked !== undefined ? { revokedAt: revoked.revokedAt } : {}),
    };
    this.verified.set(d.deviceId, { certificate, accountKey: keyText, revocation, device });
    return device;
  }

  /** Pins `identityKey` (base64url) as verified, or marks the current pin verified. */
  markVerified(userId: string): void {
    this.state.update((s) => {
      const pin = s.pins[userId];
      if (pin) s.pins[userId] = { ...pin, verified: true };
    });
  }

  /** The key `userId` changed to (state `changed`), not trusted yet; null in any other state. */
  changedAccountKey(userId: string): Uint8Array | null {
    const changedTo = this.state.get().pins[userId]?.changedTo;
    return changedTo ? fromBase64Url(changedTo) : null;
  }

  /**
   * The user saw the change: the new key becomes the pin (unverified) and sending is allowed again; the old
   * key is kept as retired, for checking what its devices signed before the change.
   */
  acknowledgeChange(userId: string): void {
    this.state.update((s) => {
      const pin = s.pins[userId];
      // The replaced key stays trusted for what its devices signed before (history), never for new keys.
      if (pin?.changedTo) {
        const retired = [...new Set([...(pin.retired ?? []), pin.identityKey])];
        s.pins[userId] = { identityKey: pin.changedTo, verified: false, changedTo: null, retired };
      }
    });
    this.deviceCache.clear();
    this.verified.clear();
  }

  static keyText(key: Uint8Array): string {
    return toBase64Url(key);
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
