/**
 * The broadcast key manager (seed 002, docs/broadcast.md §4): creates a channel's X25519 key pair
 * (version 1) when a `channel-creator` registers a signed descriptor naming this key manager; gives
 * publishers the current public key; gives subscribers every version's private key HPKE-wrapped to their
 * certified device (never a raw private key) — X-Wing when its certificate has an X-Wing key, else X25519; on revocation of a user appends a new version that the
 * revoked user cannot fetch. Every request re-verifies the role claim and the stored descriptor.
 */
import { CHANNEL_CREATOR_ROLE } from '../../common/broadcast/roles';
import { verifyDescriptor, type ChannelDescriptor } from '../../common/broadcast/descriptor';
import { BroadcastError, DescriptorError } from '../../common/broadcast/errors';
import type { KeyVersionInfo } from '../../common/broadcast/keyManagerApi';
import { ruleAllows, type ChannelRule } from '../../common/broadcast/rules';
import type { CryptoProvider } from '../../common/crypto/provider';
import { toBase64Url } from '../../common/encoding/base64url';
import type { ChannelId, DeviceId } from '../../common/ids';
import { generateChannelKeyPair, wrapChannelKey } from '../../common/protocol/broadcast';
import { certificateXWingKey, verifyDeviceCertificate, type DeviceCertificate } from '../../common/protocol/deviceCertificate';
import { bytesOf } from '../../common/protocol/wire';
import type { VerifiedClaim } from '../claims/claimPayload';
import type { ClaimVerifier } from './claimVerifier';
import type { MasterKey } from './masterKey';
import type { KeyManagerStore } from './store';

export interface KeyManagerDeps {
  /** This key manager's base URL as descriptors name it (also the claim audience). */
  readonly url: string;
  readonly store: KeyManagerStore;
  readonly masterKey: MasterKey;
  readonly claims: ClaimVerifier;
  readonly crypto: CryptoProvider;
  readonly now: () => number;
  /**
   * The identity side's last word on a verified claim's subject, asked after the claim verifies: the key
   * service's default instance settles pending offboarding withdrawals and refuses a deactivated account
   * (admin/broadcastOffboarding.ts). Throws to refuse. Absent on a standalone key manager.
   */
  readonly gate?: (userId: string) => Promise<void>;
  /**
   * Serve channel keys only to devices with an X-Wing key (docs/broadcast.md §4): a subscriber device
   * without one gets `post_quantum_device_required` (403) and no wrap. Default off: such devices get X25519 wraps.
   */
  readonly requirePostQuantum?: boolean;
}

type Capability = 'publish' | 'subscribe';

export class KeyManager {
  constructor(private readonly deps: KeyManagerDeps) {}

  get url(): string {
    return this.deps.url;
  }

  async createChannel(claimToken: string, descriptorInput: unknown): Promise<KeyVersionInfo & { channelId: string }> {
    const claim = await this.deps.claims.verify(claimToken);
    await this.deps.gate?.(claim.userId);
    if (!claim.roles.includes(CHANNEL_CREATOR_ROLE)) throw new BroadcastError('role_missing', `creating a channel needs the ${CHANNEL_CREATOR_ROLE} role`);
    const descriptor = await verifyDescriptor(this.deps.crypto, descriptorInput, { accountKey: claim.accountKey, keyManagerUrl: this.deps.url });
    if (descriptor.creator.userId !== claim.userId) throw new BroadcastError('role_missing', 'the descriptor names another creator than the claim subject');
    if (claim.deviceId !== undefined && descriptor.creator.deviceId !== claim.deviceId)
      throw new DescriptorError('descriptor_not_certified', 'the descriptor was signed by another device than the claim is for');
    const pair = await generateChannelKeyPair(this.deps.crypto);
    const createdAt = this.deps.now();
    const sealed = this.deps.masterKey.seal(descriptor.channelId, 1, pair.privateKey);
    pair.privateKey.fill(0);
    if (!this.deps.store.createChannel(descriptor.channelId, JSON.stringify(descriptor), { publicKey: pair.publicKey, sealedPrivateKey: sealed, createdAt })) {
      throw new BroadcastError('channel_exists', `channel ${descriptor.channelId} already exists on this key manager`);
    }
    return { channelId: descriptor.channelId, version: 1, publicKey: toBase64Url(pair.publicKey), createdAt };
  }

  /**
   * Whether this key manager holds a channel `channelId` under another descriptor than `signature` signs
   * (the key service's directory asks, so nobody lists someone else's unlisted channel id as theirs).
   */
  holdsOtherDescriptor(channelId: string, signature: string): boolean {
    const stored = this.deps.store.descriptor(channelId);
    if (stored === undefined) return false;
    return (JSON.parse(stored) as { signature?: unknown }).signature !== signature;
  }

  /** The stored descriptor, re-verified (a tampered store is refused, not trusted). */
  async descriptor(channelId: string): Promise<ChannelDescriptor> {
    const stored = this.deps.store.descriptor(channelId);
    if (stored === undefined) throw new BroadcastError('channel_unknown', `no channel ${channelId} on this key manager`);
    return verifyDescriptor(this.deps.crypto, JSON.parse(stored) as unknown, { channelId, keyManagerUrl: this.deps.url });
  }

  async info(channelId: string): Promise<{ descriptor: ChannelDescriptor; currentVersion: number; versions: KeyVersionInfo[] }> {
    const descriptor = await this.descriptor(channelId);
    const versions = this.deps.store.versions(channelId).map((v) => ({ version: v.version, publicKey: toBase64Url(v.publicKey), createdAt: v.createdAt }));
    return { descriptor, currentVersion: versions[versions.length - 1]?.version ?? 1, versions };
  }

  async publicKey(channelId: string, claimToken: string, certificate: DeviceCertificate): Promise<{ version: number; publicKey: string }> {
    await this.authorize(channelId, claimToken, certificate, 'publish');
    const current = this.deps.store.current(channelId);
    if (!current) throw new BroadcastError('channel_unknown', `no key versions for ${channelId}`);
    this.deps.store.recordPublisher(channelId, certificate.deviceId, certificate.userId, JSON.stringify(certificate));
    return { version: current.version, publicKey: toBase64Url(current.publicKey) };
  }

  async wrappedKeys(channelId: string, claimToken: string, certificate: DeviceCertificate) {
    const cert = await this.authorize(channelId, claimToken, certificate, 'subscribe');
    // X-Wing to a device whose verified certificate has an X-Wing key, X25519 otherwise (docs/protocol.md §5.1).
    const xwing = certificateXWingKey(cert);
    if (xwing === undefined && this.deps.requirePostQuantum === true)
      throw new BroadcastError(
        'post_quantum_device_required',
        `this key manager requires post-quantum (X-Wing) wraps, and device ${cert.deviceId} has no X-Wing key: it must be set up again by a current version`,
      );
    const keys = [];
    for (const v of this.deps.store.versions(channelId)) {
      const channelPrivateKey = this.deps.masterKey.open(channelId, v.version, v.sealedPrivateKey);
      const wrap = await wrapChannelKey(this.deps.crypto, {
        channelId: channelId as ChannelId,
        keyVersion: v.version,
        channelPrivateKey,
        recipientDeviceId: cert.deviceId as DeviceId,
        recipientPublicKey: bytesOf(cert.x25519),
        ...(xwing !== undefined ? { recipientXWingPublicKey: xwing } : {}),
      });
      channelPrivateKey.fill(0);
      keys.push({ version: v.version, publicKey: toBase64Url(v.publicKey), wrap });
    }
    return { keys };
  }

  async revoke(channelId: string, claimToken: string, userId: string): Promise<{ version: number; revokedUserId: string }> {
    const descriptor = await this.descriptor(channelId);
    const claim = await this.deps.claims.verify(claimToken);
    await this.deps.gate?.(claim.userId);
    if (claim.userId !== descriptor.creator.userId) throw new BroadcastError('role_missing', 'only the channel creator may revoke subscribers');
    if (userId === descriptor.creator.userId) throw new BroadcastError('role_missing', 'the channel creator cannot be revoked');
    if (this.deps.store.isRevoked(channelId, userId)) throw new BroadcastError('subscriber_revoked', `${userId} is already revoked on ${channelId}`);
    return { version: await this.appendRevocation(channelId, userId), revokedUserId: userId };
  }

  /** Revokes `userId` on `channelId`: a new key pair, sealed at rest, as the version they cannot fetch. */
  private async appendRevocation(channelId: string, userId: string): Promise<number> {
    const pair = await generateChannelKeyPair(this.deps.crypto);
    try {
      return this.deps.store.revoke(channelId, userId, {
        publicKey: pair.publicKey,
        seal: (v) => this.deps.masterKey.seal(channelId, v, pair.privateKey),
        createdAt: this.deps.now(),
      });
    } finally {
      pair.privateKey.fill(0);
    }
  }

  /**
   * Offboarding (admin/broadcastOffboarding.ts): revokes `userId` on every channel of this key manager they
   * could read or publish on — as its creator, through a rule given the `roles` they held, or as a recorded
   * publisher — appending a version they cannot fetch, exactly as the creator's revocation does. Channels
   * where they are revoked already are skipped, so a repeat (after a crash) changes nothing.
   */
  async withdrawUser(userId: string, roles: readonly string[]): Promise<{ channelId: string; version: number }[]> {
    const rotated = [];
    for (const channelId of this.deps.store.channelIds()) {
      if (this.deps.store.isRevoked(channelId, userId)) continue;
      const descriptor = JSON.parse(this.deps.store.descriptor(channelId)!) as Pick<ChannelDescriptor, 'creator' | 'publisherRule' | 'subscriberRule'>;
      const subject = { userId, roles };
      const reached =
        descriptor.creator.userId === userId ||
        ruleAllows(descriptor.subscriberRule, subject) ||
        ruleAllows(descriptor.publisherRule, subject) ||
        this.deps.store.hasPublisher(channelId, userId);
      if (!reached) continue;
      rotated.push({ channelId, version: await this.appendRevocation(channelId, userId) });
    }
    return rotated;
  }

  /**
   * Reactivation (admin/broadcastOffboarding.ts): lifts the revocations `withdrawUser` made on `channelIds`,
   * so the user is served again once a rule admits them (their grants stay withdrawn); the versions made
   * then stay. Answers the channels lifted.
   */
  restoreUser(userId: string, channelIds: readonly string[]): string[] {
    return channelIds.filter((channelId) => this.deps.store.unrevoke(channelId, userId));
  }

  /** Publisher certificates, and the revoked users whose signatures count only before their revocation. */
  publishers(channelId: string): { publishers: DeviceCertificate[]; revoked: { userId: string; revokedAt: number }[] } {
    if (this.deps.store.descriptor(channelId) === undefined) throw new BroadcastError('channel_unknown', `no channel ${channelId} on this key manager`);
    return {
      publishers: this.deps.store.publishers(channelId).map((c) => JSON.parse(c) as DeviceCertificate),
      revoked: this.deps.store.revocations(channelId),
    };
  }

  private async authorize(channelId: string, claimToken: string, certificate: DeviceCertificate, capability: Capability): Promise<DeviceCertificate> {
    const descriptor = await this.descriptor(channelId);
    const claim = await this.deps.claims.verify(claimToken);
    await this.deps.gate?.(claim.userId);
    const rule: ChannelRule = capability === 'publish' ? descriptor.publisherRule : descriptor.subscriberRule;
    const isCreator = claim.userId === descriptor.creator.userId;
    if (!isCreator && this.deps.store.isRevoked(channelId, claim.userId))
      throw new BroadcastError('subscriber_revoked', `${claim.userId} has been revoked from ${channelId}`);
    if (!isCreator && !ruleAllows(rule, subjectOf(claim))) throw new BroadcastError('role_missing', `the claim does not grant ${capability} on ${channelId}`);
    return verifyDeviceCertificate(this.deps.crypto, certificate, { userId: claim.userId, accountKey: claim.accountKey, deviceId: claim.deviceId });
  }
}

function subjectOf(claim: VerifiedClaim) {
  return { userId: claim.userId, roles: claim.roles };
}
