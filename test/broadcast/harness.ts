/**
 * Test fixtures for broadcast: a claim issuer, key managers (each over its own temp dir), the relay with
 * real `pubnub` SDK clients, and users with certified devices whose role claims the tests control.
 * Everything started is closed by `cleanup()`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PubNub from 'pubnub';
import { signDescriptor, type ChannelDescriptor, type UnsignedDescriptor } from '../../src/common/broadcast/descriptor';
import type { ChannelId } from '../../src/common/ids';
import { createBroadcastClient, type BroadcastClient } from '../../src/client/broadcast/broadcastClient';
import { sessionRequester } from '../../src/client/broadcast/keyServiceSession';
import { keyServiceClaims, keyServiceDirectory } from '../../src/client/broadcast/keyServiceDirectory';
import type { AccountKeySource, ClaimSource } from '../../src/client/broadcast/types';
import { NotFoundError } from '../../src/client/errors';
import { startClaimIssuer, type ClaimIssuerServer } from '../../src/server/claims/claimServer';
import { startKeyManager, type RunningKeyManager, type StartKeyManagerOptions, type TrustedIssuer } from '../../src/server/keyManager/index';
import { startRelay, type RunningRelay } from '../../src/relay/index';
import { makeDevice, makeUser, provider, type TestDevice, type TestUser } from '../crypto/fixtures';
import { addDevice, device, deviceSession, newActor, type Actor } from '../server/helpers/actors';
import type { Api } from '../server/helpers/client';

export { provider };

const closers: (() => Promise<void> | void)[] = [];

/** Someone whose account key a client may have pinned. */
export interface Pinnable {
  readonly userId: string;
  readonly account: { readonly publicKey: Uint8Array };
}

/**
 * The account keys a client has pinned, as the test knows them — what the client core's `Directory`
 * holds after first use or a safety-number check. A user not in the list is `not_found`.
 */
export function pinnedKeys(known: () => readonly (Pinnable | undefined)[]): AccountKeySource {
  return async (userId) => {
    const hit = known().find((p) => p?.userId === userId);
    if (!hit) throw new NotFoundError(`a pinned account key for user ${userId}`);
    return hit.account.publicKey;
  };
}

/** Every person made by `person()` in this file: the keys their clients have pinned. */
const people: Person[] = [];

export function tempDir(prefix = 'seed-bcast-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  closers.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export async function issuer(): Promise<ClaimIssuerServer & { dataDir: string }> {
  const dataDir = tempDir();
  const server = await startClaimIssuer({ dataDir });
  closers.push(() => server.close());
  return { ...server, dataDir };
}

/** A descriptor for `channelId` on `keyManagerUrl`, signed by the person's device. */
export function descriptorBy(p: Person, keyManagerUrl: string, channelId: string, over: Partial<UnsignedDescriptor> = {}): Promise<ChannelDescriptor> {
  return signDescriptor(
    provider,
    {
      v: 1,
      channelId: channelId as ChannelId,
      name: 'News',
      creator: { userId: p.user.userId, deviceId: p.device.deviceId },
      publisherRule: { type: 'role', role: `publisher:${channelId}` },
      subscriberRule: { type: 'role', role: `subscriber:${channelId}` },
      keyManagerUrl,
      createdAt: 1_700_000_000_000,
      creatorCertificate: p.device.certificate,
      ...over,
    },
    p.device.keys.ed25519.privateKey,
  );
}

/** POSTs JSON; resolves with status and parsed body. */
export async function post(url: string, body: unknown): Promise<{ status: number; body: { error?: { code: string } } & Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { error?: { code: string } } & Record<string, unknown> };
}

export function trustOf(...issuers: ClaimIssuerServer[]): TrustedIssuer[] {
  return issuers.map((i) => ({ issuer: i.url, jwksUrl: i.jwksUrl }));
}

export async function keyManager(
  trusted: TrustedIssuer[],
  dataDir = tempDir(),
  port = 0,
  extra: Partial<Pick<StartKeyManagerOptions, 'publicUrl' | 'requirePostQuantum'>> = {},
): Promise<RunningKeyManager & { dataDir: string }> {
  const km = await startKeyManager({ dataDir, trustedIssuers: trusted, port, log: () => undefined, ...extra });
  closers.push(() => km.close());
  return { ...km, close: () => km.close(), dataDir };
}

export const PUB_KEY = 'pub-c-bcast';
export const SUB_KEY = 'sub-c-bcast';

/** A relay; with `secretKey` it enforces Access Manager tokens. */
export async function relay(secretKey?: string): Promise<RunningRelay> {
  const r = await startRelay({ dataDir: tempDir(), ...(secretKey ? { secretKey, publishKey: PUB_KEY, subscribeKey: SUB_KEY } : {}) });
  closers.push(() => r.close());
  return r;
}

export function pubnubFor(r: RunningRelay, userId: string): PubNub {
  const pubnub = new PubNub({ publishKey: PUB_KEY, subscribeKey: SUB_KEY, userId, origin: r.origin, ssl: false });
  closers.push(() => {
    pubnub.unsubscribeAll();
    pubnub.destroy(true);
  });
  return pubnub;
}

/** A user with one certified device and a role list the test can change. */
export interface Person {
  readonly user: TestUser;
  readonly device: TestDevice;
  roles: string[];
  readonly claims: ClaimSource;
}

/**
 * A person whose one device is made by a current version — its certificate has an X-Wing key, so channel
 * keys come X-Wing-wrapped (docs/protocol.md §5.1) — or, with `hybrid: false`, by a version before X-Wing.
 */
export async function person(name: string, iss: ClaimIssuerServer, roles: string[] = [], opts: { hybrid?: boolean } = {}): Promise<Person> {
  const made = await makeUser(name, 0);
  const device = await makeDevice(made.userId, made.account, `${name}-dev0`, 'desktop', { hybrid: opts.hybrid ?? true });
  const user: TestUser = { ...made, devices: [device] };
  const p: Person = {
    user,
    device,
    roles,
    claims: (audience) => iss.issuer.issue({ userId: user.userId, audience, roles: p.roles, accountKey: user.account.publicKey }),
  };
  people.push(p);
  return p;
}

export function clientOf(p: Person, pubnub: PubNub, keyManagerTimeoutMs?: number, signal?: AbortSignal): BroadcastClient {
  return createBroadcastClient({
    crypto: provider,
    device: {
      userId: p.user.userId,
      deviceId: p.device.deviceId,
      certificate: p.device.certificate,
      x25519PrivateKey: p.device.keys.x25519.privateKey,
      ed25519PrivateKey: p.device.keys.ed25519.privateKey,
      ...(p.device.keys.xwing ? { xwingPrivateKey: p.device.keys.xwing.privateKey } : {}),
    },
    claims: p.claims,
    accountKeys: pinnedKeys(() => people.map((q) => q.user)),
    pubnub,
    ...(keyManagerTimeoutMs === undefined ? {} : { keyManagerTimeoutMs }),
    ...(signal === undefined ? {} : { signal }),
  });
}

/**
 * A key-service user whose one device is made by a current version (an X-Wing key in its certificate), or
 * with `hybrid: false` by a version before X-Wing.
 */
export async function keyServiceActor(api: Api, label: string, opts: { hybrid?: boolean } = {}): Promise<Actor> {
  const actor = await newActor(api, label, 0);
  await addDevice(api, actor, 'device-1', { hybrid: opts.hybrid ?? true });
  actor.userToken = (await deviceSession(api, actor.devices[0]!)).accessToken;
  return actor;
}

/**
 * Broadcast clients of key-service actors against a running key service (its claims, directory and the
 * key manager it hosts): each actor's first device, its certificate as the key service lists it.
 */
export function keyServiceBroadcast(keyService: () => { url: string; api: Api }, r: () => RunningRelay, people: () => readonly Actor[]) {
  const sessionOf = (actor: Actor) => sessionRequester({ url: keyService().url, accessToken: async () => device(actor).token });
  const claimsOf = (actor: Actor) => keyServiceClaims(sessionOf(actor));
  const certificateOf = async (actor: Actor) =>
    (await keyService().api.get<{ device: { certificate: never } }>(`/v1/devices/${device(actor).deviceId}`, actor.userToken)).body.device.certificate;
  const clientOf = async (actor: Actor, pubnubUser: string) =>
    createBroadcastClient({
      crypto: provider,
      device: {
        userId: actor.userId,
        deviceId: device(actor).deviceId,
        certificate: await certificateOf(actor),
        x25519PrivateKey: device(actor).keys.x25519.privateKey,
        ed25519PrivateKey: device(actor).keys.ed25519.privateKey,
        ...xwingKeyOf(actor),
      },
      claims: claimsOf(actor),
      accountKeys: pinnedKeys(people),
      directory: keyServiceDirectory(sessionOf(actor)),
      pubnub: pubnubFor(r(), pubnubUser),
    });
  return { claimsOf, certificateOf, clientOf };
}

/** `{xwingPrivateKey}` of a key-service actor's device when it has an X-Wing key (for `certifiedDevice`), else `{}`. */
export function xwingKeyOf(actor: Actor, index = 0): { xwingPrivateKey?: Uint8Array } {
  const xwing = actor.devices[index]?.keys.xwing;
  return xwing ? { xwingPrivateKey: xwing.privateKey } : {};
}

/** The typed error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<{ code: string; message: string; status?: number | null }> {
  try {
    await promise;
  } catch (err) {
    return err as { code: string; message: string; status?: number | null };
  }
  throw new Error('expected a rejection');
}

export async function waitFor(what: string, condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Resolves when the client's subscribe loop (re)connects; call before subscribing, await after. */
export function connectedOnce(pubnub: PubNub, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out waiting for the subscription to connect')), timeoutMs);
    const listener = {
      status: (event: PubNub.StatusEvent) => {
        if (event.category === 'PNConnectedCategory' || event.category === 'PNSubscriptionChangedCategory') {
          clearTimeout(timer);
          pubnub.removeListener(listener);
          resolve();
        }
      },
    };
    pubnub.addListener(listener);
  });
}

/** Runs `close` at `cleanup()` (servers a test starts itself). */
export function onCleanup(close: () => Promise<void> | void): void {
  closers.push(close);
}

export async function cleanup(): Promise<void> {
  for (const close of closers.splice(0).reverse()) await close();
}
