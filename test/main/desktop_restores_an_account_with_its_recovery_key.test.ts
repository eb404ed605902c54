/**
 * Losing the only device and restoring on a new profile through the desktop handlers (docs/desktop.md
 * "Recovery key", docs/protocol.md §18.5): sign-in on the new profile answers that the account needs a
 * device link (there is none left to give it); `restoreWithRecoveryKey` with a mistyped, wrong or replaced
 * key is refused with its typed code and leaves the profile signed out; with the current key it signs in
 * under the same account key, the recovery key counts as confirmed, and the old messages open. Real desktop
 * handlers, client core, key service and relay of an embedded local stack, real keychain.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { formatRecoveryKey } from '../../src/common/protocol/recovery';
import { createNodeCryptoProvider } from '../../src/node/crypto/nodeProvider';
import { deliverThroughMain, desktopProfiles } from './desktopProfiles';

const world = desktopProfiles('seed-recovery-restore');
const password = 'correct horse battery';
const provider = createNodeCryptoProvider();

afterAll(() => world.closeAll());

describe('restoring an account with its recovery key on a new desktop profile', () => {
  it('refuses a mistyped, a wrong and a replaced key, then restores with the current one and reads the old messages', async () => {
    const alice = await world.profile('alice');
    const bob = await world.profile('bob');
    const username = `alice${world.suffix}`;
    await alice.call('register', { username, displayName: 'Alice', password, deviceName: 'Alice laptop' });
    const b = (await bob.call('register', { username: `bob${world.suffix}`, displayName: 'Bob', password, deviceName: 'Bob laptop' })) as {
      user: { userId: string };
    };
    const old = (await alice.call('createRecoveryKey', { password })) as { recoveryKey: string };
    const current = (await alice.call('rotateRecoveryKey', { password })) as { recoveryKey: string };
    const { conversationId } = (await alice.call('createConversation', { kind: 'direct', memberUserIds: [b.user.userId] })) as { conversationId: string };
    const plaintext = { id: 'm1-before-the-loss-0001', sentAt: Date.now(), type: 'string', body: 'before the loss' };
    const envelope = await bob.call('sealMessage', conversationId, plaintext);
    await deliverThroughMain(alice, bob, conversationId, 'alice says hi');
    if (!('host' in alice.deps.messenger)) throw new Error('no core');
    await (await alice.deps.messenger.host.current()).flushKeyBackup();
    await alice.deps.messenger.close(); // the laptop is gone

    const fresh = await world.profile('alice-new');
    await expect(fresh.call('signIn', { username, password, deviceName: 'New laptop' })).rejects.toMatchObject({ code: 'needs_device_link' });
    const restore = (recoveryKey: string) => fresh.call('restoreWithRecoveryKey', { username, password, recoveryKey, deviceName: 'New laptop' });
    const typo = `${current.recoveryKey.startsWith('0') ? '1' : '0'}${current.recoveryKey.slice(1)}`;
    await expect(restore(typo)).rejects.toMatchObject({ code: 'recovery_key_unreadable' });
    await expect(restore(await formatRecoveryKey(provider, provider.randomBytes(32)))).rejects.toMatchObject({ code: 'recovery_key_invalid' });
    await expect(restore(old.recoveryKey)).rejects.toMatchObject({ code: 'recovery_key_outdated' });
    await expect(
      fresh.call('restoreWithRecoveryKey', { username, password: 'not the password', recoveryKey: current.recoveryKey, deviceName: 'x' }),
    ).rejects.toMatchObject({
      code: 'bad_credentials',
    });
    expect(await fresh.call('session')).toMatchObject({ state: 'signedOut' });

    expect(await restore(current.recoveryKey)).toMatchObject({ state: 'signedIn', user: { username }, deviceName: 'New laptop' });
    expect(await fresh.call('recoveryStatus')).toMatchObject({ state: 'confirmed', backupVersion: 2 });
    expect(await fresh.call('openMessage', conversationId, envelope, { timetoken: '17000000000000001' })).toMatchObject({
      kind: 'ok',
      plaintext: { body: 'before the loss' },
    });
    // Bob sees the same account key: no identity change.
    const restored = (await fresh.call('session')) as { user: { userId: string } };
    expect(await bob.call('contactTrust', restored.user.userId)).toMatchObject({ state: 'unverified' });
  }, 120_000);
});
