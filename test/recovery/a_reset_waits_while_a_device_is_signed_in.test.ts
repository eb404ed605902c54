/**
 * The waiting period of an account reset (docs/protocol.md §18.9 "The waiting period", docs/threat-model.md
 * "A stolen password"): a reset asked for while a device of the account is signed in does not happen at
 * once. Real relay, real key service on SQLite and PostgreSQL, its clock moved forward instead of sleeping.
 *
 * Guarantees: a thief with only the password starts a reset; the owner's signed-in device is told over
 * PubNub and sees who asked; the thief can neither cancel it nor shorten the period (nor restart it with a
 * second request); finishing before the period is over is `reset_waiting`; the owner's device cancels it
 * and the thief's finish is `reset_cancelled`, even after the period — the identity never changes. A lost
 * (not stolen) laptop blocks a reset only for the period: then the reset finishes as §18.9 says, from the
 * profile that asked, after a restart too.
 */
import { afterEach, expect, it } from 'vitest';
import { startKeyService } from '../../src/server/index';
import { ACCOUNT_RESET_CONFIRMATION, DEFAULT_RESET_WAIT_MS } from '../../src/common/api/recoverySchemas';
import { toBase64Url } from '../../src/common/encoding/base64url';
import type { UserId } from '../../src/common/ids';
import { certifyDevice } from '../../src/client/enrol';
import { KeyServiceApi } from '../../src/client/keyServiceApi';
import { InMemoryVaultForTests } from '../../src/client/vault';
import { newDeviceId } from '../../src/common/ids';
import { generateAccountIdentity, generateDeviceKeys } from '../../src/common/protocol/identity';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiOf, cleanup, newClient, PASSWORD, provider, reads, registered, say, signedInOf, waitFor } from '../client/harness';
import { describeBackends } from '../server/helpers/backends';
import { codeOf, testClock, userIdOf, worldOn } from './helpers';

afterEach(cleanup);

const identityKeyOf = async (api: KeyServiceApi, userId: string) => (await api.request('getUser', { params: { userId } })).identityKey;

describeBackends('a reset asked for while a device of the account is signed in waits', (backend) => {
  it('a thief with only the password starts one; the signed-in owner is told and cancels it; it never happens', async () => {
    const clock = testClock();
    const world = await worldOn(backend, { now: clock.now });
    const alice = await registered(world, 'alice');
    const bob = await registered(world, 'bob');
    const aliceId = userIdOf(alice) as UserId;
    const username = alice.session().username;
    const id = (await alice.createConversation({ kind: 'group', name: 'ours', members: [userIdOf(bob)] })).conversationId;
    await say(alice, id, 'alice: one');
    await reads(bob, id, ['alice: one']);
    const key = await identityKeyOf(apiOf(bob), aliceId);
    const trust = await bob.contactTrust(aliceId);
    await alice.messaging(); // her device listens to its inbox
    let notices = 0;
    alice.onAccountResetChanged(() => void notices++);

    const thief = await newClient(world, 'thief laptop');
    const started = await thief.resetAccount({ username, password: PASSWORD });
    expect(started.state).toBe('waiting');
    if (started.state !== 'waiting') throw new Error('unreachable');
    expect(started.request).toMatchObject({ state: 'waiting', deviceName: 'thief laptop', platform: 'cli', requestedHere: true, cancelledAt: null });
    expect(started.request.finishesAt - started.request.requestedAt).toBe(DEFAULT_RESET_WAIT_MS);
    expect(thief.isSignedIn).toBe(false);
    expect(thief.waitingReset).toMatchObject({ userId: aliceId, username });

    // The owner's device is told over PubNub, and reads who asked, from where.
    await waitFor('alice hears of the reset', () => notices >= 1);
    const seen = await alice.accountResetRequest();
    expect(seen).toMatchObject({ state: 'waiting', deviceName: 'thief laptop', requestedHere: false, finishesAt: started.request.finishesAt });
    expect(seen?.address).not.toBe('');

    // The thief can neither cancel (no device) nor shorten the period, nor restart it with another request.
    expect(await codeOf(apiOf(thief).request('cancelAccountReset'))).toBe('device_session_required');
    expect(await codeOf(thief.resetAccount({ username, password: PASSWORD }))).toBe('reset_waits_here');
    const second = await newClient(world, 'thief desktop');
    expect(await codeOf(second.resetAccount({ username, password: PASSWORD }))).toBe('reset_already_waiting');
    expect(second.isSignedIn).toBe(false);
    const raw = new KeyServiceApi(world.keyService.url);
    const pair = await raw.request('login', { body: { username, password: PASSWORD } });
    raw.setTokens(pair.accessToken, pair.refreshToken);
    const certificate = await certifyDevice(raw, provider, {
      userId: aliceId,
      deviceId: newDeviceId(provider),
      deviceName: 'impatient',
      platform: 'cli',
      account: await generateAccountIdentity(provider),
      device: await generateDeviceKeys(provider),
    });
    const shorter = { certificate, confirm: ACCOUNT_RESET_CONFIRMATION, waitMs: 0 } as never;
    expect(await codeOf(raw.request('resetAccount', { body: shorter }))).toBe('invalid_body');
    expect(await codeOf(raw.request('finishAccountReset'))).toBe('no_account_reset'); // not the session that asked
    raw.close();
    expect((await alice.accountResetRequest())?.finishesAt).toBe(started.request.finishesAt);

    // Finishing before the period is over is refused, and the thief's profile still waits.
    expect(await codeOf(thief.finishAccountReset())).toBe('reset_waiting');
    expect(thief.waitingReset).not.toBeNull();
    const waited = await thief.accountResetRequest();
    expect(waited).toMatchObject({ state: 'waiting', requestedHere: true });

    // The owner cancels; the thief's finish, even after the period, is refused and the profile forgets it.
    const cancelled = await alice.cancelAccountReset();
    expect(cancelled).toMatchObject({ state: 'cancelled', requestedHere: false });
    expect(await codeOf(alice.cancelAccountReset())).toBe('no_account_reset');
    await waitFor('alice hears of the cancellation', () => notices >= 2);
    clock.advance(DEFAULT_RESET_WAIT_MS + 60_000);
    expect((await thief.accountResetRequest())?.state).toBe('cancelled');
    expect(await codeOf(thief.finishAccountReset())).toBe('reset_cancelled');
    expect(thief.waitingReset).toBeNull();
    expect(thief.isSignedIn).toBe(false);

    // Nothing changed: the same key and trust, and both still talk.
    expect(await identityKeyOf(apiOf(bob), aliceId)).toBe(key);
    const after = await bob.contactTrust(aliceId);
    expect([after.state, after.safetyNumber]).toEqual([trust.state, trust.safetyNumber]);
    await say(alice, id, 'alice: two');
    await say(bob, id, 'bob: two');
    await reads(bob, id, ['alice: one', 'alice: two', 'bob: two']);
    const { devices } = await apiOf(alice).request('listUserDevices', { params: { userId: aliceId } });
    expect(devices.map((d) => d.deviceId)).toEqual([alice.session().deviceId]);
  });

  it('a lost laptop blocks a reset for the waiting period only: then it finishes as a reset does, after a restart too', async () => {
    const clock = testClock();
    const world = await worldOn(backend, { now: clock.now });
    const laptop = await registered(world, 'alice'); // left signed in, and lost
    const bob = await registered(world, 'bob');
    const aliceId = userIdOf(laptop) as UserId;
    const username = laptop.session().username;
    const oldKey = toBase64Url(signedInOf(laptop).identity.account.publicKey);
    const id = (await bob.createConversation({ kind: 'group', name: 'before', members: [aliceId] })).conversationId;
    await say(bob, id, 'bob: before');
    await reads(laptop, id, ['bob: before']);

    const vault = new InMemoryVaultForTests();
    const dataDir = mkdtempSync(join(tmpdir(), 'seed-reset-wait-'));
    const fresh = await newClient(world, "alice's new laptop", { vault, dataDir });
    const started = await fresh.resetAccount({ username, password: PASSWORD });
    expect(started.state).toBe('waiting');
    expect(await codeOf(fresh.finishAccountReset())).toBe('reset_waiting');

    // The profile that asked keeps waiting across a restart, and finishes once the period is over.
    await fresh.close();
    const reopened = await newClient(world, "alice's new laptop", { vault, dataDir });
    expect(reopened.waitingReset).toMatchObject({ userId: aliceId });
    expect((await reopened.accountResetRequest())?.requestedHere).toBe(true);
    clock.advance(DEFAULT_RESET_WAIT_MS + 60_000);
    const session = await reopened.finishAccountReset();
    expect(session).toMatchObject({ userId: aliceId, username });
    expect(reopened.waitingReset).toBeNull();
    const newKey = toBase64Url(signedInOf(reopened).identity.account.publicKey);
    expect(newKey).not.toBe(oldKey);
    expect(await identityKeyOf(apiOf(bob), aliceId)).toBe(newKey);
    expect(await reopened.accountResetRequest()).toBeNull();

    // As §18.9: the lost laptop is revoked, contacts see the change, the conversation rotates to the new device.
    const { devices } = await apiOf(bob).request('listUserDevices', { params: { userId: aliceId } });
    expect(devices.map((d) => d.deviceId)).toEqual([session.deviceId]);
    await waitFor('bob sees the identity change', async () => (await bob.contactTrust(aliceId)).state === 'changed');
    await bob.acknowledgeIdentityChange(aliceId);
    await say(bob, id, 'bob: after');
    await reads(reopened, id, ['bob: after']);
    expect(await codeOf(reopened.finishAccountReset())).toBe('no_reset_here');
  });

  it('finishes before the period once no device of the account is signed in any more', async () => {
    const world = await worldOn(backend);
    const laptop = await registered(world, 'alice');
    const aliceId = userIdOf(laptop) as UserId;
    const username = laptop.session().username;
    const fresh = await newClient(world, "alice's new laptop");
    expect((await fresh.resetAccount({ username, password: PASSWORD })).state).toBe('waiting');
    expect(await codeOf(fresh.finishAccountReset())).toBe('reset_waiting');
    await laptop.signOut(); // found, and signed out: nothing is left to object
    expect(await fresh.finishAccountReset()).toMatchObject({ userId: aliceId, username });
  });
});

it("the operator's waiting period applies (shortened to 2 hours), and one outside 1 hour to 30 days stops the service at start", async () => {
  const world = await worldOn('sqlite', { resetWaitMs: 2 * 3_600_000 });
  const laptop = await registered(world, 'alice');
  const fresh = await newClient(world, "alice's new laptop");
  const started = await fresh.resetAccount({ username: laptop.session().username, password: PASSWORD });
  if (started.state !== 'waiting') throw new Error(`expected a waiting reset, got ${started.state}`);
  expect(started.request.finishesAt - started.request.requestedAt).toBe(2 * 3_600_000);
  for (const resetWaitMs of [60_000, 31 * 24 * 3_600_000]) {
    const dataDir = mkdtempSync(join(tmpdir(), 'seed-reset-wait-bounds-'));
    await expect(startKeyService({ dataDir, port: 0, jwtSecret: 'bounds-secret-0123456789abcdef0123', resetWaitMs })).rejects.toThrow(
      /the reset waiting period must be from 1 hour to 30 days/,
    );
    rmSync(dataDir, { recursive: true, force: true });
  }
});
