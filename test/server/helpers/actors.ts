/**
 * Test actors for key-service scenarios: a user with an account identity key and one or more devices,
 * each with real X25519/Ed25519 keys and a certificate signed by the account key, driving the HTTP API
 * the way a client does (register, log in, register the device, create conversations from a signed
 * genesis, sign membership statements after the current head, rotate for that head).
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { toBase64Url } from '../../../src/common/encoding/base64url';
import type { HistoryPolicy, Role } from '../../../src/common/domain';
import type { ConversationId, DeviceId, UserId } from '../../../src/common/ids';
import { signDeviceCertificate } from '../../../src/common/protocol/deviceCertificate';
import { signDeviceRevocation, type DeviceRevocation } from '../../../src/common/protocol/deviceRevocation';
import { signDeviceSessionChallenge } from '../../../src/common/protocol/deviceSession';
import { generateAccountIdentity, generateDeviceKeys, type AccountIdentityKeyPair, type DeviceKeyPairs } from '../../../src/common/protocol/identity';
import { createKeyVersionRecord, type KeyVersionRecord } from '../../../src/common/protocol/keyVersionRecord';
import { unwrapKey, wrapKey } from '../../../src/common/protocol/keyWrap';
import type { MembershipHead } from '../../../src/common/protocol/membershipHead';
import { signMembershipStatement, type MembershipChange, type MembershipStatement } from '../../../src/common/protocol/membershipStatement';
import { createWrapGrant, type WrapGrant } from '../../../src/common/protocol/wrapGrant';
import { chooseCryptoProvider } from '../../../src/node/crypto/providers';
import type { Api, Reply } from './client';

export const crypto = chooseCryptoProvider().provider;
export const PASSWORD = 'correct horse battery staple';

export interface Device {
  readonly deviceId: DeviceId;
  readonly keys: DeviceKeyPairs;
  token: string;
  refreshToken: string;
}

export interface Actor {
  readonly username: string;
  readonly userId: UserId;
  readonly account: AccountIdentityKeyPair;
  readonly devices: Device[];
  /**
   * An access token for the routes any device of the user may call: a device-bound session of the first
   * device, opened by its signed challenge (its own session, apart from `device(actor).token`'s). Before the
   * actor has a device, the password-only token.
   */
  userToken: string;
  /** A password-only session's access token: what a stolen password gets (docs/api.md "Sessions"). */
  passwordToken: string;
}

export function device(actor: Actor, index = 0): Device {
  const d = actor.devices[index];
  if (!d) throw new Error(`actor ${actor.username} has no device ${index}`);
  return d;
}

export interface Pair {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly deviceId: DeviceId | null;
  readonly user: { userId: UserId };
}

/** A password-only session (docs/api.md "Sessions"). */
export async function login(api: Api, username: string, password = PASSWORD): Promise<Pair> {
  const res = await api.post<Pair>('/v1/auth/login', { username, password });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** A fresh challenge and the device's answer to it (docs/protocol.md §16), as sent to /v1/auth/device-session. */
export async function deviceProof(api: Api, d: Pick<Device, 'deviceId' | 'keys'>) {
  const challenge = await api.post<{ challengeId: string; nonce: string; expiresAt: number }>('/v1/auth/challenge', undefined);
  expect(challenge.status, JSON.stringify(challenge.body)).toBe(201);
  const { challengeId, nonce } = challenge.body;
  const signature = await signDeviceSessionChallenge(crypto, { challengeId, deviceId: d.deviceId, nonce }, d.keys.ed25519.privateKey);
  return { challengeId, deviceId: d.deviceId, signature, nonce };
}

/** A device-bound session opened by the device's signed challenge. */
export async function deviceSession(api: Api, d: Pick<Device, 'deviceId' | 'keys'>): Promise<Pair> {
  const { challengeId, deviceId, signature } = await deviceProof(api, d);
  const res = await api.post<Pair>('/v1/auth/device-session', { challengeId, deviceId, signature });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** The account's signed statement that `deviceId` is revoked (docs/protocol.md §17). */
export function revocationOf(actor: Actor, deviceId: string, revokedAt = Date.now()): Promise<DeviceRevocation> {
  return signDeviceRevocation(crypto, { v: 1, userId: actor.userId, deviceId: deviceId as DeviceId, revokedAt }, actor.account.privateKey);
}

/** Revokes one of the actor's devices with a signed statement, from `token` (default: the actor's device token). */
export async function revokeDevice(api: Api, actor: Actor, deviceId: string, token = actor.userToken) {
  return api.call('DELETE', `/v1/devices/${deviceId}`, { token, body: { revocation: await revocationOf(actor, deviceId) } });
}

/** Logs in afresh and registers a new device with a certificate signed by the account key. */
export async function addDevice(api: Api, actor: Actor, name = `device-${actor.devices.length + 1}`, opts: { hybrid?: boolean } = {}): Promise<Device> {
  const session = await login(api, actor.username);
  const generated = await generateDeviceKeys(crypto);
  // A device made before X-Wing unless `hybrid` (docs/protocol.md §5.1): its certificate has no X-Wing key.
  const keys = opts.hybrid === true ? generated : { x25519: generated.x25519, ed25519: generated.ed25519 };
  const deviceId = toBase64Url(randomBytes(16)) as DeviceId;
  const certificate = await signDeviceCertificate(
    crypto,
    {
      v: 1,
      userId: actor.userId,
      deviceId,
      deviceName: name,
      platform: 'cli',
      x25519: toBase64Url(keys.x25519.publicKey),
      ed25519: toBase64Url(keys.ed25519.publicKey),
      ...(keys.xwing ? { xwing: toBase64Url(keys.xwing.publicKey) } : {}),
      createdAt: Date.now(),
      accountKey: toBase64Url(actor.account.publicKey),
    },
    actor.account.privateKey,
  );
  const res = await api.post<{ accessToken: string }>('/v1/devices', { certificate }, session.accessToken);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const d: Device = { deviceId, keys, token: res.body.accessToken, refreshToken: session.refreshToken };
  actor.devices.push(d);
  return d;
}

/** Registers a user and `devices` devices (default one). */
export async function newActor(api: Api, label: string, devices = 1): Promise<Actor> {
  const username = `${label}-${randomBytes(4).toString('hex')}`.toLowerCase();
  const reg = await api.post<{ user: { userId: UserId } }>('/v1/accounts', { username, password: PASSWORD, displayName: label });
  expect(reg.status, JSON.stringify(reg.body)).toBe(201);
  const session = await login(api, username);
  const actor: Actor = {
    username,
    userId: reg.body.user.userId,
    account: await generateAccountIdentity(crypto),
    devices: [],
    userToken: session.accessToken,
    passwordToken: session.accessToken,
  };
  for (let i = 0; i < devices; i++) await addDevice(api, actor);
  if (devices > 0) actor.userToken = (await deviceSession(api, device(actor))).accessToken;
  return actor;
}

export interface DeviceInfo {
  readonly deviceId: DeviceId;
  readonly x25519: Uint8Array;
  readonly xwing?: Uint8Array;
}

/** The certified devices of a user, as the directory lists them. */
export async function devicesOf(api: Api, token: string, userId: string): Promise<DeviceInfo[]> {
  const res = await api.get<{ devices: { deviceId: DeviceId; certificate: { x25519: string; xwing?: string } }[] }>(`/v1/users/${userId}/devices`, token);
  expect(res.status).toBe(200);
  return res.body.devices.map((d) => ({
    deviceId: d.deviceId,
    x25519: Buffer.from(d.certificate.x25519, 'base64url'),
    ...(d.certificate.xwing !== undefined ? { xwing: Buffer.from(d.certificate.xwing, 'base64url') } : {}),
  }));
}

/** A fresh conversation id (what a client chooses: 16 random bytes, base64url). */
export const freshConversationId = () => toBase64Url(randomBytes(16)) as ConversationId;

/** Signs `change` as `actor`'s device `deviceIndex`, after `after` (null: a genesis). */
export function signStatement(
  actor: Actor,
  conversationId: ConversationId,
  change: MembershipChange,
  after: MembershipHead | null,
  deviceIndex = 0,
): Promise<MembershipStatement> {
  const d = device(actor, deviceIndex);
  return signMembershipStatement(crypto, {
    conversationId,
    after,
    at: Date.now(),
    actor: actor.userId,
    actorDevice: d.deviceId,
    change,
    signingPrivateKey: d.keys.ed25519.privateKey,
  });
}

/** The genesis of a conversation `owner` creates with `members` (user id → role). */
export function genesisOf(
  owner: Actor,
  conversationId: ConversationId,
  members: readonly { actor: Actor; role: Exclude<Role, 'owner'> }[],
  kind: 'direct' | 'group' = 'group',
  historyPolicy: HistoryPolicy = 'shared',
): Promise<MembershipStatement> {
  const list = [{ userId: owner.userId, role: 'owner' as Role }, ...members.map((m) => ({ userId: m.actor.userId, role: m.role }))];
  return signStatement(owner, conversationId, { type: 'create', kind, historyPolicy, members: list }, null);
}

/** Creates a group of `owner` and `members` (plain members) from the owner's signed genesis. */
export async function createGroup(api: Api, owner: Actor, members: Actor[], historyPolicy: HistoryPolicy = 'shared'): Promise<ConversationId> {
  const conversationId = freshConversationId();
  const genesis = await genesisOf(
    owner,
    conversationId,
    members.map((actor) => ({ actor, role: 'member' })),
    'group',
    historyPolicy,
  );
  const res = await api.post<{ conversationId: ConversationId }>('/v1/conversations', { genesis, name: 'test group' }, device(owner).token);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.body.conversationId).toBe(conversationId);
  return conversationId;
}

/** The conversation's membership head as its view names it. */
export async function headOf(api: Api, actor: Actor, conversationId: string): Promise<MembershipHead | null> {
  const res = await api.get<{ membershipHead: MembershipHead | null }>(`/v1/conversations/${conversationId}`, actor.userToken);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.membershipHead;
}

/** Signs `change` as `actor` after the current head and posts it (with `wraps` for an add); the answer as it is. */
export async function appendStatement(
  api: Api,
  actor: Actor,
  conversationId: ConversationId,
  change: MembershipChange,
  opts: { wraps?: unknown[]; deviceIndex?: number } = {},
): Promise<Reply> {
  const deviceIndex = opts.deviceIndex ?? 0;
  const statement = await signStatement(actor, conversationId, change, await headOf(api, actor, conversationId), deviceIndex);
  return api.post(
    `/v1/conversations/${conversationId}/membership`,
    { statement, ...(opts.wraps ? { wraps: opts.wraps } : {}) },
    device(actor, deviceIndex).token,
  );
}

/** Like appendStatement, expecting it to be accepted (201). */
export async function changeMembership(
  api: Api,
  actor: Actor,
  conversationId: ConversationId,
  change: MembershipChange,
  opts: { wraps?: unknown[]; deviceIndex?: number } = {},
): Promise<void> {
  const res = await appendStatement(api, actor, conversationId, change, opts);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

/** Builds a signed record of `version` for `recipients` and the membership head `membership`, created by `creator`. */
export async function buildRecord(
  creator: Device,
  conversationId: ConversationId,
  version: number,
  recipients: DeviceInfo[],
  membership: MembershipHead | null,
  key?: Uint8Array,
) {
  return createKeyVersionRecord(crypto, {
    conversationId,
    version,
    createdAt: Date.now(),
    createdByDevice: creator.deviceId,
    signingPrivateKey: creator.keys.ed25519.privateKey,
    recipients: recipients.map((r) => ({ deviceId: r.deviceId, x25519PublicKey: r.x25519, ...(r.xwing ? { xwingPublicKey: r.xwing } : {}) })),
    ...(membership ? { membership } : {}),
    ...(key ? { conversationKey: key } : {}),
  });
}

/** The member devices of a conversation per the directory (what a client wraps to). */
export async function memberDevicesOf(api: Api, actor: Actor, conversationId: string): Promise<DeviceInfo[]> {
  const conv = await api.get<{ members: { userId: string }[] }>(`/v1/conversations/${conversationId}`, actor.userToken);
  expect(conv.status).toBe(200);
  const all: DeviceInfo[] = [];
  for (const m of conv.body.members) all.push(...(await devicesOf(api, actor.userToken, m.userId)));
  return all;
}

/** Creates and submits the next version from `creator`'s device for the current head; returns the key and record. */
export async function rotate(
  api: Api,
  actor: Actor,
  conversationId: ConversationId,
  version: number,
  deviceIndex = 0,
): Promise<{ key: Uint8Array; record: KeyVersionRecord }> {
  const creator = device(actor, deviceIndex);
  const head = await headOf(api, actor, conversationId);
  const { record, conversationKey } = await buildRecord(creator, conversationId, version, await memberDevicesOf(api, actor, conversationId), head);
  const res = await api.post(`/v1/conversations/${conversationId}/versions`, { record }, creator.token);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { key: conversationKey, record };
}

interface FetchedVersion {
  version: number;
  wrap: { deviceId: DeviceId; suite?: 'xwing'; enc: string; ct: string };
  record: { memberDevices: string[] };
  grants: WrapGrant[];
}

/** Opens a fetched wrap with the device's private key. */
export function openWrap(d: Device, conversationId: string, fetched: FetchedVersion): Promise<Uint8Array> {
  return unwrapKey(crypto, {
    purpose: 'conversation',
    scopeId: conversationId,
    version: fetched.version,
    wrap: fetched.wrap,
    deviceId: d.deviceId,
    privateKey: d.keys.x25519.privateKey,
    ...(d.keys.xwing ? { xwingPrivateKey: d.keys.xwing.privateKey } : {}),
  });
}

/** Wraps of existing versions for `devices`, each with `granter`'s signed grant (docs/protocol.md §6.5). */
export async function wrapsFor(conversationId: string, entries: { version: number; key: Uint8Array }[], devices: DeviceInfo[], granter: Device) {
  const out = [];
  for (const e of entries) {
    for (const d of devices) {
      const w = await wrapKey(crypto, {
        purpose: 'conversation',
        scopeId: conversationId,
        version: e.version,
        recipientDeviceId: d.deviceId,
        recipientPublicKey: d.x25519,
        ...(d.xwing ? { recipientXWingPublicKey: d.xwing } : {}),
        key: e.key,
      });
      const grant = await createWrapGrant(crypto, {
        conversationId: conversationId as ConversationId,
        version: e.version,
        wrap: w,
        grantedBy: granter.deviceId,
        grantedAt: Date.now(),
        signingPrivateKey: granter.keys.ed25519.privateKey,
      });
      out.push({ ...w, version: e.version, grant });
    }
  }
  return out;
}

export type { FetchedVersion };
