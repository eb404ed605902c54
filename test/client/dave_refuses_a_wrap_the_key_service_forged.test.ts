/**
 * Scenario: a malicious key service (docs/protocol.md §6.5). It writes straight into its own database:
 * dave becomes a member of alice and bob's group and gets a "late" wrap of version 1 holding a key the
 * service chose — with a grant it forged in alice's device's name, and with no grant at all. Dave's client
 * refuses the version (`bad_signature`, `uncovered_wrap`) and never holds that key. No one sends to the
 * group while the service lists a member its signed membership does not (docs/protocol.md §15.4): dave's
 * send, alice's and bob's are refused with `membership_mismatch`, nothing is sealed under the server's key
 * or to dave; once the service stops listing him, alice and bob go on and dave reads nothing new.
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
      expect((refused as { message?: string }).message).toContain('membership_mismatch');
      expect(ringOf(dave).held(id, 1)).toBeUndefined();
      await expect(alice.conversation(id)).rejects.toMatchObject({ code: 'membership_mismatch', category: 'crypto' });
      const aliceSend = await (await alice.messaging()).send(id, { type: 'string', body: 'for alice and bob only' });
      expect(aliceSend).toMatchObject({ state: 'failed' });
      expect(ringOf(alice).heldVersions(id)).toEqual([1]);

      db.prepare('DELETE FROM key_wraps WHERE conversation_id = ? AND device_id = ?').run(id, daveDevice.deviceId);
      db.prepare('DELETE FROM members WHERE conversation_id = ? AND user_id = ?').run(id, dave.session().userId);
    } finally {
      db.close();
    }
    await say(alice, id, 'after the ghost left');
    expect(await reads(bob, id, ['secret v1', 'after the ghost left'])).toEqual(['secret v1', 'after the ghost left']);
    await expect(dave.conversation(id)).rejects.toMatchObject({ code: 'not_a_member' });
    expect(ringOf(dave).heldVersions(id)).toEqual([]);
  });
});
