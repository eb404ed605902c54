/**
 * Scenario: the managed policy `requirePostQuantum` (docs/protocol.md §5.1). Bob still has a device set up
 * before X-Wing (its certificate has no X-Wing key). With the policy on, Alice's client refuses to start a
 * conversation with him — `post_quantum_required`, naming that device, and no key version is stored; with
 * the policy off the same conversation starts, his old device gets an X25519 wrap and his new one X-Wing,
 * and the conversation reads as not fully post-quantum protected.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { toBase64Url } from '../../src/common/encoding/base64url';
import type { DeviceId } from '../../src/common/ids';
import { signDeviceCertificate } from '../../src/common/protocol/deviceCertificate';
import { InMemoryVaultForTests } from '../../src/client/vault';
import { cleanup, newClient, PASSWORD, provider, startWorld, uniqueName, type World } from './harness';

afterEach(cleanup);

/** Registers a device for `username` as a version before X-Wing would: a certificate with an X25519 key only. */
async function addOldDevice(world: World, username: string, vault: InMemoryVaultForTests, userId: string): Promise<string> {
  const secrets = await vault.load();
  if (!secrets) throw new Error('bob has no vault');
  const post = async (path: string, body: unknown, token?: string) => {
    const res = await fetch(`${world.keyService.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
    return (await res.json()) as { accessToken: string };
  };
  const { accessToken } = await post('/v1/auth/login', { username, password: PASSWORD });
  const x25519 = await provider.x25519GenerateKeyPair();
  const ed25519 = await provider.ed25519GenerateKeyPair();
  const deviceId = toBase64Url(provider.randomBytes(16));
  const certificate = await signDeviceCertificate(
    provider,
    {
      v: 1,
      userId: userId as never,
      deviceId: deviceId as DeviceId,
      deviceName: "bob's old phone",
      platform: 'mobile',
      x25519: toBase64Url(x25519.publicKey),
      ed25519: toBase64Url(ed25519.publicKey),
      createdAt: Date.now(),
      accountKey: toBase64Url(secrets.account.publicKey),
    },
    secrets.account.privateKey,
  );
  await post('/v1/devices', { certificate }, accessToken);
  return deviceId;
}

describe('the policy requires post-quantum wraps', () => {
  it('refuses to wrap to a device without an X-Wing key while on; wraps X25519 to it while off', async () => {
    const world = await startWorld();
    let required = true;
    const alice = await newClient(world, "alice's device", { requirePostQuantum: () => required });
    await alice.register({ username: uniqueName('alice'), password: PASSWORD, displayName: 'alice' });
    const bobVault = new InMemoryVaultForTests();
    const bob = await newClient(world, "bob's device", { vault: bobVault });
    const bobName = uniqueName('bob');
    const bobSession = await bob.register({ username: bobName, password: PASSWORD, displayName: 'bob' });
    const oldDevice = await addOldDevice(world, bobName, bobVault, bobSession.userId);

    const refused = alice.createConversation({ kind: 'group', name: 'pq only', members: [bobSession.userId] });
    await expect(refused).rejects.toMatchObject({ code: 'post_quantum_required' });
    await expect(refused).rejects.toThrow("bob's old phone");
    const db = new Database(join(world.serviceDir, 'keyservice.sqlite'), { readonly: true });
    try {
      expect(db.prepare('SELECT COUNT(*) AS n FROM key_wraps WHERE device_id = ?').get(oldDevice)).toEqual({ n: 0 });
      required = false;
      const group = await alice.createConversation({ kind: 'group', name: 'mixed', members: [bobSession.userId] });
      const rows = db.prepare('SELECT device_id, wrap FROM key_wraps WHERE conversation_id = ?').all(group.conversationId) as {
        device_id: string;
        wrap: string;
      }[];
      expect(rows).toHaveLength(3);
      const suites = new Map(rows.map((r) => [r.device_id, (JSON.parse(r.wrap) as { suite?: string }).suite ?? 'x25519']));
      expect(suites.get(oldDevice)).toBe('x25519');
      expect([...suites.values()].filter((s) => s === 'xwing')).toHaveLength(2);
      // The security info: not every wrap of the current version is post-quantum.
      expect(await alice.postQuantumStatus(group)).toBe('partial');
    } finally {
      db.close();
    }
  });
});
