/**
 * Scenario: what arrives on a conversation channel but is not a valid envelope from a member — a tampered
 * ciphertext, a forged signature, plain text, a sealed message from a device that is not a member — shows
 * as a rejected item with its protocol error code, in order, and never as text.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type PubNub from 'pubnub';
import { flipB64u } from '../crypto/fixtures';
import { cleanup, conversation, participant, sdkClient, startTestRelay, texts, waitFor } from './harness';

afterEach(cleanup);

describe('tampered envelope is rejected', () => {
  it('shows rejected items with their codes and never their content', async () => {
    const relay = await startTestRelay();
    const alice = await participant(relay, 'alice');
    const bob = await participant(relay, 'bob');
    const dm = await conversation('dm-tamper', [alice, bob]);
    await bob.messaging.join([dm]);
    await waitFor('bob live', () => bob.messaging.view(dm).live);

    const genuine = (await alice.crypto.seal(dm, { id: 'msg-genuine-01' as never, sentAt: 1, type: 'string', body: 'secret words' })) as Record<string, string>;
    const raw = sdkClient(relay, 'user-mallory');
    const publish = (message: unknown) => raw.publish({ channel: 'conv.dm-tamper', message: message as PubNub.Payload });
    await publish({ ...genuine, ciphertext: flipB64u(genuine.ciphertext as string) });
    await publish({ ...genuine, signature: flipB64u(genuine.signature as string) });
    await publish('secret words in the clear');
    await publish({ ...genuine, conversationId: 'dm-other-conv' });
    await alice.messaging.send(dm, { type: 'string', body: 'a real message' });
    raw.destroy(true);

    await waitFor('five items', () => bob.messaging.view(dm).items.length === 5);
    const items = bob.messaging.view(dm).items;
    expect(items.map((i) => (i.kind === 'rejected' ? i.code : i.kind))).toEqual([
      'bad_signature',
      'bad_signature',
      'malformed',
      'wrong_conversation',
      'message',
    ]);
    expect(texts(bob, dm)).toEqual(['a real message']);
    expect(JSON.stringify(items)).not.toContain('secret words');
    expect(items.slice(0, 4).every((i) => i.kind === 'rejected' && i.publisher === 'user-mallory')).toBe(true);
  });

  it('a correctly sealed message from a device that is not a member is rejected', async () => {
    const relay = await startTestRelay();
    const alice = await participant(relay, 'alice');
    const bob = await participant(relay, 'bob');
    const mallory = await participant(relay, 'mallory');
    const dm = await conversation('dm-outsider', [alice, bob]);
    const outsiderConv = await conversation('dm-outsider', [mallory]);
    expect(outsiderConv).toBe(dm);
    await bob.messaging.join([dm]);
    const sent = await mallory.messaging.send(dm, { type: 'string', body: 'let me in' });
    expect(sent.state).toBe('sent');
    await waitFor('one item', () => bob.messaging.view(dm).items.length === 1);
    await waitFor('settled', () => bob.messaging.view(dm).items[0]?.kind === 'rejected');
    expect(bob.messaging.view(dm).items[0]).toMatchObject({ kind: 'rejected', code: 'signer_not_member', publisher: 'user-mallory' });
    expect(texts(bob, dm)).toEqual([]);
  });
});
