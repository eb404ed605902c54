/**
 * `trustChanged` over the real desktop handlers, client core, key service and relay (the embedded local
 * stack) and the real keychain: Alice marks Bob verified → event; Bob's identity key then differs from
 * Alice's pin → sealing to him fails with `identity_changed` → event; Alice accepts the new key with the code
 * Bob's device shows → event. The
 * pin is changed the way the client tests do it (the directory's key and Alice's pin disagree), since a
 * real key change needs a compromised or reset account.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64Url } from '../../src/common/encoding/base64url';
import type { ProfileState } from '../../src/client/profileState';
import { createNodeCryptoProvider } from '../../src/node/crypto/nodeProvider';
import { desktopProfiles, type DesktopProfile } from './desktopProfiles';

const world = desktopProfiles('seed-trust');
const { suffix } = world;
type Profile = DesktopProfile;
const profile = (name: string) => world.profile(name);

const trustEvents = (p: Profile) => p.events.filter((e) => e.name === 'trustChanged').map((e) => e.payload);

let alice: Profile;
let bob: Profile;

beforeAll(async () => {
  alice = await profile('alice');
  bob = await profile('bob');
  await alice.call('register', { username: `alice${suffix}`, displayName: 'Alice', password: 'correct horse battery', deviceName: 'Alice laptop' });
  await bob.call('register', { username: `bob${suffix}`, displayName: 'Bob', password: 'correct horse battery', deviceName: 'Bob desktop' });
}, 60_000);

afterAll(() => world.closeAll());

describe('trustChanged events', () => {
  it('verify, an identity change the core finds, and its acknowledgement each announce the contact once', async () => {
    const session = (await bob.call('session')) as { user: { userId: string } };
    const bobId = session.user.userId;
    const conv = (await alice.call('createConversation', { kind: 'direct', memberUserIds: [bobId] })) as { conversationId: string };
    expect(trustEvents(alice)).toEqual([]);

    const aliceId = ((await alice.call('session')) as { user: { userId: string } }).user.userId;
    const bobCode = ((await bob.call('contactTrust', aliceId)) as { ownCode: string }).ownCode;
    expect(await alice.call('markVerified', bobId, bobCode)).toMatchObject({ state: 'verified' });
    expect(trustEvents(alice)).toEqual([{ userId: bobId }]);

    if (!('host' in alice.deps.messenger)) throw new Error('alice has no core');
    const client = await alice.deps.messenger.host.current();
    const state = (client as unknown as { state: ProfileState }).state;
    const other = toBase64Url((await createNodeCryptoProvider().ed25519GenerateKeyPair()).publicKey);
    state.update((s) => {
      s.pins[bobId] = { identityKey: other, verified: true, changedTo: null };
    });
    // Any call that consults Bob's key finds the change and announces it once (here: the security panel's).
    expect(await alice.call('contactTrust', bobId)).toMatchObject({ state: 'changed' });
    expect(trustEvents(alice)).toEqual([{ userId: bobId }, { userId: bobId }]);
    const plaintext = { id: randomBytes(16).toString('base64url'), sentAt: Date.now(), type: 'string', body: 'blocked' };
    await expect(alice.call('sealMessage', conv.conversationId, plaintext)).rejects.toMatchObject({ code: 'identity_changed' });
    expect(trustEvents(alice), 'the same change is not announced twice').toEqual([{ userId: bobId }, { userId: bobId }]);

    expect(await alice.call('acknowledgeIdentityChange', bobId, bobCode)).toMatchObject({ state: 'verified' });
    expect(trustEvents(alice)).toEqual([{ userId: bobId }, { userId: bobId }, { userId: bobId }]);
    expect(trustEvents(bob)).toEqual([]);
  });

  it('a refused call about trust announces nothing', async () => {
    const before = trustEvents(alice).length;
    await expect(alice.call('markVerified', 'not an id!', '1'.repeat(30))).rejects.toMatchObject({ code: 'invalid_arguments' });
    await expect(alice.call('markVerified', 'user-nobody-000', '1'.repeat(30))).rejects.toBeTruthy();
    expect(trustEvents(alice)).toHaveLength(before);
  });
});
