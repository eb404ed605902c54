/**
 * Server-trusted custody on the device side (docs/protocol.md §19.4) and the KMS failing: real clients,
 * relay and key service on SQLite and PostgreSQL, the local KMS.
 *
 * - A device does not take a key the key service made just because the key service says so: a device whose
 *   managed policy names zero-trust refuses it (`server_key_refused`, before any key request) and says so in
 *   its custody status (`serverKeys: 'refused'`, never acceptable); a device without a managed policy
 *   refuses it until its user accepts (`serverKeys: 'ask'`), then reads.
 * - The KMS key disabled: no version is made (`kms_key_disabled`, nothing stored) and a version not in the
 *   cache is not served (`kms_key_disabled`); enabled again, both work.
 */
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { apiOf, cleanup, reads, registered, restartKeyService, say, signedInOf, waitFor } from '../client/harness';
import { describeBackends } from '../server/helpers/backends';
import { codeOf, userIdOf, worldOn } from '../recovery/helpers';
import { LocalKms, LOCAL_KMS_FILE } from '../../src/server/kms';
import { custodyAdmin, pinnedClient, serverKeyKmsCalls, serverKeyRows, withDb } from './helpers';

afterEach(cleanup);

describeBackends('server-made keys need this device to trust the server', (backend) => {
  it('a zero-trust-pinned device refuses a server-made key and says so; an unpinned one asks its user first', { timeout: 120_000 }, async () => {
    const world = await worldOn(backend);
    const alice = await pinnedClient(world, 'alice', 'server-trusted');
    const dave = await pinnedClient(world, 'dave', 'zero-trust');
    const erin = await registered(world, 'erin');
    await custodyAdmin(world, 'cli:it-one')('server-trusted', '--reason', 'policy');
    const id = (await alice.createConversation({ kind: 'group', name: 'server made', members: [userIdOf(dave), userIdOf(erin)] })).conversationId;
    await say(alice, id, 'under a server-made key');

    // dave's managed policy names zero-trust: refused for good, and shown.
    expect(await dave.custody()).toMatchObject({ mode: 'server-trusted', serverKeys: 'refused', managed: true });
    const fetchesBefore = await serverKeyKmsCalls(world);
    expect(await codeOf(signedInOf(dave).ring.get(id, 1))).toBe('server_key_refused');
    expect(signedInOf(dave).ring.holds(id, 1)).toBe(false);
    expect(await codeOf(dave.acceptServerKeys())).toBe('server_key_refused');
    // Nor does dave rotate through the key service.
    expect(await codeOf(signedInOf(dave).conversations.rotate(id))).toBe('server_key_refused');
    expect((await serverKeyRows(world, id)).map((r) => Number(r.version))).toEqual([1]);
    expect(await serverKeyKmsCalls(world)).toEqual(fetchesBefore);

    // erin has no managed policy: refused until she accepts, then she reads.
    expect(await erin.custody()).toMatchObject({ mode: 'server-trusted', serverKeys: 'ask', managed: false });
    expect(await codeOf(signedInOf(erin).ring.get(id, 1))).toBe('server_key_refused');
    // A background fetch (an envelope that needs the version) waits for her consent, and resumes on it.
    const ring = signedInOf(erin).ring;
    const arrived = new Promise<void>((resolve) => ring.onKey((c, v) => c === id && v === 1 && resolve()));
    ring.request(id, 1);
    await waitFor(
      'the background fetch to end in the refusal',
      async () => (await ring.get(id, 1).catch((err: { code?: string }) => err.code)) === 'server_key_refused',
    );
    expect(ring.holds(id, 1)).toBe(false);
    expect(await erin.acceptServerKeys()).toMatchObject({ mode: 'server-trusted', serverKeys: 'accepted' });
    await arrived;
    expect(ring.holds(id, 1)).toBe(true);
    await reads(erin, id, ['under a server-made key']);
  });

  it('KMS disabled: no version is made and none is served from the KMS, with a typed error; enabled again, both work', { timeout: 120_000 }, async () => {
    const world = await worldOn(backend);
    const alice = await pinnedClient(world, 'alice', 'server-trusted');
    const bob = await pinnedClient(world, 'bob', 'server-trusted');
    await custodyAdmin(world, 'cli:it-one')('server-trusted', '--reason', 'policy');
    await alice.custody();
    const id = (await alice.createConversation({ kind: 'group', name: 'kms', members: [userIdOf(bob)] })).conversationId;
    await say(alice, id, 'before the KMS went away');

    const kms = LocalKms.open(path.join(world.serviceDir, LOCAL_KMS_FILE));
    kms.setState('disabled');
    expect(await codeOf(signedInOf(alice).conversations.rotate(id))).toBe('kms_key_disabled');
    expect((await serverKeyRows(world, id)).map((r) => Number(r.version))).toEqual([1]);

    // The cache is empty after a restart (which itself needs the KMS, for the key service's own secrets):
    // the version needs the KMS, which refuses; nothing is served.
    kms.setState('enabled');
    await restartKeyService(world);
    kms.setState('disabled');
    expect(await codeOf(apiOf(bob).request('getServerKey', { params: { conversationId: id, version: 1 } }))).toBe('kms_key_disabled');
    expect(await codeOf(signedInOf(bob).ring.get(id, 1))).toBe('kms_key_disabled');
    expect(signedInOf(bob).ring.holds(id, 1)).toBe(false);

    kms.setState('enabled');
    await reads(bob, id, ['before the KMS went away']);
    expect(await signedInOf(alice).conversations.rotate(id)).toBe(2);
    // Every KMS call is on record, the refused ones with their code.
    const outcomes = await withDb(world, (db) =>
      db.all<{ operation: string; outcome: string }>("SELECT operation, outcome FROM kms_audit WHERE purpose LIKE 'server-key.%' ORDER BY id"),
    );
    expect(outcomes.filter((o) => o.operation === 'generate_data_key').map((o) => o.outcome)).toEqual(['ok', 'kms_key_disabled', 'ok']);
    expect(outcomes.filter((o) => o.operation === 'decrypt').map((o) => o.outcome)).toEqual(['kms_key_disabled', 'kms_key_disabled', 'ok']);
  });
});
