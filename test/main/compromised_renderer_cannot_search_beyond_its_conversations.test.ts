/**
 * A compromised renderer and message search (docs/client.md "Search", docs/threat-model.md): it can only
 * call `searchMessages` and `messageContext` through the contract. Malformed or oversized arguments are
 * `invalid_arguments` before main reads anything; a query with no word is `search_query_empty`; FTS5 syntax
 * is text. It cannot read a conversation Bob is not a member of — one he left (whose messages his store
 * still holds) or one he never was in: naming it is `search_not_member`, and a search across everything
 * leaves it out. Nothing changes in the store. Real handlers and contract dispatcher, client core,
 * keychain, key service and relay (embedded local stack).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverThroughMain, desktopProfiles, threePeople, type DesktopProfile } from './desktopProfiles';

const world = desktopProfiles('seed-search-attack');
let alice: DesktopProfile;
let bob: DesktopProfile;
let carol: DesktopProfile;
let kept: string; // a direct conversation Bob is in
let leftConv: string; // a group Bob read, then left
let foreign: string; // a conversation of Alice and Carol only

interface Hit {
  conversationId: string;
  timetoken: string;
  snippet: { text: string; highlights: [number, number][] };
}

const search = (p: DesktopProfile, args: unknown) => p.call('searchMessages', args) as Promise<Hit[]>;

beforeAll(async () => {
  ({ alice, bob, carol, kept, leftConv, foreign } = await threePeople(world));
  await deliverThroughMain(alice, bob, kept, 'the zeppelin lands at the 東京 office on Friday');
  await deliverThroughMain(alice, bob, leftConv, 'the zeppelin plan for the group, 会議 notes');
  await deliverThroughMain(alice, carol, foreign, 'the zeppelin secret between Alice and Carol');
}, 120_000);

afterAll(() => world.closeAll());

describe('a compromised renderer cannot search beyond its conversations', { timeout: 60_000 }, () => {
  it('while Bob is in both conversations, a search finds both (the store holds them)', async () => {
    const hits = await search(bob, { query: 'zeppelin', limit: 10 });
    expect(hits.map((h) => h.conversationId).sort()).toEqual([kept, leftConv].sort());
    expect((await search(bob, { query: '東京', limit: 10 })).map((h) => h.conversationId)).toEqual([kept]);
  });

  it('malformed and oversized arguments are invalid_arguments; a query with no word is search_query_empty', async () => {
    const bad: unknown[] = [
      undefined,
      'zeppelin',
      { query: 'zeppelin' },
      { query: 42, limit: 10 },
      { query: '', limit: 10 },
      { query: 'z'.repeat(201), limit: 10 },
      { query: 'z'.repeat(1_000_000), limit: 10 },
      { query: 'zeppelin', limit: 0 },
      { query: 'zeppelin', limit: 100_000 },
      { query: 'zeppelin', limit: 1.5 },
      { query: 'zeppelin', limit: 10, conversationId: "x' OR 1=1 --" },
      { query: 'zeppelin', limit: 10, conversationIds: [leftConv] },
      { query: 'zeppelin', limit: 10, sql: 'DELETE FROM messages' },
    ];
    for (const args of bad) await expect(search(bob, args), JSON.stringify(args)?.slice(0, 80)).rejects.toMatchObject({ code: 'invalid_arguments' });
    for (const query of ['   ', '"', '*', '( )', 'NEAR(']) {
      if (query === 'NEAR(') {
        expect(await search(bob, { query, limit: 10 })).toEqual([]);
        continue;
      }
      await expect(search(bob, { query, limit: 10 })).rejects.toMatchObject({ code: 'search_query_empty' });
    }
    await expect(search(bob, { query: 'zeppelin OR * "', limit: 10 })).resolves.toEqual([]);
    await expect(bob.call('messageContext', { conversationId: kept, timetoken: 'latest', limit: 10 })).rejects.toMatchObject({ code: 'invalid_arguments' });
    await expect(bob.call('messageContext', { conversationId: kept, timetoken: '1', limit: 1000 })).rejects.toMatchObject({ code: 'invalid_arguments' });
  });

  it('a conversation Bob never was in: naming it is search_not_member, for search and for jump', async () => {
    await expect(search(bob, { query: 'zeppelin', limit: 10, conversationId: foreign })).rejects.toMatchObject({ code: 'search_not_member' });
    await expect(bob.call('messageContext', { conversationId: foreign, timetoken: '1', limit: 10 })).rejects.toMatchObject({ code: 'search_not_member' });
  });

  it('after Bob leaves, the conversation gives nothing: not in an all-conversations search, refused when named; nothing changed', async () => {
    const [hit] = await search(bob, { query: '会議', limit: 10 });
    expect(hit?.conversationId).toBe(leftConv);
    const before = await bob.call('historyPage', kept, { limit: 10 });

    await bob.call('leaveConversation', leftConv);

    expect((await search(bob, { query: 'zeppelin', limit: 10 })).map((h) => h.conversationId)).toEqual([kept]);
    expect(await search(bob, { query: '会議', limit: 10 })).toEqual([]);
    await expect(search(bob, { query: 'zeppelin', limit: 10, conversationId: leftConv })).rejects.toMatchObject({ code: 'search_not_member' });
    await expect(bob.call('messageContext', { conversationId: leftConv, timetoken: hit!.timetoken, limit: 10 })).rejects.toMatchObject({
      code: 'search_not_member',
    });
    // The search and the refusals changed nothing: the kept conversation reads as before.
    expect(await bob.call('historyPage', kept, { limit: 10 })).toEqual(before);
    const context = (await bob.call('messageContext', {
      conversationId: kept,
      timetoken: (await search(bob, { query: 'friday', limit: 1 }))[0]!.timetoken,
      limit: 5,
    })) as {
      outcome: { plaintext?: { body: string } };
    }[];
    expect(context.map((m) => m.outcome.plaintext?.body)).toEqual(['the zeppelin lands at the 東京 office on Friday']);
  });
});
