/**
 * Scenario harness for the client core: a real relay with Access Manager on (tokens enforced), a real key
 * service on SQLite (or PostgreSQL when asked) publishing its notices through the relay, and clients that
 * are the real `Client` facade with an in-memory vault (many simulated clients in one process) and a
 * profile directory each. `cleanup()` closes everything it started.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PubNub from 'pubnub';
import { expect } from 'vitest';
import type { ConversationId } from '../../src/common/ids';
import type { ConversationView } from '../../src/common/messaging/messaging';
import { Client, type ClientDeps } from '../../src/client/client';
import { InMemoryVaultForTests } from '../../src/client/vault';
import { chooseCryptoProvider } from '../../src/node/crypto/providers';
import { startRelay, type RunningRelay } from '../../src/relay/index';
import { startKeyService, type KeyService, type KeyServiceOptions } from '../../src/server/index';
import type { KeyServiceApi } from '../../src/client/keyServiceApi';
import type { SignedIn } from '../../src/client/signedIn';
import { createKeyVersionRecord } from '../../src/common/protocol/keyVersionRecord';

export const provider = chooseCryptoProvider().provider;
export const PASSWORD = 'correct horse battery staple';
export const PUB = 'pub-c-client';
export const SUB = 'sub-c-client';
export const SECRET = 'sec-c-client-secret';

export interface World {
  relay: RunningRelay;
  keyService: KeyService;
  readonly relayDir: string;
  readonly serviceDir: string;
  readonly databaseUrl: string | undefined;
  /** More key-service options (SCIM, sign-in settings), kept across restarts. */
  readonly service?: Partial<KeyServiceOptions>;
}

const dirs: string[] = [];
const clients: Client[] = [];
const worlds: World[] = [];

function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `seed-client-${label}-`));
  dirs.push(dir);
  return dir;
}

async function serviceFor(world: Pick<World, 'serviceDir' | 'databaseUrl' | 'relay' | 'service'>, port = 0): Promise<KeyService> {
  return startKeyService({
    port,
    dataDir: world.serviceDir,
    ...(world.databaseUrl ? { databaseUrl: world.databaseUrl } : {}),
    jwtSecret: 'client-scenario-secret-0123456789abcdef',
    passwordCost: { memoryCost: 1024, timeCost: 1 },
    rateLimits: { perIp: { limit: 100_000, windowMs: 60_000 }, perAccount: { limit: 1_000, windowMs: 60_000 } },
    pubnub: { origin: world.relay.origin, ssl: false, publishKey: PUB, subscribeKey: SUB, secretKey: SECRET },
    log: () => undefined,
    ...world.service,
  });
}

/** Starts a relay (tokens enforced) and a key service wired to it. */
export async function startWorld(opts: { databaseUrl?: string; service?: Partial<KeyServiceOptions> } = {}): Promise<World> {
  const relayDir = tempDir('relay');
  const serviceDir = tempDir('service');
  const relay = await startRelay({ port: 0, dataDir: relayDir, secretKey: SECRET, publishKey: PUB, subscribeKey: SUB });
  const partial = { relay, relayDir, serviceDir, databaseUrl: opts.databaseUrl, ...(opts.service ? { service: opts.service } : {}) };
  const world: World = { ...partial, keyService: await serviceFor(partial) };
  worlds.push(world);
  return world;
}

/** Stops and restarts the key service on the same port and store. */
export async function restartKeyService(world: World): Promise<void> {
  const port = world.keyService.port;
  await world.keyService.close();
  world.keyService = await serviceFor(world, port);
}

/** Stops and restarts the relay on the same port and data dir. */
export async function restartRelay(world: World): Promise<void> {
  const port = world.relay.port;
  await world.relay.close();
  world.relay = await startRelay({ port, dataDir: world.relayDir, secretKey: SECRET, publishKey: PUB, subscribeKey: SUB });
}

/** A fresh profile's client (not signed in); `overrides` replace its dependencies (a proxy's URL, a vault to inspect). */
export async function newClient(world: World, deviceName = 'test device', overrides: Partial<ClientDeps> = {}): Promise<Client> {
  const client = await Client.open({
    vault: new InMemoryVaultForTests(),
    keyServiceUrl: world.keyService.url,
    relay: `http://${world.relay.origin}`,
    provider,
    dataDir: tempDir('profile'),
    deviceName,
    ...overrides,
  });
  clients.push(client);
  return client;
}

export function uniqueName(label: string): string {
  return `${label}-${randomBytes(4).toString('hex')}`;
}

/** A registered user on a fresh profile. */
export async function registered(world: World, label: string): Promise<Client> {
  const client = await newClient(world, `${label}'s device`);
  await client.register({ username: uniqueName(label), password: PASSWORD, displayName: label });
  return client;
}

/** Registered users on fresh profiles, one after another, in the order of `labels`. */
export async function registeredAll<const L extends readonly string[]>(world: World, ...labels: L): Promise<{ -readonly [K in keyof L]: Client }> {
  const out: Client[] = [];
  for (const label of labels) out.push(await registered(world, label));
  return out as { -readonly [K in keyof L]: Client };
}

/** A PubNub client with `client`'s own token: what any member can publish with (the caller destroys it). */
export async function rawPubnub(world: World, client: Client): Promise<PubNub> {
  const token = await apiOf(client).request('getPubnubToken');
  const raw = new PubNub({ subscribeKey: 'sub-c-client', publishKey: 'pub-c-client', userId: client.session().userId, origin: world.relay.origin, ssl: false });
  raw.setToken(token.token);
  return raw;
}

export async function cleanup(): Promise<void> {
  for (const c of clients.splice(0)) await c.close().catch(() => undefined);
  for (const w of worlds.splice(0)) {
    await w.keyService.close().catch(() => undefined);
    await w.relay.close().catch(() => undefined);
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The decrypted texts of a conversation view, in order. */
export function texts(view: ConversationView): string[] {
  return view.items.flatMap((i) => (i.kind === 'message' && i.message.type === 'string' ? [String(i.message.body)] : []));
}

/** Joins, sends a text and waits until it is acknowledged. */
export async function say(client: Client, conversationId: ConversationId, text: string): Promise<void> {
  await client.ensureAccess([conversationId]);
  const messaging = await client.messaging();
  const result = await messaging.send(conversationId, { type: 'string', body: text });
  expect(result, JSON.stringify(result)).toMatchObject({ state: 'sent' });
}

/** Joins a conversation and waits until `expected` texts are all shown. */
export async function reads(client: Client, conversationId: ConversationId, expected: readonly string[]): Promise<string[]> {
  await client.ensureAccess([conversationId]);
  const messaging = await client.messaging();
  if (!messaging.joined().includes(conversationId)) await messaging.join([conversationId]);
  let shown: string[] = [];
  await waitFor(`texts ${JSON.stringify(expected)}`, async () => {
    const view = messaging.view(conversationId);
    if (!view.reachedStart) await messaging.loadOlder(conversationId);
    shown = texts(messaging.view(conversationId));
    return expected.every((t) => shown.includes(t));
  });
  return shown;
}

/** Links a new device to `existing`'s account by code (docs/protocol.md §14); answers the new device's client. */
export async function linkedDevice(world: World, existing: Client, deviceName = 'second device'): Promise<Client> {
  const next = await newClient(world, deviceName);
  const { offer, waitUntilLinked } = await next.startDeviceLink({ username: existing.session().username, password: PASSWORD });
  const linked = waitUntilLinked(() => undefined, { pollMs: 50 });
  const claim = await existing.claimDeviceLink(offer.code);
  await existing.approveDeviceLink(claim.linkId, { pollMs: 50 });
  await linked;
  return next;
}

/** The client's typed key-service client, for asserting what the service refuses (tests only). */
export function apiOf(client: Client): KeyServiceApi {
  return (client as unknown as { api: KeyServiceApi }).api;
}

/** The client's signed-in parts (identity, directory, key ring), for tests that play an older client (tests only). */
export function signedInOf(client: Client): SignedIn {
  const parts = (client as unknown as { account: SignedIn | undefined }).account;
  if (parts === undefined) throw new Error('not signed in');
  return parts;
}

/**
 * Submits key version 1 of a conversation made before membership statements existed, as an older client
 * did: wrapped to the devices of the members the key service lists, naming no membership head.
 */
export async function legacyVersionOne(client: Client, conversationId: ConversationId): Promise<void> {
  const parts = signedInOf(client);
  const api = apiOf(client);
  const view = await api.request('getConversation', { params: { conversationId } });
  const byUser = await parts.directory.devicesOfMany(view.members.map((m) => m.userId));
  const { record, conversationKey } = await createKeyVersionRecord(provider, {
    conversationId,
    version: 1,
    createdAt: Date.now(),
    createdByDevice: parts.identity.deviceId,
    signingPrivateKey: parts.identity.device.ed25519.privateKey,
    recipients: [...byUser.values()].flat().map((d) => ({ deviceId: d.deviceId, x25519PublicKey: d.x25519, ...(d.xwing ? { xwingPublicKey: d.xwing } : {}) })),
  });
  conversationKey.fill(0);
  await api.request('submitKeyVersion', { params: { conversationId }, body: { record } });
}
