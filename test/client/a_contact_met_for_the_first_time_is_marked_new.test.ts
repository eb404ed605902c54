/**
 * New contacts (docs/client.md "Decisions", issue [trust]): a member someone added is marked new to this
 * user until the user verifies them by safety number or a week has passed since the first meeting (the
 * first time this profile pinned their account key), so a stranger added to a group is not taken for a
 * colleague one knows. Oneself is never new; pins made before the meeting time was recorded are not new.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { NEW_CONTACT_MS } from '../../src/client/directory';
import { cleanup, registered, signedInOf, startWorld } from './harness';

afterEach(cleanup);

describe('a contact met for the first time is marked new', () => {
  it('until verified, or a week after the first meeting; never oneself', async () => {
    const world = await startWorld();
    const [alice, bob, carol] = [await registered(world, 'alice'), await registered(world, 'bob'), await registered(world, 'carol')];
    const [a, b, c] = [alice.session().userId, bob.session().userId, carol.session().userId];
    expect(alice.isNewContact(b)).toBe(false); // not met yet: no pin

    await alice.createConversation({ kind: 'group', name: 'new people', members: [b, c] });
    expect(alice.isNewContact(b)).toBe(true);
    expect(alice.isNewContact(c)).toBe(true);
    expect(alice.isNewContact(a)).toBe(false);
    expect((await alice.contactTrust(b)).isNew).toBe(true);

    const bobTrust = await bob.contactTrust(a);
    await alice.verifyContact(b, bobTrust.qrPayload);
    expect(alice.isNewContact(b)).toBe(false);
    expect((await alice.contactTrust(b)).isNew).toBe(false);

    const directory = signedInOf(alice).directory;
    expect(directory.isNewContact(c, Date.now() + NEW_CONTACT_MS - 60_000)).toBe(true);
    expect(directory.isNewContact(c, Date.now() + NEW_CONTACT_MS + 1)).toBe(false);
  });
});
