/**
 * The client-core world for the end-to-end sections (rotation, send-to-decrypted; docs/benchmarks.md): the
 * real relay (Access Manager on) and the real key service (SQLite) in this process, and many simulated
 * members, each the real `Client` facade with `InMemoryVaultForTests` (the vault made for running many
 * clients in one process) and its own profile directory. Creating members is setup, not measured: accounts
 * register in parallel batches through `Client.register`; a second device of an account logs in over the
 * key-service HTTP API, is certified with the account identity key (docs/api.md §Devices) and is opened as
 * a restored profile (`Client.open` over its vault and profile state), so no device-linking round trips are
 * needed. For groups larger than a one-process bench can hold as clients (5,000 x 2), `registerAccounts`
 * makes members that are only accounts on the key service — registered, with an identity key and two
 * certified devices, over the same HTTP API — but no `Client`: they receive nothing and are not sampled.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import path from 'node:path';
import { newDeviceId, type DeviceId, type UserId } from '../../src/common/ids';
import { generateAccountIdentity, generateDeviceKeys } from '../../src/common/protocol/identity';
import { Client, certifyAndRegister, KeyServiceApi, ProfileState, InMemoryVaultForTests } from '../../src/client';
import { startRelay } from '../../src/relay/index';
import { startRelayProcess } from './relayProcess';
import { startKeyService, type KeyService } from '../../src/server/index';
import { provider } from './fixtures';

export const PUB = 'pub-c-bench';
export const SUB = 'sub-c-bench';
export const SECRET = 'sec-c-bench-secret';
export const PASSWORD = 'bench horse battery staple';

export interface CoreWorld {
  /** The relay: in this process, or in its own (`relayProcess`), as PubNub is another party's machines. */
  readonly relay: { readonly origin: string };
  readonly keyService: KeyService;
  /** The key service's data directory (its SQLite database; the admin CLI opens it). */
  readonly serviceDir: string;
  /** Opens a fresh, signed-out profile. */
  newClient(label: string): Promise<Client>;
  /** Closes `client` with the world. */
  adopt(client: Client): Client;
  close(): Promise<void>;
}

/** One simulated account: its first device registered it; `second` is present when asked for. */
export interface Member {
  readonly userId: UserId;
  readonly username: string;
  readonly first: Client;
  /** The first device's vault (its keys, for measuring one stage of a flow alone). */
  readonly firstVault: InMemoryVaultForTests;
  readonly second?: Client;
}

/** Starts a relay and a key service wired to it (test-strength password hashing: setup is not measured). */
export async function startCoreWorld(tmpDir: string, opts: { relayProcess?: boolean } = {}): Promise<CoreWorld> {
  const root = mkdtempSync(path.join(tmpDir, 'core-'));
  const relayDir = path.join(root, 'relay');
  const relay: { origin: string; close(): Promise<void> } = opts.relayProcess
    ? await startRelayProcess(relayDir, 20_000, { secretKey: SECRET, publishKey: PUB, subscribeKey: SUB }).then((r) => ({ origin: r.origin, close: r.stop }))
    : await startRelay({ port: 0, dataDir: relayDir, secretKey: SECRET, publishKey: PUB, subscribeKey: SUB });
  const serviceDir = path.join(root, 'service');
  const keyService = await startKeyService({
    port: 0,
    dataDir: serviceDir,
    jwtSecret: 'bench-core-secret-0123456789abcdef',
    passwordCost: { memoryCost: 1024, timeCost: 1 },
    rateLimits: { perIp: { limit: 1_000_000, windowMs: 60_000 }, perAccount: { limit: 1_000_000, windowMs: 60_000 } },
    bodyLimitBytes: 16 * 1024 * 1024,
    pubnub: { origin: relay.origin, ssl: false, publishKey: PUB, subscribeKey: SUB, secretKey: SECRET },
    log: () => undefined,
  });
  const clients: Client[] = [];
  let n = 0;
  return {
    relay,
    keyService,
    serviceDir,
    async newClient(label) {
      const dataDir = path.join(root, 'profiles', `${label}-${n++}`);
      mkdirSync(dataDir, { recursive: true });
      const client = await Client.open({
        vault: new InMemoryVaultForTests(),
        keyServiceUrl: keyService.url,
        relay: `http://${relay.origin}`,
        provider,
        dataDir,
        deviceName: label,
      });
      clients.push(client);
      return client;
    },
    adopt(client) {
      clients.push(client);
      return client;
    },
    async close() {
      for (const c of clients.splice(0)) await c.close().catch(() => undefined);
      await keyService.close().catch(() => undefined);
      await relay.close().catch(() => undefined);
    },
  };
}

/** Registers a second, certified device of `member` and opens it as a restored profile. */
async function secondDevice(
  world: CoreWorld,
  root: string,
  member: { userId: UserId; username: string; first: Client },
  vaultOfFirst: InMemoryVaultForTests,
): Promise<Client> {
  const first = await vaultOfFirst.load();
  if (!first) throw new Error(`the first device of ${member.username} holds no keys`);
  const api = new KeyServiceApi(world.keyService.url);
  const pair = await api.request('login', { body: { username: member.username, password: PASSWORD } });
  api.setTokens(pair.accessToken, pair.refreshToken);
  const device = await generateDeviceKeys(provider);
  const deviceId: DeviceId = newDeviceId(provider);
  await certifyAndRegister(api, provider, { userId: member.userId, deviceId, deviceName: 'second device', platform: 'cli', account: first.account, device });
  const dataDir = path.join(root, `${member.username}-second`);
  const vault = new InMemoryVaultForTests();
  await vault.save({ account: first.account, device, refreshToken: pair.refreshToken });
  new ProfileState(dataDir).update((s) => {
    s.session = { userId: member.userId, username: member.username, deviceId, deviceName: 'second device' };
  });
  return world.adopt(
    await Client.open({ vault, keyServiceUrl: world.keyService.url, relay: `http://${world.relay.origin}`, provider, dataDir, deviceName: 'second device' }),
  );
}

/** Creates `count` accounts (with a second device each when `twoDevices`), `batch` at a time. */
export async function createMembers(world: CoreWorld, tmpDir: string, prefix: string, count: number, twoDevices: boolean, batch = 25): Promise<Member[]> {
  const root = mkdtempSync(path.join(tmpDir, `${prefix}-`));
  const members: Member[] = [];
  const one = async (i: number): Promise<Member> => {
    const username = `${prefix}-${String(i).padStart(5, '0')}`;
    const vault = new InMemoryVaultForTests();
    const dataDir = path.join(root, username);
    const first = world.adopt(
      await Client.open({ vault, keyServiceUrl: world.keyService.url, relay: `http://${world.relay.origin}`, provider, dataDir, deviceName: 'first device' }),
    );
    const session = await first.register({ username, password: PASSWORD });
    const base = { userId: session.userId, username: session.username, first, firstVault: vault };
    return twoDevices ? { ...base, second: await secondDevice(world, root, base, vault) } : base;
  };
  for (let i = 0; i < count; i += batch) {
    const ids = Array.from({ length: Math.min(batch, count - i) }, (_, k) => i + k);
    members.push(...(await Promise.all(ids.map(one))));
  }
  return members;
}

/**
 * Registers `count` accounts with `devices` certified devices each over the key-service HTTP API, `batch`
 * at a time, without opening a `Client` for any of them (the key service sees exactly what a client's
 * registration and a second device's enrolment send: account, identity key, certificates). Answers their
 * user ids.
 */
export async function registerAccounts(world: CoreWorld, prefix: string, count: number, devices = 2, batch = 50): Promise<UserId[]> {
  const one = async (i: number): Promise<UserId> => {
    const username = `${prefix}-${String(i).padStart(5, '0')}`;
    const api = new KeyServiceApi(world.keyService.url);
    await api.request('register', { body: { username, password: PASSWORD, displayName: username } });
    const account = await generateAccountIdentity(provider);
    let userId: UserId | undefined;
    for (let d = 0; d < devices; d++) {
      const session = d === 0 ? api : new KeyServiceApi(world.keyService.url);
      const pair = await session.request('login', { body: { username, password: PASSWORD } });
      session.setTokens(pair.accessToken, pair.refreshToken);
      userId = pair.user.userId as UserId;
      const device = await generateDeviceKeys(provider);
      await certifyAndRegister(session, provider, { userId, deviceId: newDeviceId(provider), deviceName: `device ${d + 1}`, platform: 'cli', account, device });
    }
    if (userId === undefined) throw new Error(`${username}: an account needs at least one device`);
    return userId;
  };
  const ids: UserId[] = [];
  for (let i = 0; i < count; i += batch) {
    ids.push(...(await Promise.all(Array.from({ length: Math.min(batch, count - i) }, (_, k) => one(i + k)))));
  }
  return ids;
}
