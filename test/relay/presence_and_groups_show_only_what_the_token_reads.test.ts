/**
 * The social graph stays hidden (security review M3): with Access Manager on, global here_now, where_now and the
 * list of channel groups answer only what the caller's token may read — through the real SDK's `hereNow`,
 * `whereNow` and `channelGroups.listGroups` / `listChannels`. Mallory holds a genuine token for her own
 * conversation and plays the attacker: she asks who is online where, where Carol is, and which groups exist.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PUB, SECRET, SUB, cleanup, client, collect, failure, startTestRelay, subscribeAndWait, userWithToken } from './helpers';

afterEach(cleanup);

describe('presence and channel groups show only what the token reads', () => {
  it('filters global here_now, where_now and the group list to the caller’s grants', async () => {
    const relay = await startTestRelay({ secretKey: SECRET, publishKey: PUB, subscribeKey: SUB });
    const keyService = client(relay, 'key-service', { secretKey: SECRET });
    const read = { read: true };

    const bob = await userWithToken(relay, keyService, 'bob', { resources: { channels: { 'conv.mb': read, 'conv.bc': read } } });
    const carol = await userWithToken(relay, keyService, 'carol', { resources: { channels: { 'conv.bc': read, 'conv.cd': read } } });
    await subscribeAndWait(bob, collect(bob), { channels: ['conv.bc', 'conv.mb'] });
    await subscribeAndWait(carol, collect(carol), { channels: ['conv.bc', 'conv.cd'] });

    // The server (signed requests) still sees everyone: the filter is about the token, not a blanket refusal.
    const everything = await keyService.hereNow({ includeUUIDs: true });
    expect(Object.keys(everything.channels).sort()).toEqual(['conv.bc', 'conv.cd', 'conv.mb']);

    // Mallory may read her conversation with Bob, nothing else.
    const mallory = await userWithToken(relay, keyService, 'mallory', {
      resources: { channels: { 'conv.mb': read }, groups: { 'g.mallory': { manage: true } } },
    });
    const seen = await mallory.hereNow({ includeUUIDs: true });
    expect(Object.keys(seen.channels)).toEqual(['conv.mb']);
    expect(seen.channels['conv.mb']?.occupants.map((o) => o.uuid)).toEqual(['bob']);
    expect(seen.totalChannels).toBe(1);
    expect(seen.totalOccupancy).toBe(1);

    expect((await mallory.whereNow({ uuid: 'carol' })).channels).toEqual([]);
    expect((await mallory.whereNow({ uuid: 'bob' })).channels).toEqual(['conv.mb']);
    // Her own uuid too: a token not bound to a uuid could call any uuid its own.
    expect((await carol.whereNow({ uuid: 'carol' })).channels.sort()).toEqual(['conv.bc', 'conv.cd']);

    // A pattern grant reads what it matches.
    const dave = await userWithToken(relay, keyService, 'dave', { patterns: { channels: { '^conv\\.c.*$': read } } });
    expect(Object.keys((await dave.hereNow({ includeUUIDs: true })).channels)).toEqual(['conv.cd']);
    expect((await dave.whereNow({ uuid: 'carol' })).channels).toEqual(['conv.cd']);

    // Channel groups: the list names only groups the token may read or manage; another group's channels are refused.
    await keyService.channelGroups.addChannels({ channelGroup: 'g.mallory', channels: ['conv.mb'] });
    await keyService.channelGroups.addChannels({ channelGroup: 'g.carol', channels: ['conv.bc', 'conv.cd'] });
    expect((await keyService.channelGroups.listGroups()).groups.sort()).toEqual(['g.carol', 'g.mallory']);
    expect((await mallory.channelGroups.listGroups()).groups).toEqual(['g.mallory']);
    expect((await mallory.channelGroups.listChannels({ channelGroup: 'g.mallory' })).channels).toEqual(['conv.mb']);
    const refused = await failure(mallory.channelGroups.listChannels({ channelGroup: 'g.carol' }));
    expect(refused).toMatchObject({ statusCode: 403, category: 'PNAccessDeniedCategory' });
    expect(refused.errorData).toMatchObject({ payload: { 'channel-groups': ['g.carol'] } });
    expect((await dave.channelGroups.listGroups()).groups).toEqual([]);

    // Nothing changed for anyone by the refused or filtered calls.
    expect((await keyService.whereNow({ uuid: 'carol' })).channels.sort()).toEqual(['conv.bc', 'conv.cd']);
    expect((await keyService.channelGroups.listChannels({ channelGroup: 'g.carol' })).channels).toEqual(['conv.bc', 'conv.cd']);
  });
});
