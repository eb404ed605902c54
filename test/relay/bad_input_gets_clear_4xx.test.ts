/**
 * Bad input never crashes the relay nor changes anything: malformed paths and queries, invalid JSON, oversize
 * publishes (PubNub's 32 KiB, with the `[0, reason, tt]` shape the SDK reads), oversize heads and bodies,
 * inflate bombs, unknown keys and endpoints, wrong methods — each gets a clear 4xx with a JSON body. Also CORS,
 * and a fuzz run over random requests.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { PUB, SUB, cleanup, client, failure, raw, startTestRelay } from './helpers';

afterEach(cleanup);

const pub = (channel: string, message: string, query = 'uuid=alice') => `/publish/${PUB}/${SUB}/0/${channel}/0/${message}?${query}`;

async function expectJsonError(response: { status: number; contentType: string; body: unknown }, status: number): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.contentType).toContain('application/json');
  expect(response.body).toBeDefined();
}

describe('bad input gets a clear 4xx', () => {
  it('refuses malformed requests with JSON bodies and stores nothing', async () => {
    const relay = await startTestRelay({ publishKey: PUB, subscribeKey: SUB });
    const cases: [string, RequestInit, number][] = [
      ['/nothing/here', {}, 404],
      [pub('conv.a', '%E0%A4%A'), {}, 400],
      [pub('conv.a', '%22ok%22', 'uuid=%ZZ'), {}, 400],
      [pub('conv.a', '%7Bnot-json'), {}, 400],
      [pub('conv.a', '%22no-uuid%22', ''), {}, 400],
      [pub('conv%3Aa', '%22bad-channel%22'), {}, 400],
      [pub('c'.repeat(93), '%22long-channel%22'), {}, 400],
      [pub('conv.a-pnpres', '%22presence%22'), {}, 400],
      [`/publish/${PUB}/sub-c-other/0/conv.a/0/%22x%22?uuid=alice`, {}, 400],
      [`/publish/pub-c-other/${SUB}/0/conv.a/0/%22x%22?uuid=alice`, {}, 400],
      [`/publish/${PUB}/${SUB}/0/conv.a/0?uuid=alice`, { method: 'POST', body: '{"half":' }, 400],
      [`/publish/${PUB}/${SUB}/0/conv.a/0?uuid=alice`, { method: 'POST', body: 'x'.repeat(70_000) }, 413],
      [
        `/publish/${PUB}/${SUB}/0/conv.a/0?uuid=alice`,
        { method: 'POST', body: deflateSync(Buffer.alloc(1_000_000, 32)), headers: { 'content-encoding': 'deflate' } },
        413,
      ],
      [`/publish/${PUB}/${SUB}/0/conv.a/0?uuid=alice`, { method: 'DELETE' }, 405],
      [pub('conv.a', '%22x%22', 'uuid=alice&meta=%5B1%5D'), {}, 400],
      [pub('conv.a', '%22x%22', 'uuid=alice&store=maybe'), {}, 400],
      [`/signal/${PUB}/${SUB}/0/conv.a/0/%22${'s'.repeat(80)}%22?uuid=alice`, {}, 413],
      [`/v3/history/sub-key/${SUB}/channel/conv.a?uuid=alice&start=abc`, {}, 400],
      [`/v3/history/sub-key/${SUB}/message-counts/conv.a?uuid=alice&timetoken=1&channelsTimetoken=1`, {}, 400],
      [`/v2/subscribe/${SUB}/conv.a/0?uuid=alice&tt=1&filter-expr=a%3D%3D1`, {}, 400],
      [`/v2/subscribe/${SUB}/,/0?uuid=alice`, {}, 400],
      [`/v1/message-actions/${SUB}/channel/conv.a/message/123?uuid=alice`, { method: 'POST', body: '{"type":"reaction-type-too-long","value":"x"}' }, 400],
      [`/v3/pam/${SUB}/grant?uuid=alice`, { method: 'POST', body: '{}' }, 400],
      ['/time/0', { method: 'PUT' }, 405],
    ];
    for (const [path, init, status] of cases) {
      const response = await raw(relay, path, init);
      try {
        await expectJsonError(response, status);
      } catch (error) {
        throw new Error(`${init.method ?? 'GET'} ${path.slice(0, 80)} → ${response.status} ${response.text.slice(0, 200)}`, { cause: error });
      }
    }
    const invalidJson = await raw(relay, pub('conv.a', '%7Bnot-json'));
    expect(invalidJson.body).toEqual([0, 'Invalid JSON in message', expect.stringMatching(/^\d{17}$/)]);
    const unknownKey = await raw(relay, `/v3/history/sub-key/sub-c-other/channel/conv.a?uuid=alice`);
    expect(unknownKey.body).toMatchObject({ status: 400, error: true, message: 'Invalid Subscribe Key' });

    const plainWithDeflateHeader = await raw(relay, `/publish/${PUB}/${SUB}/0/conv.a/0?uuid=alice`, {
      method: 'POST',
      body: '"sent plain despite the header"',
      headers: { 'content-encoding': 'deflate' },
    });
    expect(plainWithDeflateHeader.status).toBe(200);
    const history = await client(relay, 'reader').fetchMessages({ channels: ['conv.a'] });
    expect(history.channels['conv.a']?.map((m) => m.message)).toEqual(['sent plain despite the header']);
  });

  it('answers the SDK with the publish error shape for messages over 32 KiB, GET and POST', async () => {
    const relay = await startTestRelay();
    const alice = client(relay, 'alice');
    const big = { text: 'x'.repeat(33 * 1024) };
    for (const sendByPost of [false, true]) {
      const status = await failure(alice.publish({ channel: 'conv.a', message: big, sendByPost }));
      expect(status.statusCode).toBe(413);
      expect(status.errorData).toBe('Message Too Large');
    }
    const huge = await raw(relay, pub('conv.a', `%22${'y'.repeat(120 * 1024)}%22`));
    await expectJsonError(huge, 413);
    expect((await alice.fetchMessages({ channels: ['conv.a'] })).channels).toEqual({});
  });

  it('serves CORS preflights and headers for renderer use', async () => {
    const relay = await startTestRelay();
    const preflight = await fetch(`${relay.url}/publish/${PUB}/${SUB}/0/conv.a/0`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, content-encoding',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('DELETE');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type, content-encoding');
    const time = await fetch(`${relay.url}/time/0`, { headers: { origin: 'http://localhost:5173' } });
    expect(time.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('never answers 5xx to random requests and keeps serving', async () => {
    const relay = await startTestRelay({ longPollSeconds: 0.2 });
    const segment = fc.oneof(
      fc.constantFrom(
        'publish',
        'signal',
        'v2',
        'v3',
        'v1',
        'subscribe',
        'presence',
        'history',
        'sub-key',
        'channel',
        PUB,
        SUB,
        '0',
        'grant',
        'pam',
        'message-actions',
        'message',
        'time',
        ',',
        '%',
        '%2C',
        '..',
      ),
      fc.string({ maxLength: 12 }).map(encodeURIComponent),
    );
    const request = fc.record({
      path: fc.array(segment, { minLength: 1, maxLength: 8 }).map((s) => `/${s.join('/')}`),
      query: fc.array(
        fc.tuple(
          fc.constantFrom('uuid', 'tt', 'start', 'end', 'max', 'meta', 'state', 'heartbeat', 'auth', 'channel-group', 'timetoken'),
          fc.string({ maxLength: 20 }),
        ),
        { maxLength: 4 },
      ),
      method: fc.constantFrom('GET', 'POST', 'DELETE'),
      body: fc.string({ maxLength: 50 }),
    });
    await fc.assert(
      fc.asyncProperty(request, async ({ path, query, method, body }) => {
        const qs = query.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
        const response = await raw(relay, `${path}?${qs}${query.some(([k]) => k === 'tt') ? '' : '&tt=0'}`, {
          method,
          ...(method === 'POST' ? { body } : {}),
        });
        expect(response.status).toBeGreaterThanOrEqual(200);
        expect(response.status).toBeLessThan(500);
        expect(response.contentType).toContain('application/json');
      }),
      { numRuns: 300 },
    );
    expect((await raw(relay, '/time/0')).status).toBe(200);
  });
});
