/**
 * Contacts' identities and devices (issue 6, "Identity verification"): account identity keys are pinned on
 * first use (trust on first use, then safety numbers); a directory key that differs from the pin puts the
 * contact in the "changed" state, which blocks sending to them until the user acknowledges. Device
 * certificates are verified against the pinned key before a device is wrapped to or trusted as a sender
 * (docs/protocol.md §4, §10).
 */
import type { CryptoProvider } from '../../common/crypto/provider';
import { fromBase64Url, toBase64Url } from '../../common/encoding/base64url';
import type { DeviceId, UserId } from '../../common/ids';
import { verifyDeviceCertificate, type DeviceCertificate } from '../../common/protocol/deviceCertificate';
import { IdentityChangedError, NotFoundError } from './errors';
import type { KeyServiceApi } from './keyServiceApi';
import type { ProfileState } from './profileState';

export interface PublicUser {
  readonly userId: string;
  readonly username: string;
  readonly displayName: string;
  readonly identityKey: string | null;
}

interface DeviceView {
  readonly deviceId: string;
  readonly userId: string;
  readonly name: string;
  readonly certificate: unknown;
  readonly createdAt: number;
  readonly revokedAt: number | null;
}

/** A device whose certificate verified under the pinned account key of its user. */
export interface TrustedDevice {
  readonly deviceId: DeviceId;
  readonly userId: UserId;
  readonly name: string;
  readonly certificate: DeviceCertificate;
  readonly x25519: Uint8Array;
  readonly ed25519: Uint8Array;
}

/** Trust state of one contact. */
export type TrustState = 'unverified' | 'verified' | 'changed';

/** How long a directory answer about a user is reused (a key change shows within this time). */
const USER_TTL_MS = 10_000;

export class Directory {
  private readonly deviceCache = new Map<string, Promise<TrustedDevice>>();
  private readonly userCache = new Map<string, { at: number; user: Promise<PublicUser> }>();

  constructor(
    private readonly api: KeyServiceApi,
    private readonly provider: CryptoProvider,
    private readonly state: ProfileState,
    private readonly self: { readonly userId: string; readonly accountKey: Uint8Array },
  ) {}

  user(userId: string): Promise<PublicUser> {
    const hit = this.userCache.get(userId);
    if (hit && Date.now() - hit.at < USER_TTL_MS) return hit.user;
    const user = this.api.call<PublicUser>('GET', `/v1/users/${encodeURIComponent(userId)}`);
    user.catch(() => this.userCache.delete(userId));
    this.userCache.set(userId, { at: Date.now(), user });
    return user;
  }

  /** Finds a user by exact username (or user id). */
  async resolve(nameOrId: string): Promise<PublicUser> {
    const q = nameOrId.trim().toLowerCase();
    const found = await this.api.call<{ users: PublicUser[] }>('GET', `/v1/users?q=${encodeURIComponent(q)}&limit=50`);
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
    const pin = this.state.get().pins[userId];
    const user = await this.user(userId);
    if (user.identityKey === null) throw new NotFoundError(`an identity key for ${userId} (they have no device yet)`);
    if (pin === undefined) {
      this.state.update((s) => {
        s.pins[userId] = { identityKey: user.identityKey ?? '', verified: false, changedTo: null };
      });
      return fromBase64Url(user.identityKey);
    }
    if (pin.identityKey !== user.identityKey && pin.changedTo !== user.identityKey) {
      this.state.update((s) => {
        s.pins[userId] = { ...pin, changedTo: user.identityKey, verified: false };
      });
    }
    return fromBase64Url(pin.identityKey);
  }

  trustState(userId: string): TrustState {
    const pin = this.state.get().pins[userId];
    if (pin?.changedTo) return 'changed';
    return pin?.verified ? 'verified' : 'unverified';
  }

  /** Throws IdentityChangedError when any of `userIds` is in the changed state (checked against the directory). */
  async assertSendable(userIds: readonly string[]): Promise<void> {
    for (const userId of userIds) {
      if (userId === this.self.userId) continue;
      await this.trustedAccountKey(userId);
      if (this.trustState(userId) === 'changed') throw new IdentityChangedError(userId);
    }
  }

  /** The user's unrevoked devices whose certificates verify under the trusted key. */
  async devicesOf(userId: string): Promise<TrustedDevice[]> {
    const accountKey = await this.trustedAccountKey(userId);
    const { devices } = await this.api.call<{ devices: DeviceView[] }>('GET', `/v1/users/${encodeURIComponent(userId)}/devices`);
    const trusted: TrustedDevice[] = [];
    for (const d of devices) {
      const t = await this.verify(d, accountKey).catch(() => undefined);
      if (t) trusted.push(t);
    }
    return trusted;
  }

  /** Any device by id, revoked ones included, verified under its user's trusted key (cached). */
  device(deviceId: string): Promise<TrustedDevice> {
    let hit = this.deviceCache.get(deviceId);
    if (!hit) {
      hit = (async () => {
        const { device } = await this.api.call<{ device: DeviceView }>('GET', `/v1/devices/${encodeURIComponent(deviceId)}`);
        return this.verify(device, await this.trustedAccountKey(device.userId));
      })();
      hit.catch(() => this.deviceCache.delete(deviceId));
      this.deviceCache.set(deviceId, hit);
    }
    return hit;
  }

  private async verify(d: DeviceView, accountKey: Uint8Array): Promise<TrustedDevice> {
    const cert = await verifyDeviceCertificate(this.provider, d.certificate, { userId: d.userId, deviceId: d.deviceId, accountKey });
    return {
      deviceId: cert.deviceId,
      userId: cert.userId,
      name: cert.deviceName,
      certificate: cert,
      x25519: fromBase64Url(cert.x25519),
      ed25519: fromBase64Url(cert.ed25519),
    };
  }

  /** Pins `identityKey` (base64url) as verified, or marks the current pin verified. */
  markVerified(userId: string): void {
    this.state.update((s) => {
      const pin = s.pins[userId];
      if (pin) s.pins[userId] = { ...pin, verified: true };
    });
  }

  /** The user saw the change: the new key becomes the pin (unverified) and sending is allowed again. */
  acknowledgeChange(userId: string): void {
    this.state.update((s) => {
      const pin = s.pins[userId];
      if (pin?.changedTo) s.pins[userId] = { identityKey: pin.changedTo, verified: false, changedTo: null };
    });
    this.deviceCache.clear();
  }

  static keyText(key: Uint8Array): string {
    return toBase64Url(key);
  }
}
