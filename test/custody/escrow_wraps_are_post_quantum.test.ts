/**
 * Escrow wraps are kept as long as the history, so they are post-quantum (docs/protocol.md §19.2, §5.1;
 * docs/threat-model.md "Harvest now, decrypt later"): the recovery recipient an operator makes now is an
 * X-Wing key pair, every client wraps each new key version to it with HPKE X-Wing, and the two-admin export
 * opens them. Real clients, relay and key service on SQLite and PostgreSQL, the local KMS.
 *
 * The attack: a device (a modified client) submits the next version with a classical X25519 escrow wrap
 * under the X-Wing recipient's fingerprint — the downgrade a harvester would want. The key service refuses
 * it (422 `suite_downgrade`) and stores nothing.
 */
import { readFileSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from '../../src/common/encoding/base64url';
import { XWING_CIPHERTEXT_LENGTH, XWING_PUBLIC_KEY_LENGTH } from '../../src/common/crypto/xwing';
import { apiOf, cleanup, provider, reads, registered, say } from '../client/harness';
import { describeBackends } from '../server/helpers/backends';
import { codeOf, userIdOf, worldOn } from '../recovery/helpers';
import { custodyAdmin, deviceRecord, exportPath, withDb } from './helpers';

afterEach(cleanup);

describeBackends('post-quantum escrow wraps', (backend) => {
  it('a new recipient is X-Wing, every escrow wrap to it is X-Wing, and a classical wrap to it is refused', { timeout: 120_000 }, async () => {
    const world = await worldOn(backend);
    const alice = await registered(world, 'alice');
    const bob = await registered(world, 'bob');
    const id = (await alice.createConversation({ kind: 'group', name: 'pq escrow', members: [userIdOf(bob)] })).conversationId;

    const enabled = await custodyAdmin(world, 'cli:it-one')<{ recipient: { publicKey: string; fingerprint: string } }>('escrow', '--reason', 'policy');
    expect(fromBase64Url(enabled.recipient.publicKey).length).toBe(XWING_PUBLIC_KEY_LENGTH);
    await alice.custody();
    await say(alice, id, 'escrowed with x-wing');
    await reads(bob, id, ['escrowed with x-wing']);

    const stored = await withDb(world, (db) =>
      db.all<{ version: number; wrap: string }>('SELECT version, wrap FROM escrow_wraps WHERE conversation_id = ?', [id]),
    );
    expect(stored.length).toBeGreaterThan(0);
    for (const row of stored) {
      const wrap = JSON.parse(row.wrap) as { suite?: string; enc: string };
      expect(wrap.suite).toBe('xwing');
      expect(fromBase64Url(wrap.enc).length).toBe(XWING_CIPHERTEXT_LENGTH);
    }

    // The downgrade: the next version with an X25519-shaped escrow wrap naming the X-Wing recipient.
    const info = await apiOf(alice).request('getConversation', { params: { conversationId: id } });
    const { record, conversationKey } = await deviceRecord(alice, id, info.currentVersion + 1);
    conversationKey.fill(0);
    const classical = { recipient: enabled.recipient.fingerprint, enc: toBase64Url(provider.randomBytes(32)), ct: toBase64Url(provider.randomBytes(48)) };
    const versionsBefore = await withDb(world, (db) => db.all('SELECT version FROM key_versions WHERE conversation_id = ?', [id]));
    expect(await codeOf(apiOf(alice).request('submitKeyVersion', { params: { conversationId: id }, body: { record, escrow: classical } }))).toBe(
      'suite_downgrade',
    );
    expect(await withDb(world, (db) => db.all('SELECT version FROM key_versions WHERE conversation_id = ?', [id]))).toEqual(versionsBefore);
    expect(await withDb(world, (db) => db.all('SELECT version FROM escrow_wraps WHERE conversation_id = ?', [id]))).toHaveLength(stored.length);

    // The organisation still reads the conversation through the X-Wing wraps (two admins, logged).
    const itOne = custodyAdmin(world, 'cli:it-one');
    const request = await itOne<{ requestId: string }>('request-export', id, '--reason', 'audit');
    await custodyAdmin(world, 'cli:it-two')('approve-export', request.requestId, '--reason', 'approved');
    const out = exportPath();
    await itOne('export', request.requestId, '--out', out);
    const exported = JSON.parse(readFileSync(out, 'utf8')) as { messages: { body: unknown }[]; escrowedVersions: number[] };
    expect(exported.messages.map((m) => m.body)).toContain('escrowed with x-wing');
    expect(exported.escrowedVersions).toEqual(stored.map((r) => Number(r.version)));
  });
});
