/**
 * Scenario: Alice rotates the key (version 2) and sends before Bob's device holds version 2. Bob's timeline
 * shows "cannot decrypt yet" items for them — in order, never as text — and a rotation system item; when
 * version 2 reaches Bob's device the items resolve by themselves, in place, without a reload.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, conversation, participant, rotate, startTestRelay, texts, waitFor } from './harness';

afterEach(cleanup);

describe('bob reads after the new key arrives', () => {
  it('shows pending items that resolve when the key version arrives', async () => {
    const relay = await startTestRelay();
    const alice = await participant(relay, 'alice');
    const bob = await participant(relay, 'bob');
    const dm = await conversation('dm-rotation', [alice, bob]);
    await bob.messaging.join([dm]);
    await waitFor('bob live', () => bob.messaging.view(dm).live);

    await alice.messaging.send(dm, { type: 'string', body: 'before rotation' });
    const v2 = await rotate(dm, [alice, bob], [alice]);
    expect(v2.version).toBe(2);
    const afterA = await alice.messaging.send(dm, { type: 'string', body: 'after rotation 1' });
    const afterB = await alice.messaging.send(dm, { type: 'string', body: 'after rotation 2' });

    await waitFor('three items at bob', () => bob.messaging.view(dm).items.filter((i) => i.kind !== 'system').length === 3);
    const waiting = bob.messaging.view(dm).items;
    expect(waiting.map((i) => i.kind)).toEqual(['message', 'system', 'pending', 'pending']);
    expect(waiting[1]).toMatchObject({ kind: 'system', event: 'key_rotated', fromVersion: 1, toVersion: 2 });
    expect(waiting.slice(2).map((i) => [i.kind, i.timetoken, i.kind === 'pending' ? i.keyVersion : 0])).toEqual([
      ['pending', afterA.state === 'sent' ? afterA.timetoken : '', 2],
      ['pending', afterB.state === 'sent' ? afterB.timetoken : '', 2],
    ]);
    expect(texts(bob, dm)).toEqual(['before rotation']);
    expect(bob.crypto.pendingOpens).toBe(2);

    await v2.deliver(bob);
    await waitFor('pending items resolve', () => texts(bob, dm).length === 3);
    const resolved = bob.messaging.view(dm).items;
    expect(resolved.map((i) => i.kind)).toEqual(['message', 'system', 'message', 'message']);
    expect(texts(bob, dm)).toEqual(['before rotation', 'after rotation 1', 'after rotation 2']);
    expect(resolved.slice(2).map((i) => i.key)).toEqual(waiting.slice(2).map((i) => i.key));
  });

  it('a pending item found in history resolves too', async () => {
    const relay = await startTestRelay();
    const alice = await participant(relay, 'alice');
    const bob = await participant(relay, 'bob');
    const dm = await conversation('dm-rotation-history', [alice, bob]);
    const v2 = await rotate(dm, [alice, bob], [alice]);
    await alice.messaging.send(dm, { type: 'string', body: 'sealed with v2' });

    await bob.messaging.join([dm]);
    expect(bob.messaging.view(dm).items.map((i) => i.kind)).toEqual(['pending']);
    await v2.deliver(bob);
    await waitFor('resolves', () => texts(bob, dm).length === 1);
    expect(texts(bob, dm)).toEqual(['sealed with v2']);
  });
});
