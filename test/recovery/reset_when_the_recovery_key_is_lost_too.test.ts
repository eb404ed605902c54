/**
 * The account reset (docs/protocol.md §18.9, docs/threat-model.md "Losing every device"): every device and
 * the recovery key are lost. Real relay, real key service on SQLite and PostgreSQL.
 *
 * Guarantees: with the password and no signed-in device left, a new device gets a NEW account identity
 * key for the same username; contacts see "changed" (a new safety number) and cannot send until they
 * acknowledge; the old history is marked unreadable with its own code (`lost_in_reset`), not left waiting;
 * the conversations rotate to the new device and both sides chat again; the old recovery key opens
 * nothing. While a device of the account is still signed in, the reset only waits (its period is
 * a_reset_waits_while_a_device_is_signed_in.test.ts) and nothing changes. A thief with only the password gets exactly what the
 * threat model says: a new identity that contacts are warned about, and none of the old history.
 */
import { afterEach, expect, it } from 'vitest';
import { ACCOUNT_RESET_CONFIRMATION } from '../../src/common/api/recoverySchemas';
import { toBase64Url } from '../../src/common/encoding/base64url';
import type { ConversationId, UserId } from '../../src/common/ids';
import type { Client } from '../../src/client/client';
import { InMemoryVaultForTests } from '../../src/client/vault';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiOf, cleanup, newClient, PASSWORD, provider, reads, registered, say, signedInOf, uniqueName, waitFor } from '../client/harness';
import { KeyServiceApi } from '../../src/client/keyServiceApi';
import { certifyDevice } from '../../src/client/enrol';
import { newDeviceId } from '../../src/common/ids';
import { generateAccountIdentity, generateDeviceKeys } from '../../src/common/protocol/identity';
import { describeBackends } from '../server/helpers/backends';
import { codeOf, userIdOf, worldOn } from './helpers';

afterEach(cleanup);

/** Waits until `client` shows the envelope of `conversationId` refused with `code` (a sentence in the app), and answers how many. */
async function refusedWith(client: Client, conversationId: ConversationId, code: string): Promise<number> {
  const messaging = await client.messaging();
  let n = 0;
  await waitFor(`an envelope refused with ${code}`, async () => {
    const view = messaging.view(conversationId);
    if (!view.reachedStart) await messaging.loadOlder(conversationId);
    n = messaging.view(conversationId).items.filter((i) => i.kind === 'rejected' && i.code === code).length;
    return n > 0;
  });
  return n;
}

/** Sends and answers the outcome without expecting success: a send to a changed contact fails with the identity change. */
async function blockedSend(client: Client, conversationId: ConversationId, text: string): Promise<string> {
  await client.ensureAccess([conversationId]);
  const result = await (await client.messaging()).send(conversationId, { type: 'string', body: text });
  expect(result.state).toBe('failed');
  return 'message' in result && typeof result.message === 'string' ? result.message.split(':')[0]! : JSON.stringify(result);
}

/** A reset with no device of the account signed in: it happens at once. */
async function resetNow(client: Client, username: string) {
  const outcome = await client.resetAccount({ username, password: PASSWORD });
  if (outcome.state !== 'reset') throw new Error(`the reset waits: ${JSON.stringify(outcome)}`);
  return outcome.session;
}

const identityKeyOf = async (viewer: Client, userId: string) => (await apiOf(viewer).request('getUser', { params: { userId } })).identityKey;

describeBackends('an account whose devices and recovery key are lost is reset', (backend) => {
  it('with no device left: a new identity key for the same username, contacts see it changed, old history is marked lost, both chat again', async () => {
    const world = await worldOn(backend);
    const alice = await registered(world, 'alice');
    const bob = await registered(world, 'bob');
    const aliceId = userIdOf(alice) as UserId;
    const username = alice.session().username;
    const { recoveryKey } = await alice.createRecoveryKey();
    const id = (await bob.createConversation({ kind: 'group', name: 'before the reset', members: [aliceId] })).conversationId;
    await say(alice, id, 'alice: before the reset');
    await reads(bob, id, ['alice: before the reset']);
    await alice.flushKeyBackup();
    const oldKey = toBase64Url(signedInOf(alice).identity.account.publicKey);
    const before = await bob.contactTrust(aliceId);
    expect(before.state).not.toBe('changed');
    await alice.signOut(); // the last device is gone, and the recovery key with it

    const fresh = await newClient(world, "alice's new laptop");
    const session = await resetNow(fresh, username);
    expect(session.userId).toBe(aliceId);
    expect(session.username).toBe(username);
    const newKey = toBase64Url(signedInOf(fresh).identity.account.publicKey);
    expect(newKey).not.toBe(oldKey);
    expect(await identityKeyOf(bob, aliceId)).toBe(newKey);

    // The contact sees "changed" (a new safety number) and cannot send until they acknowledge it.
    await waitFor('bob sees the identity change', async () => (await bob.contactTrust(aliceId)).state === 'changed');
    const changed = await bob.contactTrust(aliceId);
    expect(changed.safetyNumber).toBe(before.safetyNumber); // still the pinned (old) key's number until acknowledged
    expect(await blockedSend(bob, id, 'bob: blocked')).toBe('identity_changed');
    const acknowledged = await bob.acknowledgeIdentityChange(aliceId);
    expect(acknowledged.safetyNumber).not.toBe(before.safetyNumber);
    expect(acknowledged.state).toBe('unverified');

    // Bob's next send rotates (the reset marked the conversation): the new device gets the new version.
    await say(bob, id, 'bob: after the reset');
    await reads(fresh, id, ['bob: after the reset']);
    // The old message is marked lost with its own code, not left waiting for a key that cannot come.
    expect(await refusedWith(fresh, id, 'lost_in_reset')).toBe(1);
    await say(fresh, id, 'alice: back again');
    await reads(bob, id, ['alice: before the reset', 'bob: after the reset', 'alice: back again']);

    // The old recovery key opens nothing: the backup was retired, and the new identity's is not its.
    const thief = await newClient(world, 'someone with the old recovery key');
    expect(await codeOf(thief.restoreWithRecoveryKey({ username, password: PASSWORD, recoveryKey }))).toBe('no_recovery_key');
    const { backupVersion } = await fresh.createRecoveryKey();
    expect(backupVersion).toBe(1);
    expect(await codeOf(thief.restoreWithRecoveryKey({ username, password: PASSWORD, recoveryKey }))).toBe('recovery_key_invalid');
    expect(await codeOf(fresh.verifyRecoveryKey(recoveryKey))).toBe('recovery_key_invalid');
    expect(thief.isSignedIn).toBe(false);
  });

  it('only waits while a device of the account is still signed in (link from it instead); nothing changes', async () => {
    const world = await worldOn(backend);
    const alice = await registered(world, 'alice');
    const bob = await registered(world, 'bob');
    const aliceId = userIdOf(alice) as UserId;
    const username = alice.session().username;
    const id = (await alice.createConversation({ kind: 'group', name: 'still here', members: [userIdOf(bob)] })).conversationId;
    await say(alice, id, 'alice: one');
    await reads(bob, id, ['alice: one']);
    const key = await identityKeyOf(bob, aliceId);
    const trust = await bob.contactTrust(aliceId);

    const other = await newClient(world, 'a second laptop');
    expect((await other.resetAccount({ username, password: PASSWORD })).state).toBe('waiting');
    expect(other.isSignedIn).toBe(false);
    // A device-bound session cannot reset either: that device links instead.
    const certificate = (await apiOf(alice).request('getDevice', { params: { deviceId: alice.session().deviceId } })).device.certificate;
    expect(await codeOf(apiOf(alice).request('resetAccount', { body: { certificate, confirm: ACCOUNT_RESET_CONFIRMATION } }))).toBe('session_has_device');

    // Nothing changed: the same key, the same trust, the device still talks both ways.
    expect(await identityKeyOf(bob, aliceId)).toBe(key);
    await say(alice, id, 'alice: two');
    await say(bob, id, 'bob: two');
    await reads(alice, id, ['bob: two']);
    await reads(bob, id, ['alice: two']);
    const after = await bob.contactTrust(aliceId);
    expect(after.state).toBe(trust.state);
    expect(after.safetyNumber).toBe(trust.safetyNumber);
    const { devices } = await apiOf(alice).request('listUserDevices', { params: { userId: aliceId } });
    expect(devices.map((d) => d.deviceId)).toEqual([alice.session().deviceId]);
  });

  it('a thief with only the password and no device gets a new identity that contacts are warned about, and none of the old history', async () => {
    const world = await worldOn(backend);
    const alice = await registered(world, 'alice');
    const bob = await registered(world, 'bob');
    const aliceId = userIdOf(alice) as UserId;
    const username = alice.session().username;
    const id = (await bob.createConversation({ kind: 'group', name: 'private', members: [aliceId] })).conversationId;
    await say(bob, id, 'bob: a secret');
    await reads(alice, id, ['bob: a secret']);
    await alice.signOut(); // alice signed out of her only device; the thief knows her password

    const thief = await newClient(world, 'thief');
    await resetNow(thief, username);
    // None of the old history: the version it was sent under is lost to every device made since the reset.
    expect(await refusedWith(thief, id, 'lost_in_reset')).toBe(1);
    // Bob is warned, and nothing of his reaches the new identity until he acknowledges the change.
    await waitFor('bob sees the identity change', async () => (await bob.contactTrust(aliceId)).state === 'changed');
    expect(await blockedSend(bob, id, 'bob: another secret')).toBe('identity_changed');
    const messaging = await thief.messaging();
    expect(messaging.view(id).items.filter((i) => i.kind === 'message')).toEqual([]);
  });

  it('the conversation its old device made still verifies: the replaced key stays trusted for what it signed before, on both sides and after a restart', async () => {
    const world = await worldOn(backend);
    const alice = await registered(world, 'alice');
    const vault = new InMemoryVaultForTests();
    const dataDir = mkdtempSync(join(tmpdir(), 'seed-bob-'));
    const bob = await newClient(world, "bob's device", { vault, dataDir });
    await bob.register({ username: `bob-${Date.now() % 100000}`, password: PASSWORD, displayName: 'bob' });
    const aliceId = userIdOf(alice) as UserId;
    const username = alice.session().username;
    // Alice's old device signs the genesis (and so every later statement depends on her old key).
    const id = (await alice.createConversation({ kind: 'group', name: 'alice made it', members: [userIdOf(bob)] })).conversationId;
    await say(alice, id, 'alice: before the reset');
    await reads(bob, id, ['alice: before the reset']);
    await alice.signOut();

    const fresh = await newClient(world, "alice's new laptop");
    await resetNow(fresh, username);
    await waitFor('bob sees the identity change', async () => (await bob.contactTrust(aliceId)).state === 'changed');
    await bob.acknowledgeIdentityChange(aliceId);
    await say(bob, id, 'bob: after the reset');
    await reads(fresh, id, ['bob: after the reset']);
    await say(fresh, id, 'alice: back again');
    await reads(bob, id, ['alice: back again']);

    // Bob restarts: the chain is verified from its genesis again, under the key he retired.
    await bob.close();
    const reopened = await newClient(world, "bob's device", { vault, dataDir });
    await reads(reopened, id, ['alice: before the reset', 'bob: after the reset', 'alice: back again']);
    expect((await reopened.contactTrust(aliceId)).state).toBe('unverified');
  });

  it('the key service refuses a reset that does not hold up, and changes nothing', async () => {
    const world = await worldOn(backend);
    const alice = await registered(world, 'alice');
    const aliceId = userIdOf(alice) as UserId;
    const username = alice.session().username;
    const aliceAccount = signedInOf(alice).identity.account;
    await alice.signOut(); // no device left: only the request itself can be wrong
    const api = new KeyServiceApi(world.keyService.url);
    const pair = await api.request('login', { body: { username, password: PASSWORD } });
    api.setTokens(pair.accessToken, pair.refreshToken);
    const certificateFor = async (userId: string, account = undefined as undefined | Awaited<ReturnType<typeof generateAccountIdentity>>) =>
      certifyDevice(api, provider, {
        userId,
        deviceId: newDeviceId(provider),
        deviceName: 'attempt',
        platform: 'cli',
        account: account ?? (await generateAccountIdentity(provider)),
        device: await generateDeviceKeys(provider),
      });
    const reset = (body: unknown) => api.request('resetAccount', { body: body as never });
    const good = await certificateFor(aliceId);
    expect(await codeOf(reset({ certificate: good }))).toBe('invalid_body'); // no confirmation phrase
    expect(await codeOf(reset({ certificate: good, confirm: 'yes' }))).toBe('invalid_body');
    expect(await codeOf(reset({ certificate: await certificateFor('someone-else'), confirm: ACCOUNT_RESET_CONFIRMATION }))).toBe(
      'certificate_signer_not_certified',
    );
    expect(await codeOf(reset({ certificate: { ...good, deviceName: 'changed after signing' }, confirm: ACCOUNT_RESET_CONFIRMATION }))).toBe(
      'certificate_bad_signature',
    );
    expect(await codeOf(reset({ certificate: await certificateFor(aliceId, aliceAccount), confirm: ACCOUNT_RESET_CONFIRMATION }))).toBe(
      'identity_key_unchanged',
    );
    expect((await api.request('getMe')).user.identityKey).toBe(toBase64Url(aliceAccount.publicKey));

    // An account that never made a device has nothing to reset: signing in makes its first device.
    const fresh = new KeyServiceApi(world.keyService.url);
    const name = uniqueName('carol');
    await fresh.request('register', { body: { username: name, password: PASSWORD, displayName: 'carol' } });
    const carol = await fresh.request('login', { body: { username: name, password: PASSWORD } });
    fresh.setTokens(carol.accessToken, carol.refreshToken);
    const carolCert = await certifyDevice(fresh, provider, {
      userId: carol.user.userId,
      deviceId: newDeviceId(provider),
      deviceName: 'attempt',
      platform: 'cli',
      account: await generateAccountIdentity(provider),
      device: await generateDeviceKeys(provider),
    });
    expect(await codeOf(fresh.request('resetAccount', { body: { certificate: carolCert, confirm: ACCOUNT_RESET_CONFIRMATION } }))).toBe('no_identity_to_reset');
    expect((await fresh.request('getMe')).user.identityKey).toBeNull();

    // The good request still works afterwards: nothing above changed the account.
    expect(await reset({ certificate: good, confirm: ACCOUNT_RESET_CONFIRMATION })).toMatchObject({
      outcome: 'reset',
      previousIdentityKey: toBase64Url(aliceAccount.publicKey),
    });
    api.close();
    fresh.close();
  });
});
