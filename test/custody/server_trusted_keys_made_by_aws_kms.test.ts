/**
 * Server-trusted custody with AWS KMS (moto's real server, TEST_MOTO_URL; scripts/with-services.sh starts
 * it), on SQLite and PostgreSQL: the key service makes each version with GenerateDataKey under the AWS key
 * (context {purpose: seed-conversation-key, conversation, version}) and stores only the CiphertextBlob;
 * members read under it. A disabled AWS key: no version is made (`kms_key_disabled`, nothing stored) and a
 * version not in the cache is not served (moto still decrypts with a disabled key; the adapter checks the
 * key's state, src/server/kms/awsKms.ts).
 */
import { CreateKeyCommand, DisableKeyCommand, EnableKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { afterEach, expect, it } from 'vitest';
import { fromBase64Url } from '../../src/common/encoding/base64url';
import { AwsKms } from '../../src/server/kms';
import { apiOf, cleanup, reads, restartKeyService, say, signedInOf, startWorld } from '../client/harness';
import { describeBackends, freshPostgresDatabase } from '../server/helpers/backends';
import { codeOf, userIdOf } from '../recovery/helpers';
import { custodyAdmin, pinnedClient, serverKeyKmsCalls, serverKeyRows } from './helpers';

afterEach(cleanup);

const MOTO = process.env['TEST_MOTO_URL'];
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const region = 'eu-central-1';

describeBackends('server-trusted keys made by AWS KMS', (backend) => {
  it('GenerateDataKey under the AWS key, only the ciphertext stored, members read; a disabled key makes and serves nothing', { timeout: 120_000 }, async () => {
    if (!MOTO) throw new Error('TEST_MOTO_URL is not set: run through scripts/with-services.sh (moto_server)');
    const control = new KMSClient({ region, endpoint: MOTO, credentials });
    const keyId = (await control.send(new CreateKeyCommand({ Description: 'seed server-trusted conversation keys' }))).KeyMetadata!.KeyId!;
    const kms = new AwsKms({ keyId, region, endpoint: MOTO, credentials, stateTtlMs: 0 });
    const world = await startWorld({ ...(backend === 'postgres' ? { databaseUrl: await freshPostgresDatabase() } : {}), service: { kms } });
    const alice = await pinnedClient(world, 'alice', 'server-trusted');
    const bob = await pinnedClient(world, 'bob', 'server-trusted');
    await custodyAdmin(world, 'cli:it-one', kms)('server-trusted', '--reason', 'policy');
    await alice.custody();
    const id = (await alice.createConversation({ kind: 'group', name: 'aws', members: [userIdOf(bob)] })).conversationId;
    await say(alice, id, 'made through aws');
    await reads(bob, id, ['made through aws']);

    const [row] = await serverKeyRows(world, id);
    expect(row).toMatchObject({ kms_kind: 'aws' });
    expect(row!.kms_key_id).toContain(keyId);
    const ciphertext = fromBase64Url(row!.kms_ciphertext);
    const key = await kms.decrypt(ciphertext, { purpose: 'seed-conversation-key', conversation: id, version: '1' });
    expect(Buffer.from(signedInOf(bob).ring.held(id, 1)!).equals(Buffer.from(key))).toBe(true);
    expect(Buffer.from(ciphertext).includes(Buffer.from(key))).toBe(false);
    // Another context (another conversation or version) does not decrypt it.
    expect(await codeOf(kms.decrypt(ciphertext, { purpose: 'seed-conversation-key', conversation: id, version: '2' }))).toBe('kms_decrypt_failed');
    expect(await serverKeyKmsCalls(world)).toEqual({ generate: 1, decrypt: 0 });

    await control.send(new DisableKeyCommand({ KeyId: keyId }));
    expect(await codeOf(signedInOf(alice).conversations.rotate(id))).toBe('kms_key_disabled');
    expect((await serverKeyRows(world, id)).map((r) => Number(r.version))).toEqual([1]);

    await control.send(new EnableKeyCommand({ KeyId: keyId }));
    await restartKeyService(world);
    await control.send(new DisableKeyCommand({ KeyId: keyId }));
    expect(await codeOf(apiOf(bob).request('getServerKey', { params: { conversationId: id, version: 1 } }))).toBe('kms_key_disabled');

    await control.send(new EnableKeyCommand({ KeyId: keyId }));
    expect(await signedInOf(alice).conversations.rotate(id)).toBe(2);
    await say(alice, id, 'after the key came back');
    await reads(bob, id, ['after the key came back']);
  });
});
