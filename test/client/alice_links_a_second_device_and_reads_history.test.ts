/**
 * Scenario: device linking. Alice's new device signs in with her password and shows a link code; her
 * existing device claims it, both compute the same confirmation code, the existing device approves
 * (the identity key travels HPKE-sealed to the new device) and re-wraps every key version, each wrap with
 * its signed grant (docs/protocol.md §6.5); the new device verifies the grants and reads all history, including from before a rotation. A scanned QR payload whose fingerprint does not
 * match is refused. Revoking the new device rotates its conversations.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { apiOf, cleanup, newClient, PASSWORD, reads, registered, say, startWorld, waitFor } from './harness';

afterEach(cleanup);

describe('alice links a second device and reads history', () => {
  it('links by code, compares the confirmation code, reads full history, then revokes it', async () => {
    const world = await startWorld();
    const alice = await registered(world, 'alice');
    const bob = await registered(world, 'bob');
    const dm = await alice.createConversation({ kind: 'direct', members: [bob.session().userId] });
    await say(alice, dm.conversationId, 'old one');
    await alice.rotate(dm.conversationId);
    await say(bob, dm.conversationId, 'old two');

    const laptop = await newClient(world, "alice's laptop");
    const { offer, waitUntilLinked } = await laptop.startDeviceLink({ username: alice.session().username, password: PASSWORD });
    expect(offer.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/);
    expect(offer.qrPayload.startsWith(`seed-link:1:${offer.code}:`)).toBe(true);

    let shownOnLaptop: string | undefined;
    const linked = waitUntilLinked((code) => (shownOnLaptop = code), { pollMs: 50 });
    const claim = await alice.claimDeviceLink(offer.qrPayload);
    expect(claim.newDevice.name).toBe("alice's laptop");
    expect(claim.confirmationCode).toMatch(/^\d{3} \d{3}$/);
    await waitFor('the laptop shows the confirmation code', () => shownOnLaptop !== undefined);
    expect(shownOnLaptop).toBe(claim.confirmationCode);
    const approved = await alice.approveDeviceLink(claim.linkId, { pollMs: 50 });
    const session = await linked;
    expect(shownOnLaptop).toBe(claim.confirmationCode);
    expect(session.userId).toBe(alice.session().userId);
    expect(approved.deviceId).toBe(session.deviceId);
    expect(approved.wrapsAdded).toBe(2);

    expect((await alice.devices()).map((d) => d.deviceId).sort()).toEqual([alice.session().deviceId, session.deviceId].sort());
    expect(await reads(laptop, dm.conversationId, ['old one', 'old two'])).toEqual(['old one', 'old two']);
    const history = await apiOf(laptop).request('listKeyVersions', { params: { conversationId: dm.conversationId } });
    for (const v of history.versions)
      expect(v.grants, `version ${v.version} is covered by alice's grant`).toMatchObject([
        { grantedBy: alice.session().deviceId, recipientDeviceId: session.deviceId },
      ]);
    await say(laptop, dm.conversationId, 'from the laptop');
    await reads(bob, dm.conversationId, ['from the laptop']);

    let told = 0;
    laptop.onRevoked(() => told++);
    const { rotated } = await alice.revokeDevice(session.deviceId);
    expect(rotated).toEqual([dm.conversationId]);
    expect((await alice.conversation(dm.conversationId)).currentVersion).toBe(3);
    // The laptop may learn it from its own next call (a notice makes it rotate) before it checks.
    const checked = (await laptop.checkAccess().catch((e: unknown) => e)) as { code?: string };
    expect(['device_revoked', 'not_signed_in']).toContain(checked.code);
    await waitFor('the laptop forgets its keys', () => told === 1 && !laptop.isSignedIn);
    expect(() => laptop.conversations()).toThrow(expect.objectContaining({ code: 'not_signed_in' }));
    const listed = await alice.devices();
    expect(listed.map((d) => [d.deviceId, d.current, d.revokedAt === null])).toEqual([
      [alice.session().deviceId, true, true],
      [session.deviceId, false, false],
    ]);
    expect(listed[1]?.revokedAt).toBeGreaterThan(listed[1]?.createdAt ?? Infinity);
    await expect(apiOf(bob).request('listUserDevices', { params: { userId: alice.session().userId }, query: { include: 'revoked' } })).rejects.toMatchObject({
      status: 403,
    });
  });

  it('refuses a scanned payload whose key fingerprint does not match, and a stranger cannot claim', async () => {
    const world = await startWorld();
    const alice = await registered(world, 'alice');
    const mallory = await registered(world, 'mallory');
    const laptop = await newClient(world);
    const { offer } = await laptop.startDeviceLink({ username: alice.session().username, password: PASSWORD });
    const forged = `${offer.qrPayload.slice(0, offer.qrPayload.lastIndexOf(':') + 1)}AAAAAAAAAAAAAAAAAAAAAA`;
    await expect(alice.claimDeviceLink(forged)).rejects.toMatchObject({ code: 'link_mismatch' });
    await expect(mallory.claimDeviceLink(offer.code)).rejects.toMatchObject({ code: 'link_not_found' });
    await expect(alice.claimDeviceLink('not a code')).rejects.toMatchObject({ code: 'link_invalid' });
  });
});
