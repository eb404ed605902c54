/**
 * Issue [custody], escrow mode end to end (docs/protocol.md §19, docs/threat-model.md "Escrow mode"): real
 * clients, relay and key service on SQLite and PostgreSQL, the local KMS.
 *
 * Guarantees: switching the organisation to escrow rotates every conversation (clients rotate on learning
 * the mode) and every client shows the mode and the recipient's fingerprint; every key version made from
 * then on carries an escrow wrap; a compliance export (one conversation) or an IT restore (every
 * conversation of a user) needs a request by one admin and an approval by another — one admin alone is refused (`custody_second_admin_required`, `custody_not_approved`) and nothing
 * is written — is used once, logs each KMS use, and reads exactly the messages sent under escrowed
 * versions: what was sent in zero-trust mode stays unreadable to it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { cleanup, registered, reads, say } from '../client/harness';
import { describeBackends } from '../server/helpers/backends';
import { codeOf, userIdOf, worldOn } from '../recovery/helpers';
import { custodyAdmin, exportPath, withDb } from './helpers';

afterEach(cleanup);

interface Exported {
  messages: { type: string; bodyType: string; body: unknown; keyVersion: number; senderUser: string | null }[];
  unreadable: { keyVersion: number | null; reason: string }[];
  escrowedVersions: number[];
  approvedBy: string;
  requestedBy: string;
}

describeBackends('escrow mode and the two-admin export', (backend) => {
  it(
    'switching to escrow rotates every conversation and shows the notice; two admins export what was sent after, never before',
    { timeout: 120_000 },
    async () => {
      const world = await worldOn(backend);
      const alice = await registered(world, 'alice');
      const bob = await registered(world, 'bob');
      const first = (await alice.createConversation({ kind: 'group', name: 'before escrow', members: [userIdOf(bob)] })).conversationId;
      const second = (await bob.createConversation({ kind: 'direct', members: [userIdOf(alice)] })).conversationId;
      await say(alice, first, 'zero-trust secret');
      await say(bob, second, 'zero-trust direct');
      expect(await alice.custody()).toMatchObject({ mode: 'zero-trust', fingerprint: null, recipientChanged: null });

      const itOne = custodyAdmin(world, 'cli:it-one');
      const itTwo = custodyAdmin(world, 'cli:it-two');
      const enabled = await itOne<{ mode: string; recipient: { fingerprint: string }; rotating: number }>('escrow', '--reason', 'legal hold, ticket 7');
      expect(enabled.mode).toBe('escrow');
      expect(enabled.rotating).toBe(2);
      const fingerprint = enabled.recipient.fingerprint;
      const marked = await alice.conversations();
      expect(marked.every((c) => c.needsRotation)).toBe(true);

      // Learning the mode rotates every conversation marked for it; both clients show the recipient.
      expect(await alice.custody()).toEqual({ mode: 'escrow', fingerprint, recipientChanged: null, managed: false, serverKeys: null, policyMismatch: null });
      expect((await alice.conversations()).map((c) => [c.needsRotation, c.currentVersion])).toEqual([
        [false, 2],
        [false, 2],
      ]);
      expect(await bob.custody()).toMatchObject({ mode: 'escrow', fingerprint });
      const escrowed = await withDb(world, (db) =>
        db.all<{ conversation_id: string; version: number; recipient_id: string }>('SELECT conversation_id, version, recipient_id FROM escrow_wraps'),
      );
      expect(escrowed.map((r) => [r.conversation_id, Number(r.version), r.recipient_id]).sort()).toEqual(
        [
          [first, 2, fingerprint],
          [second, 2, fingerprint],
        ].sort(),
      );
      await say(alice, first, 'said under escrow');
      await say(bob, first, 'bob under escrow');
      await reads(bob, first, ['zero-trust secret', 'said under escrow']);

      // One admin alone: the request cannot be approved by its requester, nor used unapproved.
      const request = await itOne<{ requestId: string }>('request-export', first, '--reason', 'subpoena 2026-12');
      const file = exportPath();
      expect(await codeOf(itOne('approve-export', request.requestId, '--reason', 'me again'))).toBe('custody_second_admin_required');
      expect(await codeOf(itOne('export', request.requestId, '--out', file))).toBe('custody_not_approved');
      expect(await codeOf(itTwo('export', request.requestId, '--out', file))).toBe('custody_not_approved');
      expect(existsSync(file)).toBe(false);
      const decryptsBefore = await withDb(world, (db) => db.all("SELECT id FROM kms_audit WHERE operation = 'decrypt'"));
      expect(decryptsBefore).toEqual([]);

      // A second admin approves; the export reads the escrowed messages and nothing of zero-trust mode.
      await itTwo('approve-export', request.requestId, '--reason', 'checked the subpoena');
      const summary = await itOne<{ conversations: { messages: number }[] }>('export', request.requestId, '--out', file);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const exported = JSON.parse(readFileSync(file, 'utf8')) as Exported;
      const bodies = exported.messages.filter((m) => m.type === 'message' && m.bodyType === 'string').map((m) => m.body);
      expect(bodies).toEqual(['said under escrow', 'bob under escrow']);
      expect(summary.conversations.map((c) => c.messages)).toEqual([exported.messages.length]);
      expect(exported.escrowedVersions).toEqual([2]);
      expect(exported).toMatchObject({ requestedBy: 'cli:it-one', approvedBy: 'cli:it-two' });
      expect(JSON.stringify(exported)).not.toContain('zero-trust secret');
      expect(exported.unreadable.some((u) => u.keyVersion === 1 && u.reason === 'unknown_key_version')).toBe(true);
      expect(exported.messages.find((m) => m.body === 'bob under escrow')?.senderUser).toBe(userIdOf(bob));

      // Used once.
      expect(await codeOf(itTwo('export', request.requestId, '--out', exportPath()))).toBe('custody_request_used');

      // IT restore of a user's history: every conversation bob is in, asked by one admin, approved by the other.
      await say(bob, second, 'direct under escrow');
      const restore = await itTwo<{ requestId: string; userId: string }>('request-restore', bob.session().username, '--reason', 'bob lost every device');
      expect(restore.userId).toBe(userIdOf(bob));
      expect(await codeOf(itTwo('approve-export', restore.requestId, '--reason', 'me'))).toBe('custody_second_admin_required');
      await itOne('approve-export', restore.requestId, '--reason', 'confirmed with bob');
      const restoredFile = exportPath();
      await itTwo('export', restore.requestId, '--out', restoredFile);
      const restoredText = readFileSync(restoredFile, 'utf8');
      const restored = JSON.parse(restoredText) as { userId: string; conversations: (Exported & { conversationId: string })[] };
      expect(restored.userId).toBe(userIdOf(bob));
      const byConversation = Object.fromEntries(
        restored.conversations.map((c) => [c.conversationId, c.messages.filter((m) => m.type === 'message').map((m) => m.body)]),
      );
      expect(byConversation).toEqual({ [first]: ['said under escrow', 'bob under escrow'], [second]: ['direct under escrow'] });
      expect(restoredText).not.toContain('zero-trust');

      // Every KMS use and every step is on record: one unseal per export, under its request.
      const { kmsAudit } = await itTwo<{ kmsAudit: { operation: string; purpose: string; request_id: string | null; outcome: string; actor: string }[] }>(
        'kms-audit',
      );
      expect(kmsAudit.map((k) => [k.operation, k.purpose, k.request_id, k.outcome, k.actor]).reverse()).toEqual([
        ['describe', 'escrow-recipient.seal', null, 'ok', 'cli:it-one'],
        ['encrypt', 'escrow-recipient.seal', null, 'ok', 'cli:it-one'],
        ['decrypt', 'escrow-recipient.unseal', request.requestId, 'ok', 'cli:it-one'],
        ['decrypt', 'escrow-recipient.unseal', restore.requestId, 'ok', 'cli:it-two'],
      ]);
      const actions = await withDb(world, (db) =>
        db.all<{ action: string; actor: string }>("SELECT action, actor FROM audit_log WHERE action LIKE 'custody.%' ORDER BY id"),
      );
      expect(actions.map((a) => `${a.action} ${a.actor}`)).toEqual([
        'custody.escrow cli:it-one',
        'custody.export_request cli:it-one',
        'custody.export_refused cli:it-one',
        'custody.export_refused cli:it-one',
        'custody.export_refused cli:it-two',
        'custody.export_approve cli:it-two',
        'custody.export cli:it-one',
        'custody.export_refused cli:it-two',
        'custody.export_request cli:it-two',
        'custody.export_refused cli:it-two',
        'custody.export_approve cli:it-one',
        'custody.export cli:it-two',
        'custody.read cli:it-two',
      ]);
    },
  );
});
