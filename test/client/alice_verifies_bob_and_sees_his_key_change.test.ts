/**
 * Scenario: identity verification. Alice and Bob see the same safety number; Alice verifies Bob by
 * scanning his QR payload (a wrong payload is refused). When the directory later shows a different key
 * for Bob than the one Alice pinned, Bob is "changed": Alice cannot send to him until she acknowledges,
 * after which he is unverified under the new key.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { toBase64Url } from '../../src/common/encoding/base64url';
import type { ProfileState } from '../../src/client/profileState';
import { cleanup, provider, registered, say, startWorld } from './harness';

afterEach(cleanup);

describe('alice verifies bob and sees his key change', () => {
  it('matching safety numbers, QR verification, changed key blocks sending until acknowledged', async () => {
    const world = await startWorld();
    const alice = await registered(world, 'alice');
    const bob = await registered(world, 'bob');
    const bobId = bob.session().userId;
    const dm = await alice.createConversation({ kind: 'direct', members: [bobId] });

    const onAlice = await alice.contactTrust(bobId);
    const onBob = await bob.contactTrust(alice.session().userId);
    expect(onAlice.safetyNumber).toBe(onBob.safetyNumber);
    expect(onAlice.safetyNumber).toMatch(/^(\d{5} ){11}\d{5}$/);
    expect(onAlice.state).toBe('unverified');

    const stranger = await registered(world, 'carol');
    const wrong = (await stranger.contactTrust(alice.session().userId)).qrPayload;
    await expect(alice.verifyContact(bobId, wrong)).rejects.toMatchObject({ code: 'invalid_input' });
    expect((await alice.verifyContact(bobId, onBob.qrPayload)).state).toBe('verified');

    const state = (alice as unknown as { state: ProfileState }).state;
    const other = toBase64Url((await provider.ed25519GenerateKeyPair()).publicKey);
    const real = state.get().pins[bobId]?.identityKey;
    state.update((s) => {
      s.pins[bobId] = { identityKey: other, verified: true, changedTo: null };
    });
    const messaging = await alice.messaging();
    const failed = await messaging.send(dm.conversationId, { type: 'string', body: 'blocked' });
    expect(failed).toMatchObject({ state: 'failed', code: 'seal_failed' });
    expect((await alice.contactTrust(bobId)).state).toBe('changed');
    await expect(alice.verifyContact(bobId)).rejects.toMatchObject({ code: 'invalid_input' });

    const acknowledged = await alice.acknowledgeIdentityChange(bobId);
    expect(acknowledged.state).toBe('unverified');
    expect(state.get().pins[bobId]?.identityKey).toBe(real);
    await say(alice, dm.conversationId, 'allowed again');
  });
});
