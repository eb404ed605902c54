/**
 * Managed policy enforced in main by the desktop handlers (not only shown as locks in the renderer), over
 * the real client core, key service and relay of an embedded local stack.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mergePolicyLayers } from '../../src/common/policy/merge';
import { bootstrapMain } from '../../src/main/bootstrap';
import { createHandlers, type MainDeps } from '../../src/main/composition';
import { createDispatcher } from '../../src/main/ipc/dispatch';
import { createPolicyHolder } from '../../src/main/services/policyHolder';

const home = mkdtempSync(join(tmpdir(), 'seed-policy-'));
const suffix = randomBytes(3).toString('hex');
const facts = { name: 'Seed Messenger', version: '0.1.0', platform: 'linux', runtime: 'node' as const, runtimeVersion: '20' };
const opened: MainDeps[] = [];

async function app(name: string, machinePolicy: Record<string, unknown>) {
  const deps = await bootstrapMain({ facts, home, profile: `${name}-${suffix}`, network: 'app' });
  opened.push(deps);
  const policy = await createPolicyHolder(async () => mergePolicyLayers({ machine: machinePolicy }));
  const dispatch = createDispatcher(createHandlers({ ...deps, policy }));
  return async (channel: string, ...args: unknown[]) => {
    const r = await dispatch(channel, args);
    if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
    return r.value;
  };
}

afterAll(async () => {
  for (const d of opened.reverse()) if ('close' in d.messenger) await d.messenger.close();
});

const password = 'correct horse battery';

describe('desktop enforces managed policy in main', () => {
  it('refuses password sign-in when IT allows only other methods, and stays signed out', async () => {
    const call = await app('oidc', { allowedSignInMethods: ['oidc'] });
    await expect(call('register', { username: `o${suffix}`, displayName: 'O', password, deviceName: 'd' })).rejects.toMatchObject({
      code: 'policy_sign_in_method_not_allowed',
    });
    await expect(call('startDeviceLink', { username: `o${suffix}`, password, deviceName: 'd' })).rejects.toMatchObject({
      code: 'policy_sign_in_method_not_allowed',
    });
    expect(await call('session')).toMatchObject({ state: 'signedOut' });
  });

  it('blocks sending to an unverified contact when IT requires verification, until the safety number is verified', async () => {
    const alice = await app('alice', { requireVerifiedContacts: true });
    const bob = await app('bob', {});
    await alice('register', { username: `alice${suffix}`, displayName: 'Alice', password, deviceName: 'a' });
    const b = (await bob('register', { username: `bob${suffix}`, displayName: 'Bob', password, deviceName: 'b' })) as { user: { userId: string } };
    const conv = (await alice('createConversation', { kind: 'direct', memberUserIds: [b.user.userId] })) as { conversationId: string };
    const message = () => ({ id: randomBytes(16).toString('base64url'), sentAt: Date.now(), type: 'string', body: 'hello' });
    await expect(alice('sealMessage', conv.conversationId, message())).rejects.toMatchObject({ code: 'policy_contact_not_verified' });
    // Nor through the offline queue, which main seals later without asking the page again.
    await expect(alice('queueMessage', conv.conversationId, message())).rejects.toMatchObject({ code: 'policy_contact_not_verified' });
    expect(await alice('listOutbox', conv.conversationId)).toEqual([]);
    const a = (await alice('session')) as { user: { userId: string } };
    const bobCode = ((await bob('contactTrust', a.user.userId)) as { ownCode: string }).ownCode;
    expect(await alice('markVerified', b.user.userId, bobCode)).toMatchObject({ state: 'verified' });
    expect(await alice('sealMessage', conv.conversationId, message())).toMatchObject({ v: 1 });
  });
});
