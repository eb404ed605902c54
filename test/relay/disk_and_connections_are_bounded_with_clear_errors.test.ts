/**
 * The relay's configured caps (docs/relay.md, "Limits"), each played by a caller who tries to pass it: stored
 * history (rows and bytes, through the real SDK's publish, addMessageAction and fetchMessages, kept across a
 * restart), held subscribe long-polls per token and in all, and open connections. Every refusal is a typed
 * PubNub-shaped error and leaves nothing changed: no message stored or delivered, no presence, no slot taken.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PUB, SECRET, SUB, cleanup, client, collect, failure, raw, startTestRelay, subscribeAndWait, tempDir, waitFor } from './helpers';

afterEach(cleanup);

/** Retries `attempt` until it answers what `done` wants (the relay learns of a closed socket asynchronously). */
async function eventually<T>(what: string, attempt: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await attempt();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('disk and connections are bounded with clear errors', () => {
  it('refuses to store past the history caps, stores nothing, and keeps the count across a restart', async () => {
    const dataDir = tempDir();
    const limits = { historyRows: 3 };
    let relay = await startTestRelay({ dataDir, limits });
    const alice = client(relay, 'alice');
    const bob = client(relay, 'bob');
    const seen = collect(bob);
    await subscribeAndWait(bob, seen, { channels: ['conv.full'] });

    const sent = [];
    for (let i = 0; i < 3; i++) sent.push((await alice.publish({ channel: 'conv.full', message: `m${i}` })).timetoken);
    const refused = await failure(alice.publish({ channel: 'conv.full', message: 'one too many' }));
    expect(refused.statusCode).toBe(507);
    expect(String(JSON.stringify(refused.errorData))).toContain('history is full');
    const action = await failure(
      alice.addMessageAction({ channel: 'conv.full', messageTimetoken: sent[0] as string, action: { type: 'reaction', value: 'x' } }),
    );
    expect(action.statusCode).toBe(507);
    expect(action.errorData).toMatchObject({ code: 'history_full', status: 507, error: true });

    // Live-only messages still flow; the refused one was neither stored nor delivered.
    await alice.publish({ channel: 'conv.full', message: 'live only', storeInHistory: false });
    await waitFor('live message', () => seen.messages.some((m) => m.message === 'live only'));
    expect(seen.messages.map((m) => m.message)).toEqual(['m0', 'm1', 'm2', 'live only']);
    const stored = await alice.fetchMessages({ channels: ['conv.full'] });
    expect(stored.channels['conv.full']?.map((m) => m.message)).toEqual(['m0', 'm1', 'm2']);

    // Deleting history makes room again.
    await alice.deleteMessages({ channel: 'conv.full' });
    await alice.publish({ channel: 'conv.full', message: 'after delete' });

    // The count is kept in the database: after a restart two more fit, the third does not.
    await relay.close();
    relay = await startTestRelay({ dataDir, limits });
    const again = client(relay, 'alice');
    await again.publish({ channel: 'conv.full', message: 'r1' });
    await again.publish({ channel: 'conv.other', message: 'r2' });
    expect((await failure(again.publish({ channel: 'conv.other', message: 'r3' }))).statusCode).toBe(507);
    expect((await again.fetchMessages({ channels: ['conv.other'] })).channels['conv.other']?.map((m) => m.message)).toEqual(['r2']);
  });

  it('caps stored bytes', async () => {
    const relay = await startTestRelay({ limits: { historyBytes: 100 } });
    const alice = client(relay, 'alice');
    await alice.publish({ channel: 'conv.b', message: 'x'.repeat(60) });
    const refused = await failure(alice.publish({ channel: 'conv.b', message: 'y'.repeat(60) }));
    expect(refused.statusCode).toBe(507);
    expect(String(JSON.stringify(refused.errorData))).toContain('at most 100 bytes');
    await alice.publish({ channel: 'conv.b', message: 'small' });
    expect((await alice.fetchMessages({ channels: ['conv.b'] })).channels['conv.b']?.map((m) => m.message)).toEqual(['x'.repeat(60), 'small']);
  });

  it('caps held subscribe requests per token and in all', async () => {
    const relay = await startTestRelay({ secretKey: SECRET, publishKey: PUB, subscribeKey: SUB, limits: { longPollsPerToken: 2, longPolls: 3 } });
    const keyService = client(relay, 'key-service', { secretKey: SECRET });
    // Tokens not bound to a uuid, so each held request can show itself in presence under its own uuid.
    const first = await keyService.grantToken({ ttl: 15, resources: { channels: { 'conv.a': { read: true } } } });
    const second = await keyService.grantToken({ ttl: 15, resources: { channels: { 'conv.a': { read: true }, 'conv.b': { read: true } } } });
    const aborts: AbortController[] = [];
    const hold = (channel: string, uuid: string, token: string) => {
      const abort = new AbortController();
      aborts.push(abort);
      const path = `/v2/subscribe/${SUB}/${channel}/0?uuid=${uuid}&auth=${encodeURIComponent(token)}&tt=17000000000000000&tr=1`;
      return { abort, answer: raw(relay, path, { signal: abort.signal }).catch(() => undefined) };
    };
    const present = async (channel: string) =>
      ((await keyService.hereNow({ channels: [channel] })).channels[channel]?.occupants ?? []).map((o) => o.uuid).sort();

    const h1 = hold('conv.a', 'h1', first);
    hold('conv.a', 'h2', first);
    await eventually(
      'two held',
      () => present('conv.a'),
      (uuids) => uuids.length === 2,
    );
    const third = await hold('conv.a', 'h3', first).answer;
    expect(third).toMatchObject({ status: 429, body: { code: 'long_poll_limit', status: 429, error: true } });
    expect(third?.contentType).toContain('application/json');

    hold('conv.a', 'k1', second);
    await eventually(
      'third held',
      () => present('conv.a'),
      (uuids) => uuids.length === 3,
    );
    const full = await hold('conv.a', 'k2', second).answer;
    expect(full).toMatchObject({ status: 503, body: { code: 'long_polls_full', status: 503, error: true } });
    // The refused requests changed nothing: neither became present.
    expect(await present('conv.a')).toEqual(['h1', 'h2', 'k1']);

    // A freed slot is taken again: a poll from the ancient cursor on a channel with a message answers at once
    // with it when accepted (and `long_polls_full` while the relay has not yet seen h1 go).
    await keyService.publish({ channel: 'conv.b', message: 'wake' });
    h1.abort.abort();
    const answered = await eventually(
      'a freed slot',
      () => hold('conv.b', 'k2', second).answer,
      (reply) => reply?.status === 200,
    );
    expect(JSON.stringify(answered?.body)).toContain('wake');
    aborts.forEach((a) => a.abort());
  });

  it('answers a connection over the cap with a typed 503 and serves again once one closes', async () => {
    const relay = await startTestRelay({ limits: { connections: 2 } });
    const sockets: Socket[] = [];
    for (let i = 0; i < 2; i++) {
      const socket = connect(relay.port, '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      sockets.push(socket);
    }
    const refused = await raw(relay, '/time/0', { headers: { connection: 'close' } });
    expect(refused).toMatchObject({ status: 503, body: { code: 'connections_full', status: 503, error: true } });
    expect(refused.contentType).toContain('application/json');

    sockets.shift()?.destroy();
    const served = await eventually(
      'a free connection',
      () => raw(relay, '/time/0', { headers: { connection: 'close' } }),
      (r) => r.status === 200,
    );
    expect(Array.isArray(served.body)).toBe(true);
    sockets.forEach((s) => s.destroy());
  });
});
