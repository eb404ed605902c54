/**
 * Scenario: Bob's app quits after reading three messages; Alice sends 60 more (more than two history pages).
 * Bob's app starts again from the last timetoken it persisted and catches up from history: all 60 messages,
 * in order, none lost and none from before the cursor fetched again; then live messages flow as before.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, conversation, participant, restart, startTestRelay, stop, texts, waitFor } from './harness';

afterEach(cleanup);

describe('bob catches up after restart', () => {
  it('resumes from the persisted cursor', async () => {
    const relay = await startTestRelay();
    const alice = await participant(relay, 'alice');
    const bob = await participant(relay, 'bob');
    const dm = await conversation('dm-offline-1', [alice, bob]);
    await bob.messaging.join([dm]);
    await waitFor('bob live', () => bob.messaging.view(dm).live);
    let last = '';
    for (let i = 0; i < 3; i += 1) {
      const o = await alice.messaging.send(dm, { type: 'string', body: `seen ${i}` });
      if (o.state === 'sent') last = o.timetoken;
    }
    await waitFor('cursor at the third message', () => bob.cursors.saved.get(dm) === last);
    await stop(bob);

    const offline: string[] = [];
    for (let i = 0; i < 60; i += 1) {
      const o = await alice.messaging.send(dm, { type: 'string', body: `offline ${i}` });
      if (o.state === 'sent') offline.push(o.timetoken);
    }

    restart(bob, relay);
    await bob.messaging.join([dm]);
    expect(texts(bob, dm)).toEqual(Array.from({ length: 60 }, (_, i) => `offline ${i}`));
    expect(bob.messaging.view(dm).items.map((i) => i.timetoken)).toEqual(offline);
    expect(bob.cursors.saved.get(dm)).toBe(offline.at(-1));

    await waitFor('bob live again', () => bob.messaging.view(dm).live);
    const after = await alice.messaging.send(dm, { type: 'string', body: 'welcome back' });
    await waitFor('live message', () => texts(bob, dm).length === 61);
    await waitFor('cursor follows live', () => after.state === 'sent' && bob.cursors.saved.get(dm) === after.timetoken);

    await bob.messaging.loadOlder(dm);
    expect(texts(bob, dm).slice(0, 3)).toEqual(['seen 0', 'seen 1', 'seen 2']);
  });
});
