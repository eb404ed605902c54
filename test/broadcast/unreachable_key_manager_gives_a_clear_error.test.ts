/**
 * Custom key managers (docs/broadcast.md §6): a descriptor pointing at a key manager that cannot be reached
 * gives a clear typed error, not a hang — a closed port is `key_manager_unreachable`, a server that accepts
 * and never answers is `key_manager_timeout` once the client's bound passes; nothing is published
 * meanwhile. Closing the session aborts a key manager request in flight at once (`client_closed`).
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_CREATOR_ROLE } from '../../src/common/broadcast/roles';
import { listen } from '../../src/node/net/listen';
import { cleanup, clientOf, descriptorBy, issuer, person, pubnubFor, rejection, relay, type Person } from './harness';

describe('unreachable key manager gives a clear error', () => {
  let alice: Person;
  let silent: Server;
  let silentUrl: string;
  let closedUrl: string;
  let r: Awaited<ReturnType<typeof relay>>;

  beforeAll(async () => {
    const iss = await issuer();
    alice = await person('alice', iss, [CHANNEL_CREATOR_ROLE]);
    r = await relay();
    silent = createServer(() => undefined);
    silentUrl = (await listen(silent)).url;
    const closed = createServer();
    closedUrl = (await listen(closed)).url;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
  });
  afterAll(async () => {
    silent.closeAllConnections();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    await cleanup();
  });

  it('creating a channel on a closed port fails with key_manager_unreachable', async () => {
    const err = await rejection(clientOf(alice, pubnubFor(r, 'alice')).createChannel({ keyManagerUrl: closedUrl, name: 'Nowhere' }));
    expect(err.code).toBe('key_manager_unreachable');
    expect(err.message).toContain(closedUrl);
  });

  it('a key manager that never answers fails with key_manager_timeout within the bound', async () => {
    const client = clientOf(alice, pubnubFor(r, 'alice'), 300);
    const err = await rejection(client.openChannel(silentUrl, 'chan-0001'));
    expect(err.code).toBe('key_manager_timeout');
  });

  it('closing the session aborts a request to a silent key manager at once, and refuses new ones', async () => {
    const closing = new AbortController();
    const client = clientOf(alice, pubnubFor(r, 'alice'), 60_000, closing.signal);
    // The request's own bound (60 s) is longer than the test's timeout: only the abort can end it in time.
    const pending = rejection(client.openChannel(silentUrl, 'chan-0003'));
    setTimeout(() => closing.abort(), 50);
    expect((await pending).code).toBe('client_closed');
    expect((await rejection(client.openChannel(silentUrl, 'chan-0004'))).code).toBe('client_closed');
  });

  it('publishing and subscribing on a channel whose descriptor names a silent key manager fail typed, and publish nothing', async () => {
    const pubnub = pubnubFor(r, 'alice');
    const channel = await clientOf(alice, pubnub, 300).channel(await descriptorBy(alice, silentUrl, 'chan-0002'));
    expect((await rejection(channel.publish({ type: 'string', body: 'hello' }))).code).toBe('key_manager_timeout');
    expect((await rejection(channel.refreshKeys())).code).toBe('key_manager_timeout');
    expect(await channel.history()).toEqual([]);
  });
});
