/**
 * The key-service API as data (docs/api.md "The key-service API as data"): the route tables in
 * src/common/api are what the servers serve — every table entry has exactly one server implementation,
 * under its mount, and every served route comes from a table (the key service checks this when it starts,
 * and its OpenAPI document lists exactly the tables' routes). A refusal a route's entry does not declare
 * is reported when responses are validated, and still answered as it is.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { keyManagerRoutes } from '../../src/common/api/keyManager';
import { keyServiceRoutes } from '../../src/common/api/keyService';
import { defineRoutes } from '../../src/common/api/route';
import { Conflict, Forbidden } from '../../src/server/http/httpErrors';
import { RateLimiter } from '../../src/server/http/rateLimit';
import { implement } from '../../src/server/http/route';
import { checkRouteCoverage, RouteTableError } from '../../src/server/http/routeCoverage';
import { Router } from '../../src/server/http/router';
import { createListener } from '../../src/server/http/server';
import { startOn, type Running } from './helpers/service';

const openapiPath = (path: string) => path.replace(/:([A-Za-z]+)/g, '{$1}');

describe('the route tables are what the key service serves', () => {
  let run: Running;
  beforeAll(async () => {
    run = await startOn('sqlite');
  });
  afterAll(async () => {
    expect(run.bugs).toEqual([]);
    await run.stop();
  });

  it('serves every entry of its table and of the mounted key manager table, and nothing else', async () => {
    const doc = (await run.api.get<{ paths: Record<string, Record<string, unknown>> }>('/v1/openapi.json')).body;
    const served = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    const expected = [
      ...Object.values(keyServiceRoutes).map((r) => `${r.method} ${openapiPath(r.path)}`),
      ...Object.values(keyManagerRoutes).map((r) => `${r.method} ${openapiPath(`/km${r.path}`)}`),
    ];
    expect(served.sort()).toEqual(expected.sort());
  });

  it('names the codes each error status may carry', async () => {
    const doc = (await run.api.get<{ paths: Record<string, Record<string, { responses: Record<string, { description: string }> }>> }>('/v1/openapi.json')).body;
    const fetch = doc.paths['/v1/conversations/{conversationId}/versions/{version}']?.get?.responses;
    expect(fetch?.['404']?.description).toContain('`no_wrap`');
    expect(fetch?.['403']?.description).toContain('`device_session_required`');
  });
});

describe('checkRouteCoverage', () => {
  const table = defineRoutes({
    one: { method: 'GET', path: '/v1/one', tag: 't', summary: 'one', auth: 'public', response: z.object({}), errors: {} },
    two: { method: 'GET', path: '/v1/two', tag: 't', summary: 'two', auth: 'public', response: z.object({}), errors: {} },
  });
  const handler = async () => ({});
  const mounts = [{ table, basePath: '' }];

  it('accepts each entry implemented once', () => {
    expect(() => checkRouteCoverage(mounts, [implement(table, 'one', { handler }), implement(table, 'two', { handler })])).not.toThrow();
  });

  it('refuses an entry without an implementation, one implemented twice, and a route of no mounted table', () => {
    expect(() => checkRouteCoverage(mounts, [implement(table, 'one', { handler })])).toThrow(/two is implemented 0 times/);
    const twice = [implement(table, 'one', { handler }), implement(table, 'one', { handler }), implement(table, 'two', { handler })];
    expect(() => checkRouteCoverage(mounts, twice)).toThrow(/one is implemented 2 times/);
    const foreign = [
      implement(table, 'one', { handler }),
      implement(table, 'two', { handler }),
      implement(keyServiceRoutes, 'getHealth', {
        handler: async () => ({ ok: true as const, database: 'sqlite' as const, pubnub: false, outbox: { pending: 0, retrying: 0, oldestPendingAgeMs: 0 } }),
      }),
    ];
    expect(() => checkRouteCoverage(mounts, foreign)).toThrow(RouteTableError);
    const elsewhere = [implement(table, 'one', { handler }, '/km'), implement(table, 'two', { handler })];
    expect(() => checkRouteCoverage(mounts, elsewhere)).toThrow(/GET \/km\/v1\/one \(one\) is in no mounted table/);
  });
});

describe('a refusal outside the table entry', () => {
  const table = defineRoutes({
    refuse: { method: 'GET', path: '/v1/refuse', tag: 't', summary: 'refuses', auth: 'public', response: z.object({}), errors: { 403: ['forbidden'] } },
  });
  let url = '';
  const breaches: Error[] = [];
  let close: () => Promise<void> = async () => undefined;
  let declared = true;

  beforeAll(async () => {
    const route = implement(table, 'refuse', {
      handler: async () => {
        throw declared ? new Forbidden() : new Conflict('not in the table', 'version_conflict');
      },
    });
    const server = createServer(
      createListener({
        router: new Router([route]),
        bodyLimit: 1024,
        ipLimiter: new RateLimiter({ limit: 1000, windowMs: 60_000 }),
        authenticate: () => Promise.reject(new Error('no tokens here')),
        onBug: (err) => breaches.push(err instanceof Error ? err : new Error(String(err))),
        validateResponses: true,
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => new Promise((resolve) => server.close(() => resolve()));
  });
  afterAll(() => close());

  it('is answered as it is and reported; a declared one is not reported', async () => {
    expect((await fetch(`${url}/v1/refuse`)).status).toBe(403);
    expect(breaches).toEqual([]);
    declared = false;
    const res = await fetch(`${url}/v1/refuse`);
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ error: { code: 'version_conflict', message: 'not in the table' } });
    expect(breaches.map((e) => e.message)).toEqual(['GET /v1/refuse (refuse) answered 409 version_conflict, which its table entry does not declare']);
  });
});
