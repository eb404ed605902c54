/**
 * Hostile input (docs/api.md, "Conventions": oversize bodies 413, malformed ids and bodies 400, no 500),
 * on both databases: fixed cases for each failure class, then fast-check throws arbitrary JSON bodies,
 * path segments and query strings at every endpoint, as an owner with a device, and requires a typed
 * answer — never a 500 and never an unexpected error reported by the service.
 */
import fc from 'fast-check';
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBackends } from './helpers/backends';
import { addDevice, createGroup, device, devicesOf, headOf, newActor, rotate, signStatement, wrapsFor, type Actor } from './helpers/actors';
import { startOn, type Running } from './helpers/service';
import type { ConversationId } from '../../src/common/ids';

const TYPED = new Set([200, 201, 204, 400, 401, 403, 404, 405, 409, 413, 422, 429, 503]);

/** Sends a body without Content-Length (chunked), which fetch would not do for a string. */
function chunked(url: string, path: string, chunks: number, chunkSize: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    const chunk = Buffer.alloc(chunkSize, 0x20);
    for (let i = 0; i < chunks; i++) req.write(chunk);
    req.end();
  });
}

describeBackends('malformed input never causes a 500', (backend) => {
  let run: Running;
  let alice: Actor;
  let bob: Actor;
  let conv: ConversationId;
  let versionOneKey: Uint8Array;

  beforeAll(async () => {
    run = await startOn(backend, { bodyLimitBytes: 256 * 1024 });
    alice = await newActor(run.api, 'alice');
    bob = await newActor(run.api, 'bob');
    conv = await createGroup(run.api, alice, [bob]);
    versionOneKey = (await rotate(run.api, alice, conv, 1)).key;
  });
  afterAll(async () => {
    expect(run.bugs).toEqual([]);
    await run.stop();
  });

  it('answers 413 to an oversize body, declared or streamed, and stays up', async () => {
    const big = JSON.stringify({ username: 'x'.repeat(300 * 1024), password: 'p', displayName: 'd' });
    const res = await run.api.call('POST', '/v1/accounts', { raw: big });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ error: { code: 'payload_too_large' } });
    expect(await chunked(run.api.url, '/v1/auth/login', 40, 16 * 1024)).toBe(413);
    expect((await run.api.get('/healthz')).status).toBe(200);
  });

  it('answers 400 to bodies that are not JSON, not JSON objects, or not the schema', async () => {
    const cases: { raw?: string; body?: unknown; contentType?: string; code: string }[] = [
      { raw: '{"username":', code: 'bad_json' },
      { raw: 'username=a', contentType: 'application/x-www-form-urlencoded', code: 'unsupported_media_type' },
      { body: [], code: 'invalid_body' },
      { body: 'text', code: 'invalid_body' },
      { body: { username: 'ok-name', password: 'long enough pw', displayName: 'x', admin: true }, code: 'invalid_body' },
      { body: { username: '../etc', password: 'long enough pw', displayName: 'x' }, code: 'invalid_body' },
      { body: { username: 'ok-name', password: 'long enough pw', displayName: '\u0000' }, code: 'invalid_body' },
    ];
    for (const c of cases) {
      const res = await run.api.call('POST', '/v1/accounts', {
        ...(c.raw !== undefined ? { raw: c.raw } : { body: c.body }),
        ...(c.contentType ? { contentType: c.contentType } : {}),
      });
      expect(res.status, JSON.stringify(c)).toBe(400);
      expect(res.body, JSON.stringify(c)).toMatchObject({ error: { code: c.code } });
    }
  });

  it('answers 400 to malformed ids and version numbers in paths, 404/405 to unknown routes', async () => {
    const token = device(alice).token;
    for (const path of [
      `/v1/conversations/short`,
      `/v1/conversations/${'a'.repeat(65)}`,
      '/v1/conversations/%ZZ%ZZ%ZZ%ZZ',
      `/v1/conversations/${conv}/versions/0`,
      `/v1/conversations/${conv}/versions/1e3`,
      `/v1/conversations/${conv}/versions/99999999999`,
      `/v1/conversations/${conv}/versions/at/-5`,
      `/v1/users/a.b.c.d.e.f.g.h/devices`,
    ]) {
      expect((await run.api.get(path, token)).status, path).toBe(400);
    }
    expect((await run.api.get('/v1/nothing-here', token)).status).toBe(404);
    expect((await run.api.call('PUT', `/v1/conversations/${conv}`, { token })).status).toBe(405);
  });

  it('answers 400 to a malformed absolute-form request target', async () => {
    const { port } = new URL(run.api.url);
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.end('GET http://[bad/v1/me HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
      let text = '';
      socket.on('data', (d) => (text += d.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(reply.split('\r\n')[0]).toMatch(/^HTTP\/1\.1 400/);
  });

  it('fuzz: arbitrary JSON bodies at every endpoint get typed answers', async () => {
    const token = device(alice).token;
    const endpoints: [string, string][] = [
      ['POST', '/v1/accounts'],
      ['POST', '/v1/auth/login'],
      ['POST', '/v1/auth/refresh'],
      ['POST', '/v1/devices'],
      ['POST', '/v1/conversations'],
      ['PATCH', `/v1/conversations/${conv}`],
      ['POST', `/v1/conversations/${conv}/membership`],
      ['POST', `/v1/conversations/${conv}/versions`],
      ['POST', `/v1/conversations/${conv}/wraps`],
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...endpoints), fc.jsonValue({ maxDepth: 4 }), async ([method, path], body) => {
        const res = await run.api.call(method, path, { token, raw: JSON.stringify(body) });
        expect(TYPED.has(res.status), `${method} ${path} ${JSON.stringify(body)} -> ${res.status}`).toBe(true);
        expect(res.status).not.toBe(200);
      }),
      { numRuns: 150 },
    );
  });

  it('fuzz: shape-aware bodies (right keys, wrong values) get typed answers', async () => {
    const token = device(alice).token;
    const anyValue = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.string(), { maxLength: 3 }),
      fc.object({ maxDepth: 1 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          record: fc.record(
            {
              v: anyValue,
              conversationId: fc.oneof(fc.constant(conv), anyValue),
              version: anyValue,
              createdAt: anyValue,
              createdByDevice: anyValue,
              memberDevices: anyValue,
              wraps: anyValue,
              signature: anyValue,
            },
            { requiredKeys: [] },
          ),
        }),
        async (body) => {
          const res = await run.api.call('POST', `/v1/conversations/${conv}/versions`, { token, body });
          expect([400, 409, 422]).toContain(res.status);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('fuzz: a real wrap with a mangled grant gets 400 or 422 and stores nothing', async () => {
    const phone = await addDevice(run.api, bob, `fuzz-phone-${backend}`);
    const phoneInfo = (await devicesOf(run.api, bob.userToken, bob.userId)).filter((d) => d.deviceId === phone.deviceId);
    const [good] = await wrapsFor(conv, [{ version: 1, key: versionOneKey }], phoneInfo, device(bob));
    const grantKeys = Object.keys(good!.grant);
    const anyValue = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.object({ maxDepth: 1 }));
    await fc.assert(
      fc.asyncProperty(fc.nat(), anyValue, async (i, value) => {
        const key = grantKeys[i % grantKeys.length]!;
        const grant = { ...good!.grant, [key]: value };
        if (JSON.stringify(grant[key as keyof typeof grant]) === JSON.stringify(good!.grant[key as keyof typeof grant])) return;
        const res = await run.api.call('POST', `/v1/conversations/${conv}/wraps`, { token: device(bob).token, body: { wraps: [{ ...good, grant }] } });
        expect([400, 422], `${key}=${JSON.stringify(value)} -> ${res.status}`).toContain(res.status);
      }),
      { numRuns: 60 },
    );
    expect((await run.api.get(`/v1/conversations/${conv}/versions/1`, phone.token)).status).toBe(404);
  });

  it('fuzz: a real membership statement with one mangled field gets 400, 409 or 422 and stores nothing', async () => {
    const head = await headOf(run.api, alice, conv);
    const good = await signStatement(alice, conv, { type: 'role', userId: bob.userId, role: 'admin' }, head);
    const keys = Object.keys(good);
    const anyValue = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.object({ maxDepth: 1 }), fc.constant(conv));
    await fc.assert(
      fc.asyncProperty(fc.nat(), anyValue, async (i, value) => {
        const key = keys[i % keys.length]!;
        const statement = { ...good, [key]: value };
        if (JSON.stringify(statement[key as keyof typeof statement]) === JSON.stringify(good[key as keyof typeof good])) return;
        const res = await run.api.call('POST', `/v1/conversations/${conv}/membership`, { token: device(alice).token, body: { statement } });
        expect([400, 409, 422], `${key}=${JSON.stringify(value)} -> ${res.status}`).toContain(res.status);
      }),
      { numRuns: 80 },
    );
    expect(await headOf(run.api, alice, conv)).toEqual(head);
  });

  it('fuzz: arbitrary path segments and query strings get typed answers', async () => {
    const token = device(alice).token;
    const segment = fc.oneof(
      fc.string({ maxLength: 80 }).map(encodeURIComponent),
      fc.constantFrom('latest', 'at', 'versions', 'membership', '..', '%00', '%', conv),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(segment, { maxLength: 5 }),
        fc.string({ maxLength: 40 }),
        fc.constantFrom('GET', 'POST', 'DELETE', 'PATCH'),
        async (segments, query, method) => {
          const path = `/v1/conversations/${segments.join('/')}?${encodeURIComponent(query)}=${encodeURIComponent(query)}`;
          const res = await run.api.call(method, path, { token });
          expect(TYPED.has(res.status), `${method} ${path} -> ${res.status}`).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});
