/**
 * Managed policy `requireRecoveryKey` enforced in main (docs/deployment.md §2, docs/desktop.md "Recovery
 * key"): until the account has a recovery key that was typed back on this device, main seals nothing —
 * neither at once nor through the offline queue — whatever the page does. Real desktop handlers, client
 * core, key service and relay of an embedded local stack, real keychain.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergePolicyLayers } from '../../src/common/policy/merge';
import { createPolicyHolder } from '../../src/main/services/policyHolder';
import { desktopProfiles, type DesktopProfile } from './desktopProfiles';

const world = desktopProfiles('seed-recovery-policy');
const password = 'correct horse battery';
let alice: DesktopProfile;
let conversationId: string;
const message = () => ({ id: randomBytes(16).toString('base64url'), sentAt: Date.now(), type: 'string', body: 'hello' });

beforeAll(async () => {
  const policy = await createPolicyHolder(async () => mergePolicyLayers({ machine: { requireRecoveryKey: true } }));
  alice = await world.profile('alice', { policy });
  const bob = await world.profile('bob');
  await alice.call('register', { username: `alice${world.suffix}`, displayName: 'Alice', password, deviceName: 'Alice laptop' });
  const b = (await bob.call('register', { username: `bob${world.suffix}`, displayName: 'Bob', password, deviceName: 'Bob laptop' })) as {
    user: { userId: string };
  };
  conversationId = ((await alice.call('createConversation', { kind: 'direct', memberUserIds: [b.user.userId] })) as { conversationId: string }).conversationId;
}, 90_000);

afterAll(() => world.closeAll());

describe('requireRecoveryKey', () => {
  it('blocks sending until the recovery key exists and was typed back on this device', async () => {
    expect(await alice.call('recoveryStatus')).toEqual({ state: 'none', backupVersion: null, required: true });
    await expect(alice.call('sealMessage', conversationId, message())).rejects.toMatchObject({ code: 'policy_recovery_key_required' });
    await expect(alice.call('queueMessage', conversationId, message())).rejects.toMatchObject({ code: 'policy_recovery_key_required' });

    const made = (await alice.call('createRecoveryKey', { password })) as { recoveryKey: string };
    await expect(alice.call('sealMessage', conversationId, message()), 'made but not typed back').rejects.toMatchObject({
      code: 'policy_recovery_key_required',
    });
    // A typo (one group changed) is caught by the checksum and confirms nothing.
    const typo = `${made.recoveryKey.startsWith('0') ? '1' : '0'}${made.recoveryKey.slice(1)}`;
    await expect(alice.call('verifyRecoveryKey', typo)).rejects.toMatchObject({ code: 'recovery_key_unreadable' });
    await expect(alice.call('sealMessage', conversationId, message())).rejects.toMatchObject({ code: 'policy_recovery_key_required' });

    expect(await alice.call('verifyRecoveryKey', made.recoveryKey.replace(/-/g, ' '))).toMatchObject({ state: 'confirmed', required: true });
    expect(await alice.call('sealMessage', conversationId, message())).toMatchObject({ v: 1 });
  }, 90_000);
});
