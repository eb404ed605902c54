/**
 * Issue [custody], the attacks on escrow mode (docs/threat-model.md "Escrow mode"): real clients, relay and
 * key service on SQLite and PostgreSQL, the local KMS.
 *
 * - A client that leaves the escrow wrap out (or wraps to another recipient) is refused by the key service
 *   (`escrow_wrap_missing`, `escrow_recipient_mismatch`), and a wrap in zero-trust mode too
 *   (`escrow_not_enabled`); nothing is stored.
 * - A malicious key service that swaps in a recovery recipient of its own is detected: the pinned client
 *   stops wrapping (`escrow_recipient_changed`), shows both fingerprints, and nothing is ever sealed to the
 *   swapped key; a client with the organisation's managed pin refuses it even at first contact.
 * - In zero-trust mode the export tool is refused (`custody_zero_trust`), before any KMS use, and the
 *   refusal is audited; an approved request is refused too once the organisation went back to zero-trust.
 */
import { afterEach, expect, it } from 'vitest';
import { Conversations } from '../../src/client/conversations';
import type { Custody } from '../../src/client/custody';
import { toBase64Url } from '../../src/common/encoding/base64url';
import { escrowFingerprint, sealEscrowWrap } from '../../src/common/protocol/escrowWrap';
import { apiOf, cleanup, newClient, PASSWORD, provider, registered, say, signedInOf, uniqueName } from '../client/harness';
import { describeBackends } from '../server/helpers/backends';
import { codeOf, userIdOf, worldOn } from '../recovery/helpers';
import { custodyAdmin, exportPath, withDb } from './helpers';

afterEach(cleanup);

/** A client's conversation operations with another custody than its own (an old or hostile client). */
function conversationsWith(client: Parameters<typeof signedInOf>[0], custody?: Pick<Custody, 'escrowWrapFor' | 'refresh' | 'mode'>): Conversations {
  const s = signedInOf(client);
  const signing = { userId: s.identity.userId, deviceId: s.identity.deviceId, ed25519PrivateKey: s.identity.device.ed25519.privateKey };
  return new Conversations(apiOf(client), provider, s.directory, s.ring, signing, s.membership, custody as Custody | undefined);
}

const versionsOf = (world: Parameters<typeof withDb>[0], conversationId: string) =>
  withDb(world, async (db) => ({
    versions: (await db.all<{ version: number }>('SELECT version FROM key_versions WHERE conversation_id = ?', [conversationId])).length,
    escrow: await db.all<{ version: number; recipient_id: string }>('SELECT version, recipient_id FROM escrow_wraps WHERE conversation_id = ?', [
      conversationId,
    ]),
  }));

describeBackends('attacks on escrow mode', (backend) => {
  it('a key version without the escrow wrap, or wrapped to another recipient, is refused and nothing is stored', { timeout: 60_000 }, async () => {
    const world = await worldOn(backend);
    const alice = await registered(world, 'alice');
    const bob = await registered(world, 'bob');
    const id = (await alice.createConversation({ kind: 'group', name: 'escrowed', members: [userIdOf(bob)] })).conversationId;

    // Zero-trust: an escrow wrap nobody asked for is refused too (the client must not believe it escrowed).
    const stray = await provider.x25519GenerateKeyPair();
    const strayWrap = (conversationId: string, version: number, key: Uint8Array) =>
      sealEscrowWrap(provider, { conversationId, version, recipientPublicKey: stray.publicKey, key });
    const refresh = () =>
      Promise.resolve({ mode: 'escrow' as const, fingerprint: null, recipientChanged: null, managed: false, serverKeys: null, policyMismatch: null });
    expect(await codeOf(conversationsWith(alice, { escrowWrapFor: strayWrap, refresh, mode: async () => 'escrow' as const }).rotate(id))).toBe(
      'escrow_not_enabled',
    );

    await custodyAdmin(world, 'cli:it-one')('escrow', '--reason', 'policy');
    const before = await versionsOf(world, id);
    expect(before.versions).toBe(1);

    // An old or hostile client without the escrow wrap.
    expect(await codeOf(conversationsWith(alice).rotate(id))).toBe('escrow_wrap_missing');
    // A wrap sealed to a key of the client's choosing.
    expect(await codeOf(conversationsWith(alice, { escrowWrapFor: strayWrap, refresh, mode: async () => 'escrow' as const }).rotate(id))).toBe(
      'escrow_recipient_mismatch',
    );
    expect(await versionsOf(world, id)).toEqual(before);

    // The real client wraps and is accepted.
    expect(await alice.rotate(id)).toBe(2);
    const after = await versionsOf(world, id);
    expect(after.escrow.map((e) => Number(e.version))).toEqual([2]);
  });

  it('a key service that swaps in its own recipient is detected: nothing is wrapped to it, the user sees both fingerprints', { timeout: 60_000 }, async () => {
    const world = await worldOn(backend);
    const alice = await registered(world, 'alice');
    const bob = await registered(world, 'bob');
    const id = (await alice.createConversation({ kind: 'group', name: 'pinned', members: [userIdOf(bob)] })).conversationId;
    const enabled = await custodyAdmin(world, 'cli:it-one')<{ recipient: { fingerprint: string } }>('escrow', '--reason', 'policy');
    const genuine = enabled.recipient.fingerprint;
    expect((await alice.custody()).fingerprint).toBe(genuine);
    await say(alice, id, 'under the genuine recipient');

    // The key service (its operator or an intruder) names a recipient whose private key it holds.
    const attacker = await provider.x25519GenerateKeyPair();
    const forged = await escrowFingerprint(provider, attacker.publicKey);
    await withDb(world, (db) =>
      db.transaction(async (tx) => {
        await tx.run(
          "INSERT INTO escrow_recipients (id, public_key, sealed_private_key, kms_kind, kms_key_id, created_at, created_by) VALUES (?, ?, 'x', 'local', 'attacker', ?, 'attacker')",
          [forged, toBase64Url(attacker.publicKey), Date.now()],
        );
        await tx.run('UPDATE custody_state SET recipient_id = ?', [forged]);
      }),
    );
    const before = await versionsOf(world, id);
    expect(await codeOf(alice.rotate(id))).toBe('escrow_recipient_changed');
    expect(await alice.custody()).toEqual({
      mode: 'escrow',
      fingerprint: genuine,
      recipientChanged: { pinned: genuine, served: forged },
      managed: false,
      serverKeys: null,
      policyMismatch: null,
    });
    expect(await versionsOf(world, id)).toEqual(before);
    expect(before.escrow.every((e) => e.recipient_id === genuine)).toBe(true);

    // A device with the organisation's managed pin refuses the swapped recipient at first contact.
    const managed = await newClient(world, "bob's managed laptop", { escrowRecipientPin: genuine });
    await managed.register({ username: uniqueName('carol'), displayName: 'Carol managed', password: PASSWORD });
    const status = await managed.custody();
    expect(status).toEqual({
      mode: 'escrow',
      fingerprint: genuine,
      recipientChanged: { pinned: genuine, served: forged },
      managed: true,
      serverKeys: null,
      policyMismatch: null,
    });
    expect(() => managed.acceptEscrowRecipient(forged)).toThrow(expect.objectContaining({ code: 'escrow_recipient_changed' }));

    // Only the user's explicit acceptance (after comparing fingerprints out of band) moves the pin.
    expect(alice.acceptEscrowRecipient(forged)).toMatchObject({ fingerprint: forged, recipientChanged: null });
  });

  it('in zero-trust mode the export tool is refused before any KMS use, and the refusal is audited', { timeout: 60_000 }, async () => {
    const world = await worldOn(backend);
    const alice = await registered(world, 'alice');
    const bob = await registered(world, 'bob');
    const id = (await alice.createConversation({ kind: 'group', name: 'zero trust', members: [userIdOf(bob)] })).conversationId;
    await say(alice, id, 'only for bob');
    const itOne = custodyAdmin(world, 'cli:it-one');
    const itTwo = custodyAdmin(world, 'cli:it-two');
    expect(await codeOf(itOne('request-export', id, '--reason', 'curious'))).toBe('custody_zero_trust');
    expect(await codeOf(itOne('export', 'no-such-request', '--out', exportPath()))).toBe('custody_zero_trust');

    // Escrow, an approved request, then back to zero-trust: the approved request is refused as well.
    await itOne('escrow', '--reason', 'policy');
    const request = await itOne<{ requestId: string }>('request-export', id, '--reason', 'case 9');
    await itTwo('approve-export', request.requestId, '--reason', 'ok');
    await itTwo('zero-trust', '--reason', 'policy withdrawn');
    const file = exportPath();
    expect(await codeOf(itOne('export', request.requestId, '--out', file))).toBe('custody_zero_trust');
    const decrypts = await withDb(world, (db) => db.all("SELECT id FROM kms_audit WHERE operation = 'decrypt'"));
    expect(decrypts).toEqual([]);
    const refusals = await withDb(world, (db) => db.all<{ detail: string }>("SELECT detail FROM audit_log WHERE action = 'custody.export_refused'"));
    expect(refusals.map((r) => (JSON.parse(r.detail) as { why: string }).why)).toEqual(['custody_zero_trust', 'custody_zero_trust']);
    const view = await alice.custody();
    expect(view).toMatchObject({ mode: 'zero-trust', fingerprint: null });
  });
});
