/**
 * Scenario: a malicious key service (docs/protocol.md §6.5). It writes straight into its own database:
 * dave becomes a member of alice and bob's group and gets a "late" wrap of version 1 holding a key the
 * service chose — with a grant it forged in alice's device's name, and with no grant at all. Dave's client
 * refuses the version (`bad_signature`, `uncovered_wrap`) and never holds that key: with the forged grant
 * it refuses to send; without any grant it rotates to a key of its own (signed record) and sends under
 * that, which bob reads. Nothing is ever sealed under the server's key.
 */
import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationId } from '../../src/common/ids';
import { generateDeviceKeys } from '../../src/common/protocol/identity';
import { wrapKey } from '../../src/common/protocol/keyWrap';
import { createWrapGrant } from '../../src/common/protocol/wrapGrant';
import type { Client } from '../../src/client/client';
import type { KeyRing } from '../../src/client/keyRing';
import { apiOf, cleanup, provider, reads, registered, say, startWorld } from './harness';

afterEach(cleanup);

const ringOf = (client: Client): KeyRing => (client as unknown as { account: { ring: KeyRing } }).account.ring;

describe('dave refuses a wrap the key service forged', () => {
  it('never reads or seals with a forged late wrap: refuses to send, or rotates to its own key', async () => {
    const world = await startWorld();
    const [alice, bob, dave] = [await registered(world, 'alice'), await registered(world, 'bob'), await registered(world, 'dave')];
    const group = await alice.createConversation({ kind: 'group', name: 'forged', historyPolicy: 'shared', members: [bob.session().userId] });
    const id = group.conversationId as ConversationId;
    await say(alice, id, 'secret v1');

    const daveDevice = (await apiOf(alice).request('listUserDevices', { params: { userId: dave.session().userId } })).devices[0]!;
    const serverKey = new Uint8Array(32).fill(42);
    const forged = await wrapKey(provider, {
      purpose: 'conversation',
      scopeId: id,
      version: 1,
      recipientDeviceId: daveDevice.deviceId,
      recipientPublicKey: Buffer.from(String(daveDevice.certificate.x25519), 'base64url'),
      key: serverKey,
    });
    const db = new BetterSqlite3(join(world.serviceDir, 'keyservice.sqlite'));
    try {
      db.pragma('busy_timeout = 5000');
      const now = Date.now();
      db.prepare('INSERT INTO members (conversation_id, user_id, role, joined_at, first_version) VALUES (?, ?, ?, ?, ?)').run(
        id,
        dave.session().userId,
        'member',
        now,
        1,
      );
      db.prepare(
        'INSERT INTO key_wraps (conversation_id, version, device_id, wrap, added_by_device, created_at, grant_json) VALUES (?, ?, ?, ?, ?, ?, NULL)',
      ).run(id, 1, daveDevice.deviceId, JSON.stringify({ enc: forged.enc, ct: forged.ct }), alice.session().deviceId, now);

      const served = await apiOf(dave).request('getKeyVersion', { params: { conversationId: id, version: 1 } });
      expect(served.wrap.ct).toBe(forged.ct);
      expect(served.grants).toEqual([]);
      await expect(ringOf(dave).get(id, 1)).rejects.toMatchObject({ code: 'uncovered_wrap' });

      const impostor = await generateDeviceKeys(provider);
      const fakeGrant = await createWrapGrant(provider, {
        conversationId: id,
        version: 1,
        wrap: forged,
        grantedBy: alice.session().deviceId,
        grantedAt: now,
        signingPrivateKey: impostor.ed25519.privateKey,
      });
      const setGrant = db.prepare('UPDATE key_wraps SET grant_json = ? WHERE conversation_id = ? AND version = 1 AND device_id = ?');
      setGrant.run(JSON.stringify(fakeGrant), id, daveDevice.deviceId);
      await expect(ringOf(dave).get(id, 1)).rejects.toMatchObject({ code: 'bad_signature' });

      await dave.ensureAccess([id]);
      const refused = await (await dave.messaging()).send(id, { type: 'string', body: 'sealed with the server key?' });
      expect(refused).toMatchObject({ state: 'failed' });
      expect(ringOf(dave).held(id, 1)).toBeUndefined();
      expect((await dave.conversation(id)).currentVersion).toBe(1);

      setGrant.run(null, id, daveDevice.deviceId);
    } finally {
      db.close();
    }
    await say(dave, id, 'dave on his own version');
    expect(ringOf(dave).held(id, 1)).toBeUndefined();
    expect(ringOf(dave).heldVersions(id)).toEqual([2]);
    expect((await dave.conversation(id)).currentVersion).toBe(2);
    const v2 = await apiOf(bob).request('getKeyVersion', { params: { conversationId: id, version: 2 } });
    expect(v2.record.createdByDevice).toBe(dave.session().deviceId);
    expect(await reads(bob, id, ['secret v1', 'dave on his own version'])).toEqual(['secret v1', 'dave on his own version']);
  });
});
