/**
 * The client core's typed key-service client (docs/client.md "The typed key-service client") against a
 * real local HTTP server that misbehaves: an answer that does not match the route's schema is a typed
 * `bad_response` naming the route (never a cast), a server that never answers ends in a typed
 * `key_service_timeout`, and `close()` — the client's and the `Client` facade's — aborts a request in
 * flight with `client_closed` and refuses new ones without sending them. Path parameters are
 * percent-encoded from the route table's pattern.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, ClientClosedError, InMemoryVaultForTests, KeyServiceApi, KeyServiceError, KeyServiceTimeoutError } from '../../src/client';
import { createNodeCryptoProvider } from '../../src/node/crypto/nodeProvider';

type Behaviour = (req: IncomingMessage, res: ServerResponse) => void;

const json =
  (status: number, body: unknown): Behaviour =>
  (_req, res) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
const hang: Behaviour = () => undefined;

describe('the typed key-service client', () => {
  let server: Server;
  let url = '';
  const seen: string[] = [];
  const behaviours = new Map<string, Behaviour>();
  const dirs: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const target = `${req.method ?? ''} ${req.url ?? ''}`;
      seen.push(target);
      (behaviours.get(target) ?? json(404, { error: { code: 'not_found', message: 'no such endpoint' } }))(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const signedIn = (timeoutMs?: number) => {
    const api = new KeyServiceApi(url, timeoutMs === undefined ? {} : { timeoutMs });
    api.setTokens('an-access-token', 'a-refresh-token');
    return api;
  };

  it('refuses an answer that does not match the route schema with bad_response naming the route', async () => {
    behaviours.set('GET /v1/me', json(200, { user: { userId: 'not an id!' }, deviceId: 42 }));
    const err = await signedIn()
      .request('getMe')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeyServiceError);
    expect(err).toMatchObject({ code: 'bad_response', route: 'getMe', status: 200, category: 'transport', message: expect.stringContaining('getMe') });

    behaviours.set('GET /v1/conversations', (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>proxy</html>'));
    await expect(signedIn().request('listConversations')).rejects.toMatchObject({ code: 'bad_response', route: 'listConversations' });
  });

  it('passes a refusal on with its code, status and category', async () => {
    behaviours.set('GET /v1/conversations/conv-0001', json(403, { error: { code: 'not_a_member', message: 'you are not a member' } }));
    await expect(signedIn().request('getConversation', { params: { conversationId: 'conv-0001' } })).rejects.toMatchObject({
      code: 'not_a_member',
      status: 403,
      category: 'permission',
      route: 'getConversation',
    });
  });

  it('percent-encodes each path parameter and builds the query from the route', async () => {
    seen.length = 0;
    await signedIn()
      .request('getUser', { params: { userId: 'a b/c?d' } })
      .catch(() => undefined);
    await signedIn()
      .request('listKeyVersions', { params: { conversationId: 'conv-0001' }, query: { after: 3, limit: 200 } })
      .catch(() => undefined);
    expect(seen).toEqual(['GET /v1/users/a%20b%2Fc%3Fd', 'GET /v1/conversations/conv-0001/versions?after=3&limit=200']);
  });

  it('gives up on a server that never answers with a typed timeout', async () => {
    behaviours.set('GET /v1/me', hang);
    const started = Date.now();
    const err = await signedIn(300)
      .request('getMe')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeyServiceTimeoutError);
    expect(err).toMatchObject({ code: 'key_service_timeout', route: 'getMe', timeoutMs: 300, category: 'transport' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('close() aborts a request in flight with client_closed and refuses the next one without sending it', async () => {
    behaviours.set('POST /v1/pubnub/token', hang);
    const api = signedIn();
    seen.length = 0;
    const pending = api.request('getPubnubToken').catch((e: unknown) => e);
    await expect.poll(() => seen).toEqual(['POST /v1/pubnub/token']);
    const started = Date.now();
    api.close();
    const err = await pending;
    expect(err).toBeInstanceOf(ClientClosedError);
    expect(err).toMatchObject({ code: 'client_closed', category: 'unavailable' });
    expect(Date.now() - started).toBeLessThan(1_000);
    await expect(api.request('getMe')).rejects.toMatchObject({ code: 'client_closed' });
    expect(seen).toEqual(['POST /v1/pubnub/token']);
  });

  it('Client.close() aborts the facade request in flight', async () => {
    behaviours.set('POST /v1/accounts', hang);
    const dataDir = mkdtempSync(join(tmpdir(), 'seed-typed-client-'));
    dirs.push(dataDir);
    const client = await Client.open({
      vault: new InMemoryVaultForTests(),
      keyServiceUrl: url,
      relay: 'http://127.0.0.1:9',
      provider: createNodeCryptoProvider(),
      dataDir,
    });
    seen.length = 0;
    const registering = client.register({ username: 'hanging-user', password: 'long enough password' }).catch((e: unknown) => e);
    await expect.poll(() => seen).toEqual(['POST /v1/accounts']);
    await client.close();
    expect(await registering).toMatchObject({ code: 'client_closed' });
    expect(client.isSignedIn).toBe(false);
  });
});
