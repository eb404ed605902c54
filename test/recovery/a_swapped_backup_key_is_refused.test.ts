/**
 * Attack: the key service swaps the backup public key (docs/protocol.md §18.3, docs/threat-model.md
 * "Losing every device"). If a device wrapped its conversation keys to a key the service chose, the
 * service could read every conversation. A device only wraps to a backup key whose descriptor verifies
 * under its own account identity key: a swapped key (unsigned, or signed by another account) is refused
 * with `backup_key_changed`, the device posts no entry, and the app hears of it (`onKeyBackupError`). An
 * older, genuinely signed backup version served again (a rollback to what an old recovery key opens) is
 * refused the same way.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { InMemoryVaultForTests } from '../../src/client/vault';
import type { Client } from '../../src/client/client';
import type { BackupAnswer } from '../../src/common/api/recoverySchemas';
import { xwingGenerateKeyPair } from '../../src/common/crypto/xwing';
import { toBase64Url } from '../../src/common/encoding/base64url';
import type { AppError } from '../../src/common/errors';
import { apiOf, cleanup, newClient, PASSWORD, provider, registered, say, uniqueName, waitFor, type World } from '../client/harness';
import { startKeyServiceProxy, type KeyServiceProxy } from '../client/keyServiceProxy';
import { describeBackends } from '../server/helpers/backends';
import { codeOf, userIdOf, worldOn } from './helpers';

let proxy: KeyServiceProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await cleanup();
});

/** Links a second device of `existing`'s account that talks to the key service through the proxy. */
async function secondDeviceBehindProxy(world: World, existing: Client): Promise<{ device: Client; proxy: KeyServiceProxy }> {
  const p = await startKeyServiceProxy(world.keyService.url);
  proxy = p;
  const next = await newClient(world, 'second device', { keyServiceUrl: p.url });
  const { offer, waitUntilLinked } = await next.startDeviceLink({ username: existing.session().username, password: PASSWORD });
  const linked = waitUntilLinked(() => undefined, { pollMs: 50 });
  const claim = await existing.claimDeviceLink(offer.code);
  await existing.approveDeviceLink(claim.linkId, { pollMs: 50, shareHistory: false });
  await linked;
  return { device: next, proxy: p };
}

describeBackends('a swapped backup key is refused', (backend) => {
  for (const how of ['unsigned', 'signed by another account'] as const) {
    it(`a second device refuses to back up to a backup key ${how} (backup_key_changed) and posts nothing`, async () => {
      const world = await worldOn(backend);
      const alice = await registered(world, 'alice');
      const bob = await registered(world, 'bob');
      const mallory = await registered(world, 'mallory');
      await alice.createRecoveryKey();
      await mallory.createRecoveryKey();
      const malloryBackup = await apiOf(mallory).request('getKeyBackup');
      const id = (await alice.createConversation({ kind: 'group', name: 'secrets', members: [userIdOf(bob)] })).conversationId;
      await say(alice, id, 'before the second device');

      const { device, proxy: p } = await secondDeviceBehindProxy(world, alice);
      // An X-Wing key of the service's own (the account's backup is X-Wing, §18.10): the size is right, the signature is not.
      const attacker = xwingGenerateKeyPair(provider);
      p.edit = (req, status, body) => {
        if (req.method !== 'GET' || req.path !== '/v1/backup' || status !== 200) return body;
        const honest = body as BackupAnswer;
        if (how === 'unsigned') return { ...honest, descriptor: { ...honest.descriptor, backupKey: toBase64Url(attacker.publicKey) } };
        return { ...malloryBackup, descriptor: { ...malloryBackup.descriptor, userId: honest.descriptor.userId } };
      };
      const heard: AppError[] = [];
      device.onKeyBackupError((e) => heard.push(e));

      // The second device receives key versions (history shared, then a rotation) and would back them up.
      await alice.shareHistoryWithDevice(device.session().deviceId);
      await device.rotate(id);
      await waitFor('the backup failure', () => heard.length > 0);
      expect(heard[0]?.code).toBe('backup_key_changed');
      expect(await codeOf(device.flushKeyBackup())).toBe('backup_key_changed');
      expect(p.requests.filter((r) => r.path.startsWith('/v1/backup/entries') && r.method === 'POST')).toHaveLength(0);
      expect(p.requests.filter((r) => r.path.startsWith('/v1/backup/headers') && r.method === 'PUT')).toHaveLength(0);
      // Making a new recovery key through this service is refused too, before anything is published.
      expect(await codeOf(device.createRecoveryKey())).toBe('backup_key_changed');
      expect(p.requests.filter((r) => r.method === 'PUT' && r.path === '/v1/backup')).toHaveLength(0);

      // With the proxy honest again, the same device backs up under the account's own key.
      p.edit = (_req, _status, body) => body;
      const version = await device.rotate(id);
      await device.flushKeyBackup();
      expect(p.requests.filter((r) => r.path.startsWith('/v1/backup/entries') && r.method === 'POST').length).toBeGreaterThan(0);
      const entries = (await apiOf(alice).request('listBackupEntries', {})).entries;
      expect(entries.some((e) => e.conversationId === id && e.version === version)).toBe(true);
    });
  }

  it('a device refuses a rolled-back backup (the older version an old, perhaps stolen, recovery key opens): backup_key_changed', async () => {
    const world = await worldOn(backend);
    const p = await startKeyServiceProxy(world.keyService.url);
    proxy = p;
    const profile = { keyServiceUrl: p.url, vault: new InMemoryVaultForTests(), dataDir: mkdtempSync(join(tmpdir(), 'seed-rollback-')) };
    const before = await newClient(world, "alice's device", profile);
    await before.register({ username: uniqueName('alice'), password: PASSWORD, displayName: 'alice' });
    const first = await before.createRecoveryKey();
    const captured = await apiOf(before).request('getKeyBackup');
    await before.rotateRecoveryKey();
    // The device restarts: what it verified is kept in its profile.
    await before.close();
    const alice = await newClient(world, "alice's device", profile);
    // The service serves the old version again, as if the rotation never happened.
    p.edit = (req, status, body) => (req.method === 'GET' && req.path === '/v1/backup' && status === 200 ? captured : body);
    expect(await codeOf(alice.verifyRecoveryKey(first.recoveryKey))).toBe('backup_key_changed');
    expect(await codeOf(alice.createRecoveryKey())).toBe('backup_key_changed');
  });
});
