/**
 * The compliance export's refusals read as sentences for the operator, codes apart (docs/operations.md
 * "Key custody"): real key service and relay on SQLite and PostgreSQL, the local KMS, the admin CLI.
 *
 * - In server-trusted mode the export and the IT restore are refused as such (`custody_server_trusted`),
 *   never called zero-trust, before any KMS use, and the refusal is audited with its code.
 * - In escrow mode a KMS that will not unseal the recovery key (disabled) stops the export with a
 *   sentence (`kms_key_disabled`), writes no file, and the KMS use is in `kms_audit` with its code.
 * - The CLI prints the sentence first and the code on a line of its own.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { cleanup, registered, say } from '../client/harness';
import { describeBackends } from '../server/helpers/backends';
import { userIdOf, worldOn } from '../recovery/helpers';
import { adminFailureText } from '../../src/server/adminCli';
import { CustodyZeroTrustError } from '../../src/server/custody/admin';
import { LocalKms, LOCAL_KMS_FILE } from '../../src/server/kms';
import { custodyAdmin, exportPath, withDb } from './helpers';

afterEach(cleanup);

/** A sentence for a person: a capital first, a full stop last, no error code inside. */
function expectSentence(message: string): void {
  expect(message).toMatch(/^[A-Z]/);
  expect(message).toMatch(/\.$/);
  expect(message).not.toMatch(/\b[a-z]+_[a-z_]+\b/);
}

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  const err = (await p.then(
    () => undefined,
    (e: unknown) => e,
  )) as { code?: string; message?: string } | undefined;
  if (err?.code === undefined) throw new Error('expected a typed refusal');
  return { code: err.code, message: err.message ?? '' };
}

describeBackends('the export refuses in sentences', (backend) => {
  it('server-trusted: the export and the restore are refused as such, never called zero-trust, before any KMS use', { timeout: 90_000 }, async () => {
    const world = await worldOn(backend);
    const alice = await registered(world, 'alice');
    const bob = await registered(world, 'bob');
    const id = (await alice.createConversation({ kind: 'group', name: 'server made', members: [userIdOf(bob)] })).conversationId;
    await say(alice, id, 'for bob');
    const itOne = custodyAdmin(world, 'cli:it-one');
    await itOne('server-trusted', '--reason', 'internal tool');

    const exportRefused = await refusal(itOne('request-export', id, '--reason', 'legal hold'));
    expect(exportRefused.code).toBe('custody_server_trusted');
    expectSentence(exportRefused.message);
    expect(exportRefused.message).toContain('server-trusted mode');
    expect(exportRefused.message).not.toContain('zero-trust');
    expect((await refusal(itOne('request-restore', userIdOf(alice), '--reason', 'lost laptop'))).code).toBe('custody_server_trusted');
    const claimed = await refusal(itOne('export', 'no-such-request', '--out', exportPath()));
    expect(claimed.code).toBe('custody_server_trusted');

    const decrypts = await withDb(world, (db) => db.all("SELECT id FROM kms_audit WHERE purpose = 'escrow-recipient.unseal'"));
    expect(decrypts).toEqual([]);
    const refusals = await withDb(world, (db) => db.all<{ detail: string }>("SELECT detail FROM audit_log WHERE action = 'custody.export_refused'"));
    expect(refusals.map((r) => (JSON.parse(r.detail) as { why: string }).why)).toEqual(['custody_server_trusted']);

    // What the operator reads: the sentence, then the code on its own line.
    const printed = adminFailureText(new CustodyZeroTrustError('server-trusted'));
    expect(printed.split('\n')).toEqual([`admin: ${exportRefused.message}`, 'admin: error code custody_server_trusted']);
  });

  it('escrow: a disabled KMS key stops the export with a sentence, writes nothing, and is audited with its code', { timeout: 90_000 }, async () => {
    const world = await worldOn(backend);
    const alice = await registered(world, 'alice');
    const bob = await registered(world, 'bob');
    const itOne = custodyAdmin(world, 'cli:it-one');
    const itTwo = custodyAdmin(world, 'cli:it-two');
    await itOne('escrow', '--reason', 'legal hold');
    await alice.custody();
    const id = (await alice.createConversation({ kind: 'group', name: 'held', members: [userIdOf(bob)] })).conversationId;
    await say(alice, id, 'under escrow');
    const request = await itOne<{ requestId: string }>('request-export', id, '--reason', 'case 12');
    await itTwo('approve-export', request.requestId, '--reason', 'ok');

    const kms = LocalKms.open(path.join(world.serviceDir, LOCAL_KMS_FILE));
    kms.setState('disabled');
    try {
      const file = exportPath();
      const refused = await refusal(itOne('export', request.requestId, '--out', file));
      expect(refused.code).toBe('kms_key_disabled');
      expectSentence(refused.message);
      expect(refused.message).toContain('nothing was exported');
      expect(existsSync(file)).toBe(false);
    } finally {
      kms.setState('enabled');
    }
    const unseals = await withDb(world, (db) => db.all<{ outcome: string }>("SELECT outcome FROM kms_audit WHERE purpose = 'escrow-recipient.unseal'"));
    expect(unseals.map((u) => u.outcome)).toEqual(['kms_key_disabled']);

    // Usage mistakes read as sentences too.
    const noOut = await refusal(itOne('export', request.requestId));
    expect(noOut.code).toBe('admin_usage');
    expectSentence(noOut.message);
  });
});
