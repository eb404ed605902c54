/**
 * Broadcast on a real key service for identity tests: a channel created on the default key manager
 * (`<key service>/km`) from a descriptor signed by the creator's certified device and listed in the
 * directory, the way the broadcast client does it (docs/broadcast.md §1, §2.1) — over plain HTTP, so a
 * test can also play the attacker with raw requests; SCIM requests; the admin CLI on the service's store.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { signDescriptor } from '../../../src/common/broadcast/descriptor';
import { toBase64Url } from '../../../src/common/encoding/base64url';
import type { ChannelId } from '../../../src/common/ids';
import { runAdmin } from '../../../src/server/adminCli';
import { crypto, device, type Actor } from '../../server/helpers/actors';
import type { Running } from '../../server/helpers/service';

export const SCIM_TOKEN = randomBytes(32).toString('base64url');
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export interface Answer {
  status: number;
  body: Record<string, unknown> & { error?: { code: string; message: string } };
}

async function call(url: string, method: string, body: unknown, headers: Record<string, string>): Promise<Answer> {
  const res = await fetch(url, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': headers['x-scim'] ? 'application/scim+json' : 'application/json' }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Answer['body']) };
}

/** A SCIM request with the identity provider's bearer token (or another, or none). */
export function scim(ks: Running, method: string, path: string, body?: unknown, token: string | null = SCIM_TOKEN): Promise<Answer> {
  return call(`${ks.service.url}/scim/v2${path}`, method, body, { 'x-scim': '1', ...(token === null ? {} : { authorization: `Bearer ${token}` }) });
}

/** A JSON POST (key manager routes take the claim in the body). */
export function post(url: string, body: unknown, token?: string): Promise<Answer> {
  return call(url, 'POST', body, token === undefined ? {} : { authorization: `Bearer ${token}` });
}

/** The admin CLI on the key service's own store, as the operator runs it. */
export function admin(ks: Running, ...args: string[]): Promise<unknown> {
  return runAdmin(['--data', ks.store.dataDir, ...(ks.store.databaseUrl ? ['--database-url', ks.store.databaseUrl] : []), ...args], {}, 'cli:test');
}

const certificates = new Map<string, unknown>();

/** The actor's device certificate (kept, as the device keeps its own: an offboarded device still has it). */
export async function certificateOf(ks: Running, actor: Actor): Promise<unknown> {
  const deviceId = device(actor).deviceId;
  if (!certificates.has(deviceId)) {
    const res = await ks.api.get<{ device: { certificate: unknown } }>(`/v1/devices/${deviceId}`, actor.userToken);
    expect(res.status).toBe(200);
    certificates.set(deviceId, res.body.device.certificate);
  }
  return certificates.get(deviceId);
}

/** A role claim the key service issues to the actor's device for the default key manager. */
export async function claimOf(ks: Running, actor: Actor): Promise<{ status: number; claim: string; roles: string[]; code?: string }> {
  const res = await post(`${ks.service.url}/v1/broadcast/claims`, { audience: `${ks.service.url}/km` }, device(actor).token);
  return { status: res.status, claim: res.body.claim as string, roles: res.body.roles as string[], ...(res.body.error ? { code: res.body.error.code } : {}) };
}

/** Alice's channel on the default key manager, listed in the directory: its id. */
export async function createListedChannel(ks: Running, creator: Actor): Promise<ChannelId> {
  const channelId = toBase64Url(randomBytes(16)) as ChannelId;
  const descriptor = await signDescriptor(
    crypto,
    {
      v: 1,
      channelId,
      name: 'All hands',
      creator: { userId: creator.userId, deviceId: device(creator).deviceId },
      publisherRule: { type: 'role', role: `publisher:${channelId}` },
      subscriberRule: { type: 'role', role: `subscriber:${channelId}` },
      keyManagerUrl: `${ks.service.url}/km`,
      createdAt: Date.now(),
      creatorCertificate: (await certificateOf(ks, creator)) as never,
    },
    device(creator).keys.ed25519.privateKey,
  );
  const made = await post(`${ks.service.url}/km/v1/channels`, { claim: (await claimOf(ks, creator)).claim, descriptor });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  const listed = await post(`${ks.service.url}/v1/broadcast/directory`, { descriptor }, device(creator).token);
  expect(listed.status, JSON.stringify(listed.body)).toBe(201);
  return channelId;
}

/** The channel keys the actor's device fetches with `claim` (default: a fresh one). */
export async function fetchKeys(ks: Running, actor: Actor, channelId: string, claim?: string): Promise<Answer> {
  return post(`${ks.service.url}/km/v1/channels/${channelId}/keys`, {
    claim: claim ?? (await claimOf(ks, actor)).claim,
    certificate: await certificateOf(ks, actor),
  });
}

/** The publishing key the actor's device fetches with `claim` (default: a fresh one). */
export async function fetchPublicKey(ks: Running, actor: Actor, channelId: string, claim?: string): Promise<Answer> {
  return post(`${ks.service.url}/km/v1/channels/${channelId}/public-key`, {
    claim: claim ?? (await claimOf(ks, actor)).claim,
    certificate: await certificateOf(ks, actor),
  });
}

/** The owner grants a per-channel role. */
export async function grant(ks: Running, owner: Actor, channelId: string, userId: string, kind: 'subscriber' | 'publisher'): Promise<void> {
  const res = await post(`${ks.service.url}/v1/broadcast/channels/${channelId}/grants`, { userId, kind }, owner.userToken);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}
