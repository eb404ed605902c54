/**
 * Scenario: "cannot decrypt yet" resolves by itself. Alice links her laptop but the approving device has
 * not re-wrapped history yet (an interrupted approval): the laptop, already following the conversation,
 * shows the earlier messages as pending. When the phone shares history, the key service's notice reaches
 * the laptop, its key ring fetches the versions, and the same items turn into the messages, in place.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, newClient, PASSWORD, registered, say, startWorld, texts, waitFor } from './harness';

afterEach(cleanup);

describe('laptop waits for history then reads it', () => {
  it('pending items resolve once the approving device shares history', async () => {
    const world = await startWorld();
    const alice = await registered(world, 'alice');
    const bob = await registered(world, 'bob');
    const dm = await alice.createConversation({ kind: 'direct', members: [bob.session().userId] });
    await say(bob, dm.conversationId, 'sent before the laptop');
    await alice.rotate(dm.conversationId);
    await say(alice, dm.conversationId, 'also before the laptop');

    const laptop = await newClient(world, 'laptop');
    const { offer, waitUntilLinked } = await laptop.startDeviceLink({ username: alice.session().username, password: PASSWORD });
    let shown: string | undefined;
    const linked = waitUntilLinked((code) => (shown = code), { pollMs: 50 });
    const claim = await alice.claimDeviceLink(offer.code);
    await waitFor('confirmation code on the laptop', () => shown === claim.confirmationCode);
    expect((await alice.approveDeviceLink(claim.linkId, { pollMs: 50, shareHistory: false })).wrapsAdded).toBe(0);
    await linked;

    await laptop.ensureAccess([dm.conversationId]);
    const messaging = await laptop.messaging();
    await messaging.join([dm.conversationId]);
    await waitFor('two pending items', async () => {
      if (!messaging.view(dm.conversationId).reachedStart) await messaging.loadOlder(dm.conversationId);
      return messaging.view(dm.conversationId).items.filter((i) => i.kind === 'pending').length === 2;
    });
    const pendingKeys = messaging
      .view(dm.conversationId)
      .items.filter((i) => i.kind === 'pending')
      .map((i) => i.key);

    expect(await alice.shareHistoryWithDevice(laptop.session().deviceId)).toBe(2);
    await waitFor('history decrypted', () => texts(messaging.view(dm.conversationId)).length === 2);
    const items = messaging.view(dm.conversationId).items.filter((i) => i.kind === 'message');
    expect(items.map((i) => i.key)).toEqual(pendingKeys);
    expect(texts(messaging.view(dm.conversationId))).toEqual(['sent before the laptop', 'also before the laptop']);
    expect(await alice.shareHistoryWithDevice(laptop.session().deviceId)).toBe(0);
  });
});
