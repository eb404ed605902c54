/**
 * Scenario: Alice, Bob and Carol in a group. Messages from all three interleave; every member sees the same
 * decrypted timeline in the same (timetoken) order, each message once, with its sender.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, conversation, participant, startTestRelay, waitFor } from './harness';

afterEach(cleanup);

describe('group of three talks', () => {
  it('every member sees every message once, in the same order', async () => {
    const relay = await startTestRelay();
    const members = [await participant(relay, 'alice'), await participant(relay, 'bob'), await participant(relay, 'carol')];
    const group = await conversation('group-abc-1', members);
    await Promise.all(members.map((m) => m.messaging.join([group])));
    await waitFor('all live', () => members.every((m) => m.messaging.view(group).live));

    const rounds = 4;
    const sends = [];
    for (let round = 0; round < rounds; round += 1) {
      sends.push(...members.map((m) => m.messaging.send(group, { type: 'string', body: `${m.name} ${round}` })));
    }
    const outcomes = await Promise.all(sends);
    expect(outcomes.every((o) => o.state === 'sent')).toBe(true);
    const expected = outcomes
      .map((o, i) => ({ tt: o.state === 'sent' ? BigInt(o.timetoken) : 0n, body: `${members[i % 3]?.name} ${Math.floor(i / 3)}` }))
      .sort((a, b) => (a.tt < b.tt ? -1 : 1))
      .map((e) => e.body);

    for (const m of members) {
      await waitFor(`${m.name} has all`, () => m.messaging.view(group).items.filter((i) => i.kind === 'message' && i.timetoken !== undefined).length === 12);
      const items = m.messaging.view(group).items;
      expect(items.map((i) => (i.kind === 'message' ? i.message.body : i.kind))).toEqual(expected);
      expect(items.map((i) => (i.kind === 'message' ? i.senderUser : ''))).toEqual(expected.map((b) => `user-${b.split(' ')[0]}`));
    }
  });
});
