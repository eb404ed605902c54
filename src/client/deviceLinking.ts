/**
 * Device linking, the flow (docs/protocol.md §14; its cryptography is src/common/protocol/deviceLink*.ts).
 * The new device signs in with the password, opens a link with its public keys and shows the link code and
 * QR payload. An existing device of the same account claims the link, both show a confirmation code
 * derived from both devices' keys, and after the user compares them the existing device sends the account
 * identity key HPKE-sealed to the new device. The new device certifies and registers itself; the approving
 * device then re-wraps every conversation key version it holds for the new device, in batches, each wrap
 * with its signed grant (§6.5, made by `Conversations.wrapsFor`), so the new device reads all history.
 */
import type { CryptoProvider } from '../common/crypto/provider';
import { fromBase64Url, toBase64Url } from '../common/encoding/base64url';
import { newDeviceId, type ConversationId, type DeviceId, type UserId } from '../common/ids';
import { verifyDeviceCertificate, type DevicePlatform } from '../common/protocol/deviceCertificate';
import { linkFingerprint, linkQrPayload, parseLinkInput, type LinkingDeviceKeys } from '../common/protocol/deviceLinkCode';
import { confirmationCode } from '../common/protocol/deviceLinkConfirmation';
import { openLinkPayload, sealLinkPayload } from '../common/protocol/deviceLinkPayload';
import { generateDeviceKeys, type DeviceKeyPairs } from '../common/protocol/identity';
import type { Conversations, GrantedVersionWrap } from './conversations';
import type { Directory, TrustedDevice } from './directory';
import { certifyAndRegister, type Identity } from './enrol';
import { DeviceLinkError, KeyServiceError } from './errors';
import type { KeyRing } from './keyRing';
import type { DeviceLinkView } from '../common/api/deviceLinkSchemas';
import type { KeyServiceApi, TokenPair } from './keyServiceApi';

/** What the new device shows. */
export interface LinkOffer {
  readonly linkId: string;
  /** 10 characters, typed on the existing device. */
  readonly code: string;
  /** The QR code content (includes the code and a fingerprint of this device's keys). */
  readonly qrPayload: string;
  readonly expiresAt: number;
}

/** Progress of a link on the new device. */
export type LinkProgress =
  | { readonly state: 'waiting' }
  | { readonly state: 'confirm'; readonly confirmationCode: string; readonly approverDeviceId: string }
  | { readonly state: 'linked'; readonly identity: Identity };

/**
 * The public part this device publishes in its link: with its X-Wing key when it has one, so the
 * approving device seals the account key with X-Wing (docs/protocol.md §14.4).
 */
function linkingKeys(deviceId: DeviceId, keys: DeviceKeyPairs): LinkingDeviceKeys {
  return {
    deviceId,
    x25519: toBase64Url(keys.x25519.publicKey),
    ed25519: toBase64Url(keys.ed25519.publicKey),
    ...(keys.xwing ? { xwing: toBase64Url(keys.xwing.publicKey) } : {}),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The new device's half of a link. */
export class NewDeviceLink {
  private constructor(
    private readonly api: KeyServiceApi,
    private readonly provider: CryptoProvider,
    private readonly pair: TokenPair,
    private readonly keys: DeviceKeyPairs,
    private readonly deviceId: DeviceId,
    private readonly deviceName: string,
    private readonly platform: DevicePlatform,
    readonly offer: LinkOffer,
  ) {}

  /** Signs in with the password and opens the link. */
  static async start(
    api: KeyServiceApi,
    provider: CryptoProvider,
    input: { username: string; password: string; deviceName: string; platform: DevicePlatform },
  ): Promise<NewDeviceLink> {
    const pair = await api.request('login', { body: { username: input.username, password: input.password } });
    return NewDeviceLink.startWithSession(api, provider, pair, input);
  }

  /** The same from a password-only session opened another way (single sign-on, src/client/sso.ts). */
  static async startWithSession(
    api: KeyServiceApi,
    provider: CryptoProvider,
    pair: TokenPair,
    input: { deviceName: string; platform: DevicePlatform },
  ): Promise<NewDeviceLink> {
    api.setTokens(pair.accessToken, pair.refreshToken);
    if (pair.user.identityKey === null) throw new DeviceLinkError('link_invalid', `${pair.user.username} has no device to link from yet; use login instead`);
    const keys = await generateDeviceKeys(provider);
    const deviceId = newDeviceId(provider);
    const pub = linkingKeys(deviceId, keys);
    const view = await api.request('openDeviceLink', { body: { ...pub, deviceName: input.deviceName, platform: input.platform } });
    const offer: LinkOffer = { linkId: view.linkId, code: view.code, qrPayload: await linkQrPayload(provider, view.code, pub), expiresAt: view.expiresAt };
    return new NewDeviceLink(api, provider, pair, keys, deviceId, input.deviceName, input.platform, offer);
  }

  private get pub(): LinkingDeviceKeys {
    return linkingKeys(this.deviceId, this.keys);
  }

  /** Reads the link once: waiting, the confirmation code to show, or — approved — registers this device. */
  async poll(): Promise<LinkProgress> {
    const view = await this.api.request('getDeviceLink', { params: { linkId: this.offer.linkId } });
    if (view.state === 'waiting' || view.approver === null) return { state: 'waiting' };
    const accountKey = fromBase64Url(this.pair.user.identityKey ?? '');
    const approver = await verifyDeviceCertificate(this.provider, view.approver.certificate, { userId: this.pair.user.userId, accountKey }).catch(() => {
      throw new DeviceLinkError('link_mismatch', 'the approving device is not certified by this account');
    });
    const code = await confirmationCode(this.provider, view.linkId, this.pub, { deviceId: approver.deviceId, ed25519: approver.ed25519 });
    if (view.state === 'claimed' || view.payload === null) return { state: 'confirm', confirmationCode: code, approverDeviceId: approver.deviceId };
    const accountPrivateKey = await openLinkPayload(
      this.provider,
      view.linkId,
      {
        deviceId: this.deviceId,
        x25519PrivateKey: this.keys.x25519.privateKey,
        x25519PublicKey: this.keys.x25519.publicKey,
        ...(this.keys.xwing ? { xwingPrivateKey: this.keys.xwing.privateKey } : {}),
      },
      view.payload,
    );
    const accountPublicKey = await this.provider.ed25519PublicKey(accountPrivateKey);
    if (toBase64Url(accountPublicKey) !== this.pair.user.identityKey)
      throw new DeviceLinkError('link_mismatch', "the received identity key is not this account's");
    const account = { privateKey: accountPrivateKey, publicKey: accountPublicKey };
    const accessToken = await certifyAndRegister(this.api, this.provider, {
      userId: this.pair.user.userId,
      deviceId: this.deviceId,
      deviceName: this.deviceName,
      platform: this.platform,
      account,
      device: this.keys,
    });
    this.api.setTokens(accessToken, this.pair.refreshToken);
    const identity: Identity = {
      userId: this.pair.user.userId as UserId,
      username: this.pair.user.username,
      deviceId: this.deviceId,
      deviceName: this.deviceName,
      account,
      device: this.keys,
      refreshToken: this.pair.refreshToken,
    };
    return { state: 'linked', identity };
  }

  /** Polls until linked; calls `onConfirmation` once with the code to show. */
  async waitUntilLinked(onConfirmation: (code: string) => void, opts: { pollMs?: number; timeoutMs?: number } = {}): Promise<Identity> {
    const deadline = Math.min(this.offer.expiresAt, Date.now() + (opts.timeoutMs ?? 10 * 60_000));
    let shown: string | undefined;
    while (Date.now() < deadline) {
      const p = await this.poll();
      if (p.state === 'linked') return p.identity;
      if (p.state === 'confirm' && shown !== p.confirmationCode) {
        shown = p.confirmationCode;
        onConfirmation(p.confirmationCode);
      }
      await sleep(opts.pollMs ?? 1_000);
    }
    throw new DeviceLinkError('link_timeout', 'the link was not approved in time; start again');
  }
}

/** What the approving device shows before the user approves. */
export interface LinkClaim {
  readonly linkId: string;
  readonly confirmationCode: string;
  readonly newDevice: { readonly deviceId: DeviceId; readonly name: string; readonly platform: DevicePlatform };
}

/** The approving (existing) device's half of a link. */
export class LinkApprover {
  private readonly claims = new Map<string, DeviceLinkView>();

  constructor(
    private readonly api: KeyServiceApi,
    private readonly provider: CryptoProvider,
    private readonly self: {
      readonly userId: UserId;
      readonly deviceId: DeviceId;
      readonly ed25519PublicKey: Uint8Array;
      readonly accountPrivateKey: Uint8Array;
    },
    private readonly directory: Directory,
    private readonly ring: KeyRing,
    private readonly conversations: Conversations,
  ) {}

  /** Claims the link by the typed code or scanned QR payload; answers the confirmation code to compare. */
  async claim(input: string): Promise<LinkClaim> {
    const { code, fingerprint } = parseLinkInput(input);
    const view = await this.api.request('claimDeviceLink', { body: { code } });
    if (fingerprint !== undefined && (await linkFingerprint(this.provider, view.newDevice)) !== fingerprint) {
      throw new DeviceLinkError('link_mismatch', 'the new device keys the key service returned do not match the scanned code; do not approve');
    }
    this.claims.set(view.linkId, view);
    const confirmation = await confirmationCode(this.provider, view.linkId, view.newDevice, {
      deviceId: this.self.deviceId,
      ed25519: toBase64Url(this.self.ed25519PublicKey),
    });
    return {
      linkId: view.linkId,
      confirmationCode: confirmation,
      newDevice: { deviceId: view.newDevice.deviceId as DeviceId, name: view.newDevice.deviceName, platform: view.newDevice.platform },
    };
  }

  /**
   * After the user confirmed the codes match: seals the account identity key to the new device, waits
   * for it to register, and re-wraps every held conversation key version for it. Returns the wraps added.
   */
  async approve(
    linkId: string,
    opts: { pollMs?: number; timeoutMs?: number; shareHistory?: boolean } = {},
  ): Promise<{ deviceId: DeviceId; wrapsAdded: number }> {
    const view = this.claims.get(linkId);
    if (!view) throw new DeviceLinkError('link_invalid', 'claim the link first');
    const payload = await sealLinkPayload(this.provider, linkId, view.newDevice, this.self.accountPrivateKey);
    await this.api.request('approveDeviceLink', { params: { linkId }, body: { payload } });
    const device = await this.waitForDevice(view.newDevice.deviceId, opts);
    return { deviceId: device.deviceId, wrapsAdded: opts.shareHistory === false ? 0 : await this.rewrapAll(device) };
  }

  /** Re-wraps history for one of the account's devices (idempotent: wraps it already has are skipped). */
  async shareHistoryWith(deviceId: DeviceId): Promise<number> {
    const device = (await this.directory.devicesOf(this.self.userId)).find((d) => d.deviceId === deviceId);
    if (!device) throw new DeviceLinkError('link_invalid', `device ${deviceId} is not a current device of this account`);
    return this.rewrapAll(device);
  }

  private async waitForDevice(deviceId: string, opts: { pollMs?: number; timeoutMs?: number }): Promise<TrustedDevice> {
    const deadline = Date.now() + (opts.timeoutMs ?? 10 * 60_000);
    while (Date.now() < deadline) {
      const found = (await this.directory.devicesOf(this.self.userId)).find((d) => d.deviceId === deviceId);
      if (found) return found;
      await sleep(opts.pollMs ?? 500);
    }
    throw new DeviceLinkError('link_timeout', 'the new device did not finish registering in time');
  }

  /** Wraps every version this device holds of every conversation for `device`, 200 wraps per request. */
  async rewrapAll(device: TrustedDevice): Promise<number> {
    let added = 0;
    for (const c of await this.conversations.list()) {
      await this.ring.fetchAll(c.conversationId);
      const wraps = await this.conversations.wrapsFor(c.conversationId, this.ring.heldVersions(c.conversationId), [device]);
      for (let i = 0; i < wraps.length; i += 200) added += await this.postWraps(c.conversationId, wraps.slice(i, i + 200));
    }
    return added;
  }

  /** Posts a batch; when some wrap already exists (a rotation included the device meanwhile), posts one by one and skips those. */
  private async postWraps(conversationId: ConversationId, wraps: readonly GrantedVersionWrap[]): Promise<number> {
    try {
      return (await this.api.request('addWraps', { params: { conversationId }, body: { wraps: [...wraps] } })).added;
    } catch (err) {
      const skippable = err instanceof KeyServiceError && (err.code === 'wrap_exists' || err.code === 'wraps_mismatch');
      if (!skippable) throw err;
      if (wraps.length === 1) return 0;
      let added = 0;
      for (const w of wraps) added += await this.postWraps(conversationId, [w]);
      return added;
    }
  }
}
