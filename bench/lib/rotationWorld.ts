/**
 * A key service with one group and ready-made rotations, for measuring the write path alone
 * (docs/benchmarks.md, section `outbox`): an in-process key service (SQLite, or PostgreSQL in a fresh
 * database), `members` accounts with two certified devices each registered over the HTTP API, one group of
 * all of them, and `records` signed key-version records (versions 1, 2, …) wrapped for every member
 * device, built before anything is timed. `submit()` uploads the next one.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { DeviceId, UserId } from '../../src/common/ids';
import { newConversationId, newDeviceId } from '../../src/common/ids';
import { membershipHash, signMembershipStatement } from '../../src/common/protocol/membershipStatement';
import { generateAccountIdentity, generateDeviceKeys, type DeviceKeyPairs } from '../../src/common/protocol/identity';
import { createKeyVersionRecord, type KeyVersionRecord } from '../../src/common/protocol/keyVersionRecord';
import { certifyAndRegister, KeyServiceApi } from '../../src/client';
import { startKeyService, type KeyService, type PubnubConfig } from '../../src/server/index';
import { MeasurementError } from './errors';
import { provider } from './fixtures';

const PASSWORD = 'bench horse battery staple';

export interface RotationWorld {
  readonly keyService: KeyService;
  /** Uploads the next prepared record (`submitKeyVersion`). */
  submit(): Promise<void>;
  /** Records left. */
  readonly left: number;
  /** The outbox's pending rows (`/healthz`). */
  pending(): Promise<number>;
  close(): Promise<void>;
}

/** A fresh, empty PostgreSQL database on the server of `url`. */
export async function freshPostgres(url: string): Promise<string> {
  const name = `ks_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

interface Account {
  readonly userId: UserId;
  readonly api: KeyServiceApi;
  readonly devices: { deviceId: DeviceId; keys: DeviceKeyPairs }[];
}

async function account(url: string, username: string): Promise<Account> {
  const api = new KeyServiceApi(url);
  await api.request('register', { body: { username, password: PASSWORD, displayName: username } });
  const identity = await generateAccountIdentity(provider);
  const devices: Account['devices'] = [];
  let userId = '' as UserId;
  // Each device its own session; `api` keeps the first device's (the creator signs with its first device).
  for (const session of [api, new KeyServiceApi(url)]) {
    const pair = await session.request('login', { body: { username, password: PASSWORD } });
    session.setTokens(pair.accessToken, pair.refreshToken);
    userId = pair.user.userId as UserId;
    const keys = await generateDeviceKeys(provider);
    const deviceId = newDeviceId(provider);
    const accessToken = await certifyAndRegister(session, provider, {
      userId,
      deviceId,
      deviceName: `device ${devices.length + 1}`,
      platform: 'cli',
      account: identity,
      device: keys,
    });
    session.setTokens(accessToken, pair.refreshToken);
    devices.push({ deviceId, keys });
  }
  return { userId, api, devices };
}

export async function startRotationWorld(o: {
  tmpDir: string;
  databaseUrl?: string;
  pubnub?: PubnubConfig;
  members: number;
  records: number;
}): Promise<RotationWorld> {
  const keyService = await startKeyService({
    port: 0,
    dataDir: mkdtempSync(path.join(o.tmpDir, 'rotation-world-')),
    ...(o.databaseUrl ? { databaseUrl: o.databaseUrl } : {}),
    jwtSecret: 'bench-rotation-secret-0123456789abcdef',
    passwordCost: { memoryCost: 1024, timeCost: 1 },
    rateLimits: { perIp: { limit: 1_000_000, windowMs: 60_000 }, perAccount: { limit: 1_000_000, windowMs: 60_000 } },
    bodyLimitBytes: 16 * 1024 * 1024,
    ...(o.pubnub ? { pubnub: o.pubnub } : {}),
    log: () => undefined,
  });
  const accounts: Account[] = [];
  for (let i = 0; i < o.members; i += 25) {
    const batch = Array.from({ length: Math.min(25, o.members - i) }, (_, k) => account(keyService.url, `m${randomBytes(3).toString('hex')}-${i + k}`));
    accounts.push(...(await Promise.all(batch)));
  }
  const [creator] = accounts;
  if (!creator) throw new MeasurementError('a rotation world needs at least one member');
  const signer = creator.devices[0];
  if (!signer) throw new MeasurementError('the creator has no device');
  const conversationId = newConversationId(provider);
  const genesis = await signMembershipStatement(provider, {
    conversationId,
    after: null,
    at: Date.now(),
    actor: creator.userId,
    actorDevice: signer.deviceId,
    change: {
      type: 'create',
      kind: 'group',
      historyPolicy: 'shared',
      members: accounts.map((a) => ({ userId: a.userId, role: a === creator ? ('owner' as const) : ('member' as const) })),
    },
    signingPrivateKey: signer.keys.ed25519.privateKey,
  });
  await creator.api.request('createConversation', { body: { genesis, name: 'outbox bench' } });
  const membership = { seq: 0, hash: await membershipHash(provider, genesis) };
  const recipients = accounts.flatMap((a) => a.devices.map((d) => ({ deviceId: d.deviceId, x25519PublicKey: d.keys.x25519.publicKey })));
  const records: KeyVersionRecord[] = [];
  for (let version = 1; version <= o.records; version++) {
    const { record } = await createKeyVersionRecord(provider, {
      conversationId,
      version,
      createdAt: Date.now(),
      createdByDevice: signer.deviceId,
      signingPrivateKey: signer.keys.ed25519.privateKey,
      recipients,
      membership,
    });
    records.push(record);
  }
  let next = 0;
  const health = new KeyServiceApi(keyService.url);
  return {
    keyService,
    get left() {
      return records.length - next;
    },
    async submit() {
      const record = records[next++];
      if (!record) throw new MeasurementError('the rotation world ran out of prepared records');
      await creator.api.request('submitKeyVersion', { params: { conversationId }, body: { record } });
    },
    async pending() {
      return (await health.request('getHealth')).outbox.pending;
    },
    close: () => keyService.close(),
  };
}
