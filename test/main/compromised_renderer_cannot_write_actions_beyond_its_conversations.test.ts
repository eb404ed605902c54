/**
 * A compromised renderer and the stored reactions and receipts (docs/client.md "Reactions and receipts",
 * docs/threat-model.md): it can only call `keepMessageActions` through the contract. Malformed, unknown or
 * oversized actions are `invalid_arguments` before main reads anything; a batch that passes the schema but
 * would put more than the store's bound on one message is `annotation_refused`. It cannot write actions in
 * a conversation Bob is not a member of — one he left (whose messages his store still holds) or one he never
 * was in: `annotation_not_member`. Every refusal changes nothing: `historyPage` answers the same messages
 * with the same actions. Real handlers and contract dispatcher, client core, keychain, key service and relay
 * (embedded local stack).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverThroughMain, desktopProfiles, threePeople, type DesktopProfile } from './desktopProfiles';

const world = desktopProfiles('seed-actions-attack');
let alice: DesktopProfile;
let bob: DesktopProfile;
let bobId: string;
let kept: string; // a direct conversation Bob is in
let leftConv: string; // a group Bob read, then left
let foreign: string; // a conversation of Alice and Carol only

interface Page {
  timetoken: string;
  actions?: { messageTimetoken: string; type: string; value: string; actor: string; actionTimetoken: string; removed: boolean }[];
}

const page = (p: DesktopProfile, conversationId: string) => p.call('historyPage', conversationId, { limit: 10 }) as Promise<Page[]>;
let n = 0;
const reaction = (messageTimetoken: string, value: string, actor = bobId) => {
  n += 1;
  return { event: 'added', action: { messageTimetoken, type: 'reaction', value, actor, actionTimetoken: `${BigInt(messageTimetoken) + BigInt(n)}` } };
};
const keep = (conversationId: string, changes: unknown) => bob.call('keepMessageActions', conversationId, changes);

let keptTt: string;
let leftTt: string;

beforeAll(async () => {
  let carol: DesktopProfile;
  ({ alice, bob, carol, bobId, kept, leftConv, foreign } = await threePeople(world));
  keptTt = await deliverThroughMain(alice, bob, kept, 'lunch at noon?');
  leftTt = await deliverThroughMain(alice, bob, leftConv, 'the group plan');
  await deliverThroughMain(alice, carol, foreign, 'between Alice and Carol');
}, 120_000);

afterAll(() => world.closeAll());

describe('a compromised renderer cannot write reactions and receipts beyond its conversations', { timeout: 60_000 }, () => {
  it('in a conversation Bob is in, a reaction and a receipt are kept and come back with their message', async () => {
    const thumbs = reaction(keptTt, '👍');
    const read = { event: 'added', action: { ...reaction(keptTt, 'read').action, type: 'receipt' } };
    expect(await keep(kept, [thumbs, read])).toBe(2);
    const [m] = await page(bob, kept);
    expect(m?.actions).toEqual([
      { ...thumbs.action, removed: false },
      { ...read.action, removed: false },
    ]);
  });

  it('malformed, unknown and oversized actions are invalid_arguments; nothing changes', async () => {
    const before = await page(bob, kept);
    const good = reaction(keptTt, '🎉');
    const bad: unknown[][] = [
      [kept],
      [kept, []],
      [kept, good],
      [kept, [{ ...good, event: 'edited' }]],
      [kept, [{ ...good, extra: 1 }]],
      [kept, [{ event: 'added', action: { ...good.action, type: 'edit' } }]],
      [kept, [{ event: 'added', action: { ...good.action, type: 'receipt', value: 'delivered' } }]],
      [kept, [{ event: 'added', action: { ...good.action, value: '' } }]],
      [kept, [{ event: 'added', action: { ...good.action, value: 'x'.repeat(65) } }]],
      [kept, [{ event: 'added', action: { ...good.action, value: 'x'.repeat(1_000_000) } }]],
      [kept, [{ event: 'added', action: { ...good.action, value: 'two words' } }]],
      [kept, [{ event: 'added', action: { ...good.action, value: '\uD83D' } }]],
      [kept, [{ event: 'added', action: { ...good.action, messageTimetoken: 'latest' } }]],
      [kept, [{ event: 'added', action: { ...good.action, actionTimetoken: '1'.repeat(21) } }]],
      [kept, [{ event: 'added', action: { ...good.action, actor: "x' OR 1=1 --" } }]],
      [kept, [{ event: 'added', action: { ...good.action, sql: 'DELETE FROM messages' } }]],
      [kept, Array.from({ length: 501 }, (_, i) => reaction(keptTt, `r${i}`))],
      ["x' OR 1=1 --", [good]],
      [kept, [good, { event: 'added', action: { ...good.action, type: 'edit' } }]],
    ];
    for (const args of bad)
      await expect(bob.call('keepMessageActions', ...args), JSON.stringify(args).slice(0, 80)).rejects.toMatchObject({ code: 'invalid_arguments' });
    expect(await page(bob, kept)).toEqual(before);
  });

  it('a batch that passes the schema but goes over the bound of one message is annotation_refused; nothing changes', async () => {
    const before = await page(bob, kept);
    const flood = Array.from({ length: 257 }, (_, i) => reaction(keptTt, `r${i}`));
    await expect(keep(kept, flood)).rejects.toMatchObject({ code: 'annotation_refused' });
    expect(await page(bob, kept)).toEqual(before);
  });

  it('a conversation Bob never was in is annotation_not_member', async () => {
    await expect(keep(foreign, [reaction(keptTt, '👍')])).rejects.toMatchObject({ code: 'annotation_not_member' });
  });

  it('after Bob leaves a conversation, whose messages his store still holds, writing there is annotation_not_member; nothing changes', async () => {
    expect(await keep(leftConv, [reaction(leftTt, '🙂')])).toBe(1); // while he is in it (control)
    await bob.call('leaveConversation', leftConv);
    const before = await page(bob, leftConv);
    expect(before.map((m) => m.timetoken)).toEqual([leftTt]);

    await expect(keep(leftConv, [reaction(leftTt, '😈')])).rejects.toMatchObject({ code: 'annotation_not_member' });
    const { removed: _, ...kept } = before[0]!.actions![0]!;
    await expect(keep(leftConv, [{ event: 'removed', action: kept }])).rejects.toMatchObject({ code: 'annotation_not_member' });
    expect(await page(bob, leftConv)).toEqual(before);
  });
});
