/**
 * Scenario (docs/benchmarks.md, "Performance work after the third report"): in a group of 16, Alice's
 * rotation looks up every member's devices in one directory request, and Bob's key ring, seeing the group's
 * key version for the first time, checks all 32 member devices with one lookup — not one request per member
 * or per device. A pass-through HTTP proxy in front of the real key service counts the requests; the pins
 * Bob writes name every member, and a later rotation's notice makes Bob fetch the new version only, not
 * again the ones he holds.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { UserId } from '../../src/common/ids';
import { certifyAndRegister } from '../../src/client/enrol';
import { generateDeviceKeys } from '../../src/common/protocol/identity';
import { newDeviceId } from '../../src/common/ids';
import { KeyServiceApi } from '../../src/client/keyServiceApi';
import { Client } from '../../src/client/client';
import { InMemoryVaultForTests } from '../../src/client/vault';
import { listen } from '../../src/node/net/listen';
import { cleanup, PASSWORD, provider, reads, say, startWorld, uniqueName, waitFor, type World } from './harness';

const MEMBERS = 16;
let proxy: Server | undefined;
const opened: Client[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const c of opened.splice(0)) await c.close();
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
  proxy = undefined;
  await cleanup();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Forwards every request to `target` and records `METHOD /path` with ids replaced by `:id`. */
async function countingProxy(target: string): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  proxy = createServer((req, res) => {
    seen.push(`${req.method} ${(req.url ?? '').split('?')[0]?.replace(/\/[A-Za-z0-9_-]{16,}/g, '/:id')}`);
    const upstream = request(`${target}${req.url ?? ''}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  return { url: (await listen(proxy)).url, seen };
}

interface Member {
  readonly client: Client;
  readonly username: string;
  readonly vault: InMemoryVaultForTests;
  readonly dataDir: string;
}

/** A registered user whose client talks to the key service through `url` (the proxy). */
async function member(world: World, url: string, label: string): Promise<Member> {
  const vault = new InMemoryVaultForTests();
  const dataDir = mkdtempSync(join(tmpdir(), 'seed-group-'));
  dirs.push(dataDir);
  const client = await Client.open({ vault, keyServiceUrl: url, relay: `http://${world.relay.origin}`, provider, dataDir, deviceName: label });
  opened.push(client);
  const username = uniqueName(label);
  await client.register({ username, password: PASSWORD });
  return { client, username, vault, dataDir };
}

/** A second certified device of a member, registered over the API (not opened as a client). */
async function secondDevice(url: string, m: Member): Promise<void> {
  const secrets = await m.vault.load();
  if (!secrets) throw new Error('no keys');
  const api = new KeyServiceApi(url);
  const pair = await api.request('login', { body: { username: m.username, password: PASSWORD } });
  api.setTokens(pair.accessToken, pair.refreshToken);
  const deviceId = newDeviceId(provider);
  await certifyAndRegister(api, provider, {
    userId: m.client.session().userId,
    deviceId,
    deviceName: 'second',
    platform: 'cli',
    account: secrets.account,
    device: await generateDeviceKeys(provider),
  });
}

const count = (seen: readonly string[], prefix: string) => seen.filter((s) => s.startsWith(prefix)).length;

describe('a group rotation asks the directory once', () => {
  it('the creator rotates with one lookup; a member checks every member device with one lookup', async () => {
    const world = await startWorld();
    const { url, seen } = await countingProxy(world.keyService.url);
    const group: Member[] = [];
    for (let i = 0; i < MEMBERS; i++) group.push(await member(world, url, `m${i}`));
    for (const m of group) await secondDevice(url, m);
    const [alice, bob] = [group[0], group[1]] as [Member, Member];
    const conv = await alice.client.createConversation({
      kind: 'group',
      name: 'sixteen',
      members: group.slice(1).map((m) => m.client.session().userId as UserId),
    });

    seen.length = 0;
    expect(await alice.client.rotate(conv.conversationId)).toBe(2);
    expect(count(seen, 'POST /v1/directory/lookup')).toBe(1);
    expect(count(seen, 'GET /v1/users/')).toBe(0);
    expect(count(seen, 'GET /v1/devices/')).toBe(0);

    await say(alice.client, conv.conversationId, 'to all sixteen');
    seen.length = 0;
    expect(await reads(bob.client, conv.conversationId, ['to all sixteen'])).toEqual(['to all sixteen']);
    const directoryCalls = count(seen, 'POST /v1/directory/lookup') + count(seen, 'GET /v1/devices/') + count(seen, 'GET /v1/users/');
    expect(directoryCalls).toBeGreaterThan(0);
    expect(directoryCalls).toBeLessThanOrEqual(4);

    const ring = (
      bob.client as unknown as { account: { ring: { prefetch(id: string): Promise<number>; held(id: string, v: number): Uint8Array | undefined } } }
    ).account.ring;
    expect(await ring.prefetch(conv.conversationId), 'versions already held are not downloaded again').toBe(0);
    expect(await alice.client.rotate(conv.conversationId)).toBe(3);
    await waitFor('bob to fetch version 3 on its notice', () => ring.held(conv.conversationId, 3) !== undefined);
    expect(await ring.prefetch(conv.conversationId)).toBe(0);

    const state = JSON.parse(readFileSync(join(bob.dataDir, 'state.json'), 'utf8')) as { pins: Record<string, unknown> };
    const others = group.filter((m) => m !== bob).map((m) => m.client.session().userId);
    expect(Object.keys(state.pins).sort()).toEqual([...others].sort());
  });
});
