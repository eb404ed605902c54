/**
 * Attack and loss scenarios of the recovery key and key backup (issue [recovery]; docs/protocol.md §18,
 * docs/threat-model.md "Losing every device"). Real relay, real key service on SQLite and PostgreSQL.
 *
 * Guarantees: with the recovery key (and the password) a new device gets the account key back — contacts
 * see no identity change — and reads the old history; a typo, a wrong key or a replaced key is refused
 * with its typed code and changes nothing; the key service stores no recovery key and no private key in
 * clear (a scan of every row); nothing it stores is readable with the old key after a rotation.
 */
import { afterEach, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from '../../src/common/encoding/base64url';
import { toHex } from '../../src/common/encoding/bytes';
import { createRestoredWrap, deriveRecoveryKeys, formatRecoveryKey, parseRecoveryKey } from '../../src/common/protocol/recovery';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryVaultForTests } from '../../src/client/vault';
import { apiOf, cleanup, newClient, PASSWORD, provider, reads, registered, say, signedInOf, waitFor } from '../client/harness';
import { startKeyServiceProxy, type KeyServiceProxy } from '../client/keyServiceProxy';
import { describeBackends } from '../server/helpers/backends';
import { codeOf, dumpDatabase, dumpHolds, userIdOf, worldOn } from './helpers';

let proxy: KeyServiceProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await cleanup();
});

describeBackends('the recovery key restores an account', (backend) => {
  it('loses the only device, restores on a new one with the recovery key, reads the old messages; contacts see the same identity', async () => {
    const world = await worldOn(backend);
    const alice = await registered(world, 'alice');
    const bob = await registered(world, 'bob');
    const { recoveryKey, backupVersion } = await alice.createRecoveryKey();
    expect(backupVersion).toBe(1);
    expect(recoveryKey).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){13}[0-9A-HJKMNP-TV-Z]{4}$/);

    const id = (await alice.createConversation({ kind: 'group', name: 'before the loss', members: [userIdOf(bob)] })).conversationId;
    await say(alice, id, 'alice: version one');
    await say(bob, id, 'bob: version one');
    await alice.rotate(id);
    await say(alice, id, 'alice: version two');
    await reads(bob, id, ['alice: version one', 'alice: version two']);
    await alice.flushKeyBackup();
    const trustBefore = await bob.contactTrust(userIdOf(alice));
    const accountKey = toBase64Url(signedInOf(alice).identity.account.publicKey);
    const username = alice.session().username;
    await alice.close(); // the laptop is gone: profile, keychain and all

    const vault = new InMemoryVaultForTests();
    const dataDir = mkdtempSync(join(tmpdir(), 'seed-restored-'));
    const restoredDevice = await newClient(world, "alice's new laptop", { vault, dataDir });
    const outcome = await restoredDevice.restoreWithRecoveryKey({ username, password: PASSWORD, recoveryKey });
    expect(outcome.restored).toBe(2);
    expect(outcome.refused).toBe(0);
    expect(toBase64Url(signedInOf(restoredDevice).identity.account.publicKey)).toBe(accountKey);
    await reads(restoredDevice, id, ['alice: version one', 'bob: version one', 'alice: version two']);

    // Contacts see no identity change, and the restored device talks both ways.
    await say(restoredDevice, id, 'alice: restored');
    await reads(bob, id, ['alice: restored']);
    const trustAfter = await bob.contactTrust(userIdOf(alice));
    expect(trustAfter.state).toBe(trustBefore.state);
    expect(trustAfter.safetyNumber).toBe(trustBefore.safetyNumber);
    expect(trustAfter.state).not.toBe('changed');

    // The restored device keeps those key versions across a restart, without the recovery key.
    await restoredDevice.close();
    const reopened = await newClient(world, "alice's new laptop", { vault, dataDir });
    const ring = signedInOf(reopened).ring;
    await waitFor('restored versions back in the ring', () => ring.holds(id, 1) && ring.holds(id, 2));
    expect(
      await apiOf(reopened)
        .request('listRestoredWraps', {})
        .then((p) => p.wraps.length),
    ).toBe(2);

    // The key service holds no recovery key and no private key in clear.
    const dump = await dumpDatabase(world);
    const raw = await parseRecoveryKey(provider, recoveryKey);
    const derived = await deriveRecoveryKeys(provider, raw, userIdOf(restoredDevice));
    const secrets = {
      'recovery key (text)': recoveryKey,
      'recovery key (no dashes)': recoveryKey.replace(/-/g, ''),
      'recovery key (base64url)': toBase64Url(raw),
      'recovery key (hex)': toHex(raw),
      'account private key (base64url)': toBase64Url(signedInOf(restoredDevice).identity.account.privateKey),
      'account private key (hex)': toHex(signedInOf(restoredDevice).identity.account.privateKey),
      'backup private key (base64url)': toBase64Url(derived.backup.privateKey),
      'backup private key (hex)': toHex(derived.backup.privateKey),
      'X-Wing backup seed (base64url)': toBase64Url(derived.backupXWing.privateKey),
      'X-Wing backup seed (hex)': toHex(derived.backupXWing.privateKey),
      'identity encryption key (base64url)': toBase64Url(derived.identityKey),
      'identity encryption key (hex)': toHex(derived.identityKey),
    };
    for (const [what, secret] of Object.entries(secrets)) expect(dump.includes(secret), `${what} stored in clear`).toBe(false);
    const rawSecrets = {
      'recovery key': raw,
      'account private key': signedInOf(restoredDevice).identity.account.privateKey,
      'backup private key': derived.backup.privateKey,
      'X-Wing backup seed': derived.backupXWing.privateKey,
      'identity encryption key': derived.identityKey,
    };
    for (const [what, secret] of Object.entries(rawSecrets)) expect(dumpHolds(dump, secret), `${what} stored inside a field`).toBe(false);
    // The scan can fail: a secret hidden at any offset inside a longer base64url field is found.
    for (const offset of [0, 1, 2, 5]) {
      const hidden = new Uint8Array(offset + 32 + 7);
      hidden.set(raw, offset);
      expect(dumpHolds(`${dump}\nplanted: {"x":"${toBase64Url(hidden)}"}`, raw), `planted at ${offset}`).toBe(true);
    }
    // …while the scan does see the backup (its public key), so it is looking in the right place.
    expect(dump).toContain(toBase64Url(derived.backupXWing.publicKey));
  });

  it('refuses a typo before any network call, and a wrong key with recovery_key_invalid; nothing changes', async () => {
    const world = await worldOn(backend);
    const alice = await registered(world, 'alice');
    const { recoveryKey } = await alice.createRecoveryKey();
    const username = alice.session().username;
    const devicesBefore = (await alice.devices()).length;

    // One character changed: the checksum catches it.
    const typo = `${recoveryKey[0] === 'A' ? 'B' : 'A'}${recoveryKey.slice(1)}`;
    proxy = await startKeyServiceProxy(world.keyService.url);
    const fresh = await newClient(world, 'a new laptop', { keyServiceUrl: proxy.url });
    expect(await codeOf(fresh.restoreWithRecoveryKey({ username, password: PASSWORD, recoveryKey: typo }))).toBe('recovery_key_unreadable');
    expect(proxy.requests, 'no request before the checksum passed').toHaveLength(0);
    expect(await codeOf(alice.verifyRecoveryKey(typo))).toBe('recovery_key_unreadable');

    // A well-formed key that is not the account's.
    const wrong = await formatRecoveryKey(provider, provider.randomBytes(32));
    expect(await codeOf(fresh.restoreWithRecoveryKey({ username, password: PASSWORD, recoveryKey: wrong }))).toBe('recovery_key_invalid');
    expect(await codeOf(alice.verifyRecoveryKey(wrong))).toBe('recovery_key_invalid');
    expect(fresh.isSignedIn).toBe(false);
    expect((await alice.devices()).length).toBe(devicesBefore);
    // The password-only session it opened to check was ended again.
    expect(proxy.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/auth/login', 'GET /v1/backup', 'POST /v1/auth/logout']);

    // The right key (typed loosely: lower case, spaces) verifies.
    expect(await alice.verifyRecoveryKey(recoveryKey.toLowerCase().replace(/-/g, ' '))).toEqual({ backupVersion: 1 });
  });

  it('after a rotation the old key is refused as recovery_key_outdated and opens nothing the service still holds; the new key restores', async () => {
    const world = await worldOn(backend);
    const alice = await registered(world, 'alice');
    const bob = await registered(world, 'bob');
    const id = (await alice.createConversation({ kind: 'direct', members: [userIdOf(bob)] })).conversationId;
    await say(alice, id, 'before rotation');
    const first = await alice.createRecoveryKey();
    const second = await alice.rotateRecoveryKey();
    expect(second.backupVersion).toBe(2);
    await alice.flushKeyBackup();

    expect(await codeOf(alice.verifyRecoveryKey(first.recoveryKey))).toBe('recovery_key_outdated');
    expect(await alice.verifyRecoveryKey(second.recoveryKey)).toEqual({ backupVersion: 2 });

    // The old key's backup secret opens no entry left on the service, and its identity blob is gone.
    const oldKeys = await deriveRecoveryKeys(provider, await parseRecoveryKey(provider, first.recoveryKey), userIdOf(alice));
    const dump = await dumpDatabase(world);
    const backups = dump.split('\n').filter((l) => l.startsWith('key_backups: '));
    expect(backups).toHaveLength(2);
    const old = backups
      .map((l) => JSON.parse(l.slice('key_backups: '.length)) as { backup_version: number; descriptor: string | null })
      .find((r) => Number(r.backup_version) === 1);
    expect(old?.descriptor).toBeNull();
    expect(dump.split('\n').filter((l) => l.startsWith('key_backup_entries: ') && l.includes('"backup_version":1,'))).toHaveLength(0);
    expect(dump).not.toContain(toBase64Url(oldKeys.backup.privateKey));

    const username = alice.session().username;
    await alice.close();
    const fresh = await newClient(world, 'new laptop');
    expect(await codeOf(fresh.restoreWithRecoveryKey({ username, password: PASSWORD, recoveryKey: first.recoveryKey }))).toBe('recovery_key_outdated');
    expect(fresh.isSignedIn).toBe(false);
    const outcome = await fresh.restoreWithRecoveryKey({ username, password: PASSWORD, recoveryKey: second.recoveryKey });
    expect(outcome.restored).toBe(1);
    await reads(fresh, id, ['before rotation']);
  });

  it('the key service refuses what is not the account’s: an unsigned descriptor, a replayed version, a forged or foreign entry or restored wrap', async () => {
    const world = await worldOn(backend);
    const alice = await registered(world, 'alice');
    const mallory = await registered(world, 'mallory');
    const api = apiOf(alice);
    // No backup yet.
    expect(await codeOf(api.request('getKeyBackup'))).toBe('no_backup');
    expect(await codeOf(api.request('addBackupEntries', { body: { entries: [{}] } }))).toBe('no_backup');
    await alice.createRecoveryKey();
    const { descriptor } = await api.request('getKeyBackup');

    // A descriptor with another backup key (the signature no longer covers it), or signed by Mallory's account key.
    const attacker = await provider.x25519GenerateKeyPair();
    const swapped = { ...descriptor, backupVersion: 2, backupKey: toBase64Url(attacker.publicKey) };
    expect(await codeOf(api.request('putKeyBackup', { body: { descriptor: swapped } }))).toBe('bad_backup_descriptor');
    expect(await codeOf(api.request('putKeyBackup', { body: { descriptor: { ...descriptor, v: 3 } } }))).toBe('bad_backup_descriptor');
    // The same, signed, version again.
    expect(await codeOf(api.request('putKeyBackup', { body: { descriptor } }))).toBe('backup_version_conflict');
    // Alice's descriptor posted by Mallory (another account).
    expect(await codeOf(apiOf(mallory).request('putKeyBackup', { body: { descriptor } }))).toBe('bad_backup_descriptor');

    // Entries: forged signature, another user, malformed.
    const id = (await alice.createConversation({ kind: 'direct', members: [userIdOf(mallory)] })).conversationId;
    await say(alice, id, 'hello');
    await alice.flushKeyBackup();
    const page = await api.request('listBackupEntries', {});
    expect(page.entries).toHaveLength(1);
    const entry = page.entries[0]!;
    const forged = { ...entry, version: entry.version + 1 };
    expect(await codeOf(api.request('addBackupEntries', { body: { entries: [forged] } }))).toBe('bad_backup_entry');
    expect(await codeOf(api.request('addBackupEntries', { body: { entries: [{ ...entry, ct: 'AAAA' }] } }))).toBe('bad_backup_entry');
    expect(await codeOf(apiOf(mallory).request('addBackupEntries', { body: { entries: [entry] } }))).toBe('no_backup');
    await mallory.createRecoveryKey();
    expect(await codeOf(apiOf(mallory).request('addBackupEntries', { body: { entries: [entry] } }))).toBe('bad_backup_entry');
    // An entry for an older backup version after a rotation.
    await alice.rotateRecoveryKey();
    expect(await codeOf(api.request('addBackupEntries', { body: { entries: [entry] } }))).toBe('backup_version_stale');
    expect((await api.request('listBackupEntries', {})).entries.every((e) => e.backupVersion === 2)).toBe(true);
    expect(fromBase64Url(descriptor.backupKey)).toHaveLength(1216); // X-Wing (§18.10)

    // Restored wraps: only the calling device's own, signed by it.
    const me = signedInOf(alice).identity;
    const someone = await provider.ed25519GenerateKeyPair();
    const forgedWrap = await createRestoredWrap(provider, {
      userId: me.userId,
      device: { deviceId: me.deviceId, x25519PublicKey: me.device.x25519.publicKey, ed25519PrivateKey: someone.privateKey },
      conversationId: id,
      version: 1,
      key: provider.randomBytes(32),
      acceptedAt: 0,
    });
    expect(await codeOf(api.request('addRestoredWraps', { body: { wraps: [forgedWrap] } }))).toBe('bad_backup_entry');
    const ownWrap = await createRestoredWrap(provider, {
      userId: me.userId,
      device: { deviceId: me.deviceId, x25519PublicKey: me.device.x25519.publicKey, ed25519PrivateKey: me.device.ed25519.privateKey },
      conversationId: id,
      version: 1,
      key: provider.randomBytes(32),
      acceptedAt: 0,
    });
    expect(await codeOf(apiOf(mallory).request('addRestoredWraps', { body: { wraps: [ownWrap] } }))).toBe('bad_backup_entry');
    expect(await api.request('addRestoredWraps', { body: { wraps: [ownWrap] } })).toEqual({ added: 1 });
    expect((await apiOf(mallory).request('listRestoredWraps', {})).wraps).toHaveLength(0);
  });
});
