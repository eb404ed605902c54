/**
 * Issue [custody], escrow mode with AWS KMS (moto's real server, TEST_MOTO_URL; scripts/with-services.sh
 * starts it): the recovery recipient's private key is sealed under the AWS key (context {purpose:
 * seed-escrow-recipient, recipient: <fingerprint>}) and stored only as that ciphertext; the two-admin export
 * unseals it through AWS KMS. Attack: the database copied to a host with another KMS (here the local KMS)
 * cannot export — the unseal is refused (`kms_decrypt_failed`), logged in kms_audit with that outcome, and
 * nothing is written. A disabled AWS key stops the export with `kms_key_disabled` (moto still decrypts
 * with a disabled key; the adapter checks the key's state, src/server/kms/awsKms.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { CreateKeyCommand, DisableKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { afterEach, expect, it } from 'vitest';
import { fromBase64Url } from '../../src/common/encoding/base64url';
import { AwsKms, LocalKms } from '../../src/server/kms';
import { cleanup, registered, say } from '../client/harness';
import { describeBackends } from '../server/helpers/backends';
import { codeOf, userIdOf, worldOn } from '../recovery/helpers';
import { custodyAdmin, exportPath, withDb } from './helpers';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

afterEach(cleanup);

const MOTO = process.env['TEST_MOTO_URL'];
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const region = 'eu-central-1';

async function motoKms(): Promise<{ kms: AwsKms; keyId: string }> {
  if (!MOTO) throw new Error('TEST_MOTO_URL is not set: run through scripts/with-services.sh (moto_server)');
  const client = new KMSClient({ region, endpoint: MOTO, credentials });
  const keyId = (await client.send(new CreateKeyCommand({ Description: 'seed escrow recipient' }))).KeyMetadata!.KeyId!;
  return { kms: new AwsKms({ keyId, region, endpoint: MOTO, credentials, stateTtlMs: 0 }), keyId };
}

describeBackends('the escrow recipient sealed by AWS KMS', (backend) => {
  it('seals under the AWS key, exports through it; another KMS cannot unseal; a disabled key stops the export', { timeout: 90_000 }, async () => {
    const { kms, keyId } = await motoKms();
    const world = await worldOn(backend);
    const alice = await registered(world, 'alice');
    const bob = await registered(world, 'bob');
    const id = (await alice.createConversation({ kind: 'group', name: 'aws', members: [userIdOf(bob)] })).conversationId;
    const itOne = custodyAdmin(world, 'cli:it-one', kms);
    const itTwo = custodyAdmin(world, 'cli:it-two', kms);
    const enabled = await itOne<{ recipient: { fingerprint: string; publicKey: string } }>('escrow', '--reason', 'policy');
    await alice.custody();
    await say(alice, id, 'sealed through aws');

    const [row] = await withDb(world, (db) =>
      db.all<{ kms_kind: string; kms_key_id: string; sealed_private_key: string }>('SELECT kms_kind, kms_key_id, sealed_private_key FROM escrow_recipients'),
    );
    expect(row).toMatchObject({ kms_kind: 'aws' });
    expect(row!.kms_key_id).toContain(keyId);
    const sealed = fromBase64Url(row!.sealed_private_key);
    const unsealed = await kms.decrypt(sealed, { purpose: 'seed-escrow-recipient', recipient: enabled.recipient.fingerprint });
    expect(unsealed.length).toBe(32);
    expect(Buffer.from(sealed).includes(Buffer.from(unsealed))).toBe(false);

    // The database on a host with another KMS: the unseal is refused and logged; nothing is written.
    const elsewhere = LocalKms.open(path.join(mkdtempSync(path.join(tmpdir(), 'seed-other-kms-')), 'kms-master.key'));
    const first = await itOne<{ requestId: string }>('request-export', id, '--reason', 'copy test');
    await itTwo('approve-export', first.requestId, '--reason', 'ok');
    const copied = exportPath();
    expect(await codeOf(custodyAdmin(world, 'cli:intruder', elsewhere)('export', first.requestId, '--out', copied))).toBe('kms_decrypt_failed');
    expect(existsSync(copied)).toBe(false);

    // Through AWS KMS, with two admins: the export reads the message.
    const second = await itOne<{ requestId: string }>('request-export', id, '--reason', 'case 11');
    await itTwo('approve-export', second.requestId, '--reason', 'ok');
    const file = exportPath();
    await itTwo('export', second.requestId, '--out', file);
    const exported = JSON.parse(readFileSync(file, 'utf8')) as { messages: { body: unknown }[] };
    expect(exported.messages.map((m) => m.body)).toContain('sealed through aws');

    // A disabled key: no export.
    const third = await itOne<{ requestId: string }>('request-export', id, '--reason', 'after disable');
    await itTwo('approve-export', third.requestId, '--reason', 'ok');
    await new KMSClient({ region, endpoint: MOTO!, credentials }).send(new DisableKeyCommand({ KeyId: keyId }));
    expect(await codeOf(itTwo('export', third.requestId, '--out', exportPath()))).toBe('kms_key_disabled');

    const audit = await withDb(world, (db) =>
      db.all<{ actor: string; operation: string; outcome: string; request_id: string | null }>(
        "SELECT actor, operation, outcome, request_id FROM kms_audit WHERE operation = 'decrypt' ORDER BY id",
      ),
    );
    expect(audit.map((a) => [a.actor, a.outcome, a.request_id])).toEqual([
      ['cli:intruder', 'kms_decrypt_failed', first.requestId],
      ['cli:it-two', 'ok', second.requestId],
      ['cli:it-two', 'kms_key_disabled', third.requestId],
    ]);
  });
});
