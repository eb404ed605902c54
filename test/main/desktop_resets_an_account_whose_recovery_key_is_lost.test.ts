/**
 * The last resort on the desktop (docs/desktop.md "Recovery key", docs/protocol.md §18.9): Alice's only
 * device and her recovery key are lost. `resetAccount` without the typed phrase is refused by main's schema
 * (`invalid_arguments`); while her old laptop is still signed in it only waits (docs/protocol.md §18.9 "The
 * waiting period"): the new profile stays signed out and reads its time left, the laptop is told
 * (`accountResetChanged`), sees who asked and cancels it, and the new profile's finish is `reset_cancelled`;
 * once that laptop signed out a reset gives
 * that profile a new identity (the recovery key confirmed there before does not count for the new one), and
 * Bob's trust in her shows `changed`. Real desktop handlers, client
 * core, key service and relay of an embedded local stack, real keychain.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ACCOUNT_RESET_PHRASE } from '../../src/common/ipc/schemas/recovery';
import { desktopProfiles, deliverThroughMain } from './desktopProfiles';

const world = desktopProfiles('seed-recovery-reset');
const password = 'correct horse battery';

afterAll(() => world.closeAll());

describe('resetting an account whose devices and recovery key are lost, on a new desktop profile', () => {
  it('needs the typed phrase, waits while the old laptop is signed in (which cancels it), then makes a new identity that Bob sees changed', async () => {
    const alice = await world.profile('alice');
    const bob = await world.profile('bob');
    const username = `alice${world.suffix}`;
    const a = (await alice.call('register', { username, displayName: 'Alice', password, deviceName: 'Alice laptop' })) as { user: { userId: string } };
    const b = (await bob.call('register', { username: `bob${world.suffix}`, displayName: 'Bob', password, deviceName: 'Bob laptop' })) as {
      user: { userId: string };
    };
    const { conversationId } = (await alice.call('createConversation', { kind: 'direct', memberUserIds: [b.user.userId] })) as { conversationId: string };
    await deliverThroughMain(alice, bob, conversationId, 'alice says hi');
    const { recoveryKey } = (await alice.call('createRecoveryKey', { password })) as { recoveryKey: string };
    expect(await alice.call('verifyRecoveryKey', recoveryKey)).toMatchObject({ state: 'confirmed', backupVersion: 1 });
    const before = await bob.call('contactTrust', a.user.userId);

    const fresh = await world.profile('alice-new');
    const reset = (typedPhrase: string) => fresh.call('resetAccount', { username, password, deviceName: 'New laptop', typedPhrase });
    await expect(reset('yes')).rejects.toMatchObject({ code: 'invalid_arguments' });
    expect(await reset(ACCOUNT_RESET_PHRASE)).toMatchObject({ state: 'signedOut' });
    expect(await fresh.call('accountResetRequest')).toMatchObject({ state: 'waiting', requestedHere: true, deviceName: 'New laptop', platform: 'desktop' });
    await expect(fresh.call('finishAccountReset')).rejects.toMatchObject({ code: 'reset_waiting' });
    await expect.poll(() => alice.events.some((e) => e.name === 'accountResetChanged'), { timeout: 20_000 }).toBe(true);
    expect(await alice.call('accountResetRequest')).toMatchObject({ state: 'waiting', requestedHere: false, deviceName: 'New laptop' });
    expect(await alice.call('cancelAccountReset')).toMatchObject({ state: 'cancelled' });
    await expect(fresh.call('finishAccountReset')).rejects.toMatchObject({ code: 'reset_cancelled' });
    expect(await fresh.call('accountResetRequest')).toBeNull();
    expect(await fresh.call('session')).toMatchObject({ state: 'signedOut' });
    expect(await bob.call('contactTrust', a.user.userId)).toEqual(before);

    // She signs out of her last device and has lost the recovery key; she resets on the same profile.
    await alice.call('signOut');
    expect(await alice.call('resetAccount', { username, password, deviceName: 'Alice laptop again', typedPhrase: ACCOUNT_RESET_PHRASE })).toMatchObject({
      state: 'signedIn',
      user: { username, userId: a.user.userId },
      deviceName: 'Alice laptop again',
    });
    expect(await alice.call('recoveryStatus')).toMatchObject({ state: 'none' });
    // The old key confirmed here says nothing about the new identity's first key (version 1 again).
    await expect(alice.call('verifyRecoveryKey', recoveryKey)).rejects.toMatchObject({ code: 'no_recovery_key' });
    await alice.call('createRecoveryKey', { password });
    expect(await alice.call('recoveryStatus')).toMatchObject({ state: 'unconfirmed', backupVersion: 1 });
    await expect.poll(async () => ((await bob.call('contactTrust', a.user.userId)) as { state: string }).state, { timeout: 20_000 }).toBe('changed');
  }, 120_000);
});
