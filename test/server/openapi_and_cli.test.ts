/**
 * The service surface (docs/operations.md; docs/api.md, "Service"): `npm run server` prints its listening
 * line and serves /healthz; /v1/openapi.json documents every route from the same zod schemas that validate
 * it (a body field the document marks required is refused when missing).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOn, type Running } from './helpers/service';

interface OpenApi {
  openapi: string;
  paths: Record<
    string,
    Record<string, { requestBody?: { content: { 'application/json': { schema: { required?: string[] } } } }; responses: Record<string, unknown> }>
  >;
}

describe('OpenAPI document', () => {
  let run: Running;
  let doc: OpenApi;
  beforeAll(async () => {
    run = await startOn('sqlite');
    doc = (await run.api.get<OpenApi>('/v1/openapi.json')).body;
  });
  afterAll(async () => {
    expect(run.bugs).toEqual([]);
    await run.stop();
  });

  it('is OpenAPI 3.1 and lists the key endpoints with their error answers', () => {
    expect(doc.openapi).toBe('3.1.0');
    for (const [p, m] of [
      ['/v1/accounts', 'post'],
      ['/v1/auth/login', 'post'],
      ['/v1/auth/refresh', 'post'],
      ['/v1/devices', 'post'],
      ['/v1/devices/{deviceId}', 'delete'],
      ['/v1/conversations', 'post'],
      ['/v1/conversations/{conversationId}/membership', 'post'],
      ['/v1/conversations/{conversationId}/membership', 'get'],
      ['/v1/conversations/{conversationId}/versions', 'post'],
      ['/v1/conversations/{conversationId}/versions/latest', 'get'],
      ['/v1/conversations/{conversationId}/versions/at/{timestamp}', 'get'],
      ['/v1/pubnub/token', 'post'],
    ] as const) {
      expect(doc.paths[p]?.[m], `${m} ${p}`).toBeDefined();
    }
    expect(Object.keys(doc.paths['/v1/conversations/{conversationId}/versions']!.post!.responses).sort()).toEqual([
      '201',
      '400',
      '401',
      '403',
      '404',
      '409',
      '413',
      '422',
    ]);
  });

  it('marks as required exactly what validation requires', async () => {
    const required = doc.paths['/v1/accounts']!.post!.requestBody!.content['application/json'].schema.required ?? [];
    expect(required.sort()).toEqual(['displayName', 'password', 'username']);
    const full = { username: 'schema-check', password: 'long enough pw', displayName: 'S' };
    for (const field of required) {
      const body: Record<string, string> = { ...full };
      delete body[field];
      expect((await run.api.post('/v1/accounts', body)).status, field).toBe(400);
    }
    expect((await run.api.post('/v1/accounts', full)).status).toBe(201);
  });
});

describe('npm run server', () => {
  it('prints the listening line and serves /healthz on the given port and data dir', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'ks-cli-'));
    const child = spawn(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'src/server/cli.ts', '--port', '0', '--data', dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /key service listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m?.[1]) resolve(m[1]);
        });
        child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
      });
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ ok: true, database: 'sqlite', pubnub: false, outbox: { pending: 0, retrying: 0, oldestPendingAgeMs: 0 } });
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('exits with a clear message when --data is missing', async () => {
    const child = spawn(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'src/server/cli.ts', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(err).toContain('--data <dir> is required');
  });
});
