/**
 * Post-quantum key backups (issue [pq]; docs/protocol.md §18.10, docs/threat-model.md "Losing every
 * device"). Real relay, real key service on SQLite and PostgreSQL.
 *
 * Guarantees: a new recovery key makes an X-Wing backup; each device puts ONE header (an X-Wing
 * encapsulation to the backup key, signed by it) per backup version and seals its entries with AES-256-GCM
 * under keys derived from it; a restore decapsulates once per header and reads the history. A backup made by
 * an older release (X25519) still restores, and the next time a device holds the recovery key it upgrades
 * the backup in place, keeping the old entries readable (a mixed backup restores). Attacks, each refused
 * with a typed code and nothing restored from what was refused: an entry sealed under another device's
 * header, a swapped header, a truncated enc, an entry moved to another conversation; the key service
 * refuses headers and entries that are not the calling certified device's, a downgrade to X25519 entries,
 * and a second header for the same device.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { Client } from '../../src/client/client';
import { InMemoryVaultForTests } from '../../src/client/vault';
import { toBase64Url } from '../../src/common/encoding/base64url';
import type { ConversationId } from '../../src/common/ids';
import {
  createBackupDescriptor,
  createBackupEntry,
  createBackupEntryV2,
  createBackupHeader,
  deriveRecoveryKeys,
  generateRecoveryKey,
  type BackupDescriptor,
  type BackupEntry,
  type BackupHeader,
} from '../../src/common/protocol/recovery';
import { apiOf, cleanup, newClient, PASSWORD, provider, reads, registered, say, signedInOf, type World } from '../client/harness';
import { startKeyServiceProxy, type KeyServiceProxy } from '../client/keyServiceProxy';
import { describeBackends } from '../server/helpers/backends';
import { codeOf, userIdOf, worldOn } from './helpers';

let proxy: KeyServiceProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await cleanup();
});

/** A fresh device of `username` that restores through `keyServiceUrl` (the proxy, when given). */
async function restoreOn(world: World, username: string, recoveryKey: string, keyServiceUrl?: string) {
  const device = await newClient(world, "alice's new laptop", {
    vault: new InMemoryVaultForTests(),
    dataDir: mkdtempSync(join(tmpdir(), 'seed-restored-')),
    ...(keyServiceUrl ? { keyServiceUrl } : {}),
  });
  const outcome = await device.restoreWithRecoveryKey({ username, password: PASSWORD, recoveryKey });
  return { device, outcome };
}

/** Alice with an X-Wing backup, two conversations with Bob (two key versions in the first), all backed up. */
async function aliceWithHistory(world: World) {
  const alice = await registered(world, 'alice');
  const bob = await registered(world, 'bob');
  const { recoveryKey } = await alice.createRecoveryKey();
  const first = (await alice.createConversation({ kind: 'group', name: 'first', members: [userIdOf(bob)] })).conversationId;
  await say(alice, first, 'alice: first v1');
  await alice.rotate(first);
  await say(alice, first, 'alice: first v2');
  const second = (await alice.createConversation({ kind: 'group', name: 'second', members: [userIdOf(bob)] })).conversationId;
  await say(alice, second, 'alice: second v1');
  await alice.flushKeyBackup();
  return { alice, bob, recoveryKey, first, second, username: alice.session().username };
}

describeBackends('post-quantum key backups', (backend) => {
  it('a new recovery key makes an X-Wing backup: one header per device, AEAD entries; a new device restores and reads', async () => {
    const world = await worldOn(backend);
    const { alice, bob, recoveryKey, first, second, username } = await aliceWithHistory(world);
    const api = apiOf(alice);
    const { descriptor } = await api.request('getKeyBackup');
    expect(descriptor).toMatchObject({ v: 2, suite: 'xwing' });
    const headers = await api.request('listBackupHeaders');
    expect(headers.headers).toHaveLength(1);
    expect(headers.headers[0]).toMatchObject({ v: 2, suite: 'xwing', deviceId: alice.session().deviceId });
    const page = await api.request('listBackupEntries', {});
    expect(page.entries).toHaveLength(3);
    expect(page.entries.every((e) => e.v === 2 && !('enc' in e))).toBe(true);
    // A restart makes the same header again (derived from the device key): accepted, not added.
    const me = signedInOf(alice).identity;
    const again = await createBackupHeader(provider, {
      userId: me.userId,
      descriptor,
      deviceId: me.deviceId,
      signingPrivateKey: me.device.ed25519.privateKey,
    });
    expect(again.header).toEqual(headers.headers[0]);
    expect(await api.request('putBackupHeader', { body: { header: again.header } })).toEqual({ added: false });
    await alice.close();

    const { device, outcome } = await restoreOn(world, username, recoveryKey);
    expect(outcome).toMatchObject({ restored: 3, refused: 0 });
    // What the restored device keeps on the key service for its restarts is post-quantum too (§18.10.7):
    // AES-256-GCM under a key of its own Ed25519 seed, no X25519 wrap.
    const kept = (await apiOf(device).request('listRestoredWraps', {})).wraps;
    expect(kept).toHaveLength(3);
    expect(kept.every((w) => w.v === 2 && !('wrap' in w))).toBe(true);
    await reads(device, first, ['alice: first v1', 'alice: first v2']);
    await reads(device, second, ['alice: second v1']);
    await say(device, first, 'alice: restored');
    await reads(bob, first, ['alice: restored']);
  });

  it('a backup of an older release (X25519) restores; the restored device upgrades it in place and a mixed backup restores', async () => {
    const world = await worldOn(backend);
    const alice = await registered(world, 'alice');
    const bob = await registered(world, 'bob');
    // What an older release published: an X25519 descriptor (v1); this device then backs up X25519 entries.
    const { key, text } = await generateRecoveryKey(provider);
    const keys = await deriveRecoveryKeys(provider, key, userIdOf(alice));
    const me = signedInOf(alice).identity;
    const v1 = await createBackupDescriptor(provider, {
      userId: me.userId,
      backupVersion: 1,
      keys,
      account: me.account,
      createdAt: Date.now(),
      suite: 'x25519',
    });
    await apiOf(alice).request('putKeyBackup', { body: { descriptor: v1 } });
    const old = (await alice.createConversation({ kind: 'group', name: 'old', members: [userIdOf(bob)] })).conversationId;
    await say(alice, old, 'alice: before the upgrade');
    await alice.flushKeyBackup();
    const before = await apiOf(alice).request('listBackupEntries', {});
    expect(before.entries.map((e) => e.v)).toEqual([1]);

    // An in-place upgrade with the same recovery key (as a device that holds it does), before this device
    // backed up anything under it: the X25519 entries of version 1 stay; new versions go in as X-Wing.
    const v2 = await createBackupDescriptor(provider, {
      userId: me.userId,
      backupVersion: 2,
      keys,
      account: me.account,
      createdAt: Date.now(),
      legacy: { backupVersion: 1, backupKey: v1.backupKey },
    });
    await apiOf(alice).request('putKeyBackup', { body: { descriptor: v2 } });
    const fresh = (await alice.createConversation({ kind: 'group', name: 'new', members: [userIdOf(bob)] })).conversationId;
    await say(alice, fresh, 'alice: after the upgrade');
    await alice.flushKeyBackup();
    const mixed = await apiOf(alice).request('listBackupEntries', {});
    expect(mixed.entries.map((e) => `${e.v}:${e.conversationId === old ? 'old' : 'new'}`).sort()).toEqual(['1:old', '2:new']);
    const username = alice.session().username;
    await alice.close();

    const { device, outcome } = await restoreOn(world, username, text);
    expect(outcome).toMatchObject({ restored: 2, refused: 0 });
    await reads(device, old, ['alice: before the upgrade']);
    await reads(device, fresh, ['alice: after the upgrade']);
    // The restored device held the recovery key: it is X-Wing already, and everything it holds is in it as X-Wing.
    expect((await apiOf(device).request('getKeyBackup')).descriptor).toMatchObject({ v: 2, backupVersion: 2 });
  });

  it('an account of an older release upgrades the next time the recovery key is typed (verify): same key, X-Wing backup', async () => {
    const world = await worldOn(backend);
    const alice = await registered(world, 'alice');
    const bob = await registered(world, 'bob');
    const { key, text } = await generateRecoveryKey(provider);
    const keys = await deriveRecoveryKeys(provider, key, userIdOf(alice));
    const me = signedInOf(alice).identity;
    const v1 = await createBackupDescriptor(provider, {
      userId: me.userId,
      backupVersion: 1,
      keys,
      account: me.account,
      createdAt: Date.now(),
      suite: 'x25519',
    });
    await apiOf(alice).request('putKeyBackup', { body: { descriptor: v1 } });
    const id = (await alice.createConversation({ kind: 'group', name: 'old', members: [userIdOf(bob)] })).conversationId;
    await say(alice, id, 'alice: hello');
    await alice.flushKeyBackup();
    expect(await alice.verifyRecoveryKey(text)).toEqual({ backupVersion: 2 });
    const answer = await apiOf(alice).request('getKeyBackup');
    expect(answer.descriptor).toMatchObject({ v: 2, suite: 'xwing', legacy: { backupVersion: 1 } });
    const entries = (await apiOf(alice).request('listBackupEntries', {})).entries;
    expect(entries.filter((e) => e.v === 2)).toHaveLength(1);
    // The same text still works (no new key to write down), and now checks against the X-Wing key.
    expect(await alice.verifyRecoveryKey(text)).toEqual({ backupVersion: 2 });
  });

  it('restoring an X25519 backup (older release) reads the history, then upgrades the backup to X-Wing in the background', async () => {
    const world = await worldOn(backend);
    const alice = await registered(world, 'alice');
    const bob = await registered(world, 'bob');
    const { key, text } = await generateRecoveryKey(provider);
    const keys = await deriveRecoveryKeys(provider, key, userIdOf(alice));
    const me = signedInOf(alice).identity;
    const v1 = await createBackupDescriptor(provider, {
      userId: me.userId,
      backupVersion: 1,
      keys,
      account: me.account,
      createdAt: Date.now(),
      suite: 'x25519',
    });
    await apiOf(alice).request('putKeyBackup', { body: { descriptor: v1 } });
    const id = (await alice.createConversation({ kind: 'group', name: 'old', members: [userIdOf(bob)] })).conversationId;
    await say(alice, id, 'alice: from an older release');
    await alice.flushKeyBackup();
    const username = alice.session().username;
    await alice.close();
    const { device, outcome } = await restoreOn(world, username, text);
    expect(outcome).toMatchObject({ restored: 1, refused: 0 });
    await reads(device, id, ['alice: from an older release']);
    await device.flushKeyBackup();
    expect((await apiOf(device).request('getKeyBackup')).descriptor).toMatchObject({ v: 2, backupVersion: 2, legacy: { backupVersion: 1 } });
    const entries = (await apiOf(device).request('listBackupEntries', {})).entries;
    expect(entries.map((e) => e.v).sort()).toEqual([1, 2]);
    expect(await device.verifyRecoveryKey(text)).toEqual({ backupVersion: 2 });
  });

  it('the key service refuses a header or entry that is not the calling certified device’s, a downgrade, a second header', async () => {
    const world = await worldOn(backend);
    const { alice, first } = await aliceWithHistory(world);
    const mallory = await registered(world, 'mallory');
    const api = apiOf(alice);
    const me = signedInOf(alice).identity;
    const { descriptor } = await api.request('getKeyBackup');
    const someone = await provider.ed25519GenerateKeyPair();
    const header = (signingPrivateKey: Uint8Array, deviceId = me.deviceId, eseed?: Uint8Array) =>
      createBackupHeader(provider, { userId: me.userId, descriptor, deviceId, signingPrivateKey, ...(eseed ? { eseed } : {}) });
    // Signed by a key that is not this device's certified key.
    const forged = await header(someone.privateKey);
    expect(await codeOf(api.request('putBackupHeader', { body: { header: forged.header } }))).toBe('bad_backup_header');
    // Another device's header (Mallory's device id), or for another account.
    const m = signedInOf(mallory).identity;
    const other = await header(me.device.ed25519.privateKey, m.deviceId);
    expect(await codeOf(api.request('putBackupHeader', { body: { header: other.header } }))).toBe('bad_backup_header');
    // A truncated enc.
    const own = await header(me.device.ed25519.privateKey);
    expect(await codeOf(api.request('putBackupHeader', { body: { header: { ...own.header, enc: own.header.enc.slice(0, 1451) } } }))).toBe('bad_backup_header');
    // A second, different header for the same device and version (its entries would no longer open).
    const second = await header(me.device.ed25519.privateKey, me.deviceId, provider.randomBytes(64));
    expect(await codeOf(api.request('putBackupHeader', { body: { header: second.header } }))).toBe('backup_header_conflict');
    // An X25519 entry to the X-Wing backup: a downgrade.
    const v1Entry = await createBackupEntry(provider, {
      userId: me.userId,
      descriptor: { backupVersion: descriptor.backupVersion, backupKey: toBase64Url((await provider.x25519GenerateKeyPair()).publicKey) },
      conversationId: first,
      version: 1,
      key: provider.randomBytes(32),
      acceptedAt: 0,
      deviceId: me.deviceId,
      signingPrivateKey: me.device.ed25519.privateKey,
    });
    expect(await codeOf(api.request('addBackupEntries', { body: { entries: [v1Entry] } }))).toBe('suite_downgrade');
    // Mallory's device, with a backup of its own but no header yet, cannot add an entry.
    await mallory.createRecoveryKey();
    const mDescriptor = (await apiOf(mallory).request('getKeyBackup')).descriptor;
    const mSealer = await createBackupHeader(provider, {
      userId: m.userId,
      descriptor: mDescriptor,
      deviceId: m.deviceId,
      signingPrivateKey: m.device.ed25519.privateKey,
    });
    const mEntry = await createBackupEntryV2(provider, {
      sealer: mSealer,
      conversationId: 'conv-mallory-0001',
      version: 1,
      key: provider.randomBytes(32),
      acceptedAt: 0,
      signingPrivateKey: m.device.ed25519.privateKey,
    });
    expect(await codeOf(apiOf(mallory).request('addBackupEntries', { body: { entries: [mEntry] } }))).toBe('no_backup_header');
    // Nothing of that was stored.
    expect((await api.request('listBackupHeaders')).headers).toEqual([own.header]);
    expect((await api.request('listBackupEntries', {})).entries.every((e) => e.v === 2)).toBe(true);
  });

  it('attacks on a restore: another device’s header, a swapped header, a truncated enc, a moved entry — refused, nothing restored from them', async () => {
    const world = await worldOn(backend);
    const { alice, recoveryKey, first, second, username } = await aliceWithHistory(world);
    const me = signedInOf(alice).identity;
    const { descriptor } = await apiOf(alice).request('getKeyBackup');
    const honestHeaders = (await apiOf(alice).request('listBackupHeaders')).headers as BackupHeader[];
    const honestEntries = (await apiOf(alice).request('listBackupEntries', {})).entries;
    const secondEntry = honestEntries.find((e) => e.conversationId === second) as BackupEntry;
    await alice.close();
    const p = await startKeyServiceProxy(world.keyService.url);
    proxy = p;

    // 1. A swapped header: another header (a fresh encapsulation, signed by someone else) under Alice's device id.
    const intruder = await provider.ed25519GenerateKeyPair();
    const swapped = await createBackupHeader(provider, {
      userId: me.userId,
      descriptor: descriptor as BackupDescriptor,
      deviceId: me.deviceId,
      signingPrivateKey: intruder.privateKey,
    });
    p.edit = (req, status, body) =>
      req.method === 'GET' && req.path.startsWith('/v1/backup/headers') && status === 200 ? { ...(body as object), headers: [swapped.header] } : body;
    let r = await restoreOn(world, username, recoveryKey, p.url);
    expect(r.outcome).toMatchObject({ restored: 0, refused: 3, refusals: { header_bad_signature: 1, no_backup_header: 3 } });
    expect(signedInOf(r.device).ring.holds(first, 1)).toBe(false);
    await r.device.close();

    // 2. A truncated enc.
    const truncated = { ...honestHeaders[0]!, enc: honestHeaders[0]!.enc.slice(0, 1451) };
    p.edit = (req, status, body) =>
      req.method === 'GET' && req.path.startsWith('/v1/backup/headers') && status === 200 ? { ...(body as object), headers: [truncated] } : body;
    r = await restoreOn(world, username, recoveryKey, p.url);
    expect(r.outcome).toMatchObject({ restored: 0, refused: 3, refusals: { header_malformed: 1, no_backup_header: 3 } });
    await r.device.close();

    // 3. An entry moved to another conversation (the second conversation's entry served as the first's, version 3).
    const moved = { ...secondEntry, conversationId: first, version: 3 };
    p.edit = (req, status, body) => {
      if (!(req.method === 'GET' && req.path.startsWith('/v1/backup/entries') && status === 200)) return body;
      const page = body as { entries: BackupEntry[] };
      return { ...page, entries: [...page.entries.filter((e) => e.conversationId !== second), moved] };
    };
    r = await restoreOn(world, username, recoveryKey, p.url);
    expect(r.outcome).toMatchObject({ restored: 2, refused: 1, refusals: { bad_signature: 1 } });
    expect(signedInOf(r.device).ring.holds(first, 3)).toBe(false);
    expect(signedInOf(r.device).ring.holds(second as ConversationId, 1)).toBe(false);
    await r.device.close();
  });

  it('an entry a certified device sealed under another device’s header secret is refused (bad_tag), nothing restored from it', async () => {
    const world = await worldOn(backend);
    const { alice, recoveryKey, username } = await aliceWithHistory(world);
    const laptop = await linkedDevice(world, alice);
    const a = signedInOf(alice).identity;
    const l = signedInOf(laptop).identity;
    const { descriptor } = await apiOf(laptop).request('getKeyBackup');
    const aliceSealer = await createBackupHeader(provider, {
      userId: a.userId,
      descriptor,
      deviceId: a.deviceId,
      signingPrivateKey: a.device.ed25519.privateKey,
    });
    const laptopSealer = await createBackupHeader(provider, {
      userId: l.userId,
      descriptor,
      deviceId: l.deviceId,
      signingPrivateKey: l.device.ed25519.privateKey,
    });
    await apiOf(laptop).request('putBackupHeader', { body: { header: laptopSealer.header } });
    // The laptop's own entry (its header, its signature) whose key is derived from the desktop's header secret.
    const planted = await createBackupEntryV2(provider, {
      sealer: { header: laptopSealer.header, secret: aliceSealer.secret },
      conversationId: 'conv-planted-0001',
      version: 1,
      key: provider.randomBytes(32),
      acceptedAt: 0,
      signingPrivateKey: l.device.ed25519.privateKey,
    });
    expect(await apiOf(laptop).request('addBackupEntries', { body: { entries: [planted] } })).toEqual({ added: 1 });
    await laptop.close();
    await alice.close();
    const { device, outcome } = await restoreOn(world, username, recoveryKey);
    expect(outcome).toMatchObject({ restored: 3, refused: 1, refusals: { bad_tag: 1 } });
    expect(signedInOf(device).ring.holds('conv-planted-0001' as ConversationId, 1)).toBe(false);
  });
});

/** A second device of `existing`'s account (linked without history). */
async function linkedDevice(world: World, existing: Client): Promise<Client> {
  const next = await newClient(world, 'laptop');
  const { offer, waitUntilLinked } = await next.startDeviceLink({ username: existing.session().username, password: PASSWORD });
  const linked = waitUntilLinked(() => undefined, { pollMs: 50 });
  const claim = await existing.claimDeviceLink(offer.code);
  await existing.approveDeviceLink(claim.linkId, { pollMs: 50, shareHistory: false });
  await linked;
  return next;
}
