/**
 * Presence through the real SDK: join when a client subscribes, `state-change` on setState, here_now and
 * where_now, leave on unsubscribe, and a timeout when heartbeats stop (a raw heartbeat with a 2 s timeout).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SUB, cleanup, client, collect, raw, startTestRelay, subscribeAndWait, waitFor } from './helpers';

afterEach(cleanup);

type PresenceEvent = { action: string; uuid?: string; occupancy?: number; state?: unknown; channel: string };
const events = (seen: { presence: unknown[] }) => seen.presence as PresenceEvent[];

describe('carol joins, leaves and times out', () => {
  it('emits join, state-change, leave and timeout on -pnpres and answers here_now / where_now', async () => {
    const relay = await startTestRelay();
    const observer = client(relay, 'observer');
    const carol = client(relay, 'carol', { presenceTimeout: 6 });
    const seen = collect(observer);
    const carolSeen = collect(carol);
    await subscribeAndWait(observer, seen, { channels: ['conv.p'], withPresence: true });
    await waitFor('observer join', () => events(seen).some((p) => p.action === 'join' && p.uuid === 'observer'));

    await subscribeAndWait(carol, carolSeen, { channels: ['conv.p'] });
    await waitFor('carol join', () => events(seen).some((p) => p.action === 'join' && p.uuid === 'carol'));
    const join = events(seen).find((p) => p.uuid === 'carol');
    expect(join).toMatchObject({ channel: 'conv.p', action: 'join', occupancy: 2 });

    await carol.setState({ channels: ['conv.p'], state: { mood: 'busy' } });
    await waitFor('state change', () => events(seen).some((p) => p.action === 'state-change'));
    expect(events(seen).find((p) => p.action === 'state-change')).toMatchObject({ uuid: 'carol', state: { mood: 'busy' } });

    const here = await observer.hereNow({ channels: ['conv.p'], includeState: true });
    expect(here.totalOccupancy).toBe(2);
    const occupants = here.channels['conv.p']?.occupants ?? [];
    expect(occupants.map((o) => o.uuid).sort()).toEqual(['carol', 'observer']);
    expect(occupants.find((o) => o.uuid === 'carol')?.state).toEqual({ mood: 'busy' });
    const several = await observer.hereNow({ channels: ['conv.p', 'conv.quiet'] });
    expect(several.totalChannels).toBe(2);
    expect(several.channels['conv.quiet']?.occupancy).toBe(0);
    expect((await observer.whereNow({ uuid: 'carol' })).channels).toEqual(['conv.p']);
    expect((await observer.getState({ uuid: 'carol', channels: ['conv.p'] })).channels).toEqual({ 'conv.p': { mood: 'busy' } });

    carol.unsubscribe({ channels: ['conv.p'] });
    await waitFor('carol leave', () => events(seen).some((p) => p.action === 'leave' && p.uuid === 'carol'));
    expect(events(seen).find((p) => p.action === 'leave')?.occupancy).toBe(1);

    const heartbeat = await raw(relay, `/v2/presence/sub-key/${SUB}/channel/conv.p/heartbeat?heartbeat=2&uuid=ghost`);
    expect(heartbeat.status).toBe(200);
    await waitFor('ghost join', () => events(seen).some((p) => p.action === 'join' && p.uuid === 'ghost'));
    await waitFor('ghost timeout', () => events(seen).some((p) => p.action === 'timeout' && p.uuid === 'ghost'), 10_000);
    expect((await observer.hereNow({ channels: ['conv.p'] })).channels['conv.p']?.occupants.map((o) => o.uuid)).toEqual(['observer']);
  });
});
