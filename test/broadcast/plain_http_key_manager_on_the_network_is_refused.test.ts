/**
 * A key manager is reached over https only (docs/broadcast.md §6): on plain http an on-path attacker could
 * answer `public-key` with a key of their own and read every broadcast. Creating a channel on, opening a
 * channel from, taking a descriptor that names, or following with a plain-http key manager on the network
 * is refused with `key_manager_url_refused` — its message a sentence — before any request: a recording
 * HTTP server on this machine's network address gets none. Loopback http (development) keeps working.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BroadcastService } from '../../src/client/broadcast/broadcastService';
import { CHANNEL_CREATOR_ROLE } from '../../src/common/broadcast/roles';
import { cleanup, clientOf, descriptorBy, issuer, keyManager, person, pubnubFor, rejection, relay, trustOf } from './harness';

const SENTENCE = /is not reached over https, so anyone on the network could read this channel\. Use an https:\/\/ address\.$/;

describe('a plain-http key manager on the network is refused', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  const hits: string[] = [];
  async function setup() {
    const address =
      Object.values(networkInterfaces())
        .flat()
        .find((i) => i !== undefined && i.family === 'IPv4' && !i.internal)?.address ?? '127.0.0.1';
    const recorder = createServer((req, res) => {
      hits.push(`${req.method ?? '?'} ${req.url ?? ''}`);
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => recorder.listen(0, address, resolve));
    const networkUrl = `http://${address}:${(recorder.address() as AddressInfo).port}`;
    const iss = await issuer();
    const km = await keyManager(trustOf(iss));
    const r = await relay();
    const alice = await person('alice', iss, [CHANNEL_CREATOR_ROLE]);
    return { recorder, networkUrl, loopback: address.startsWith('127.'), km, r, alice };
  }
  beforeAll(async () => {
    ctx = await setup();
  });
  afterAll(async () => {
    ctx.recorder.closeAllConnections();
    await new Promise((resolve) => ctx.recorder.close(resolve));
    await cleanup();
  });

  it('create, open, a descriptor naming it, and follow are refused before any request', async ({ skip }) => {
    if (ctx.loopback) skip('this machine has no network address besides loopback');
    const { networkUrl, alice, r } = ctx;
    const client = clientOf(alice, pubnubFor(r, 'alice'));
    const service = new BroadcastService(client);
    const descriptor = await descriptorBy(alice, networkUrl, 'NetworkChannel00000001');
    for (const [what, attempt] of [
      ['createChannel', () => client.createChannel({ keyManagerUrl: networkUrl, name: 'News' })],
      ['openChannel', () => client.openChannel(networkUrl, 'NetworkChannel00000001')],
      ['channel(descriptor)', () => client.channel(descriptor)],
      ['service.create', () => service.create({ keyManagerUrl: networkUrl, name: 'News' })],
      ['service.follow', () => service.follow('NetworkChannel00000001', networkUrl)],
    ] as const) {
      const refused = await rejection(attempt());
      expect([what, refused.code]).toEqual([what, 'key_manager_url_refused']);
      expect(refused.message).toMatch(SENTENCE);
    }
    expect(hits).toEqual([]);
  });

  it('other schemes are refused too; a key manager on loopback http still works', async () => {
    const { km, alice, r } = ctx;
    const client = clientOf(alice, pubnubFor(r, 'alice'));
    expect((await rejection(client.openChannel('ftp://km.example.com', 'NetworkChannel00000001'))).code).toBe('key_manager_url_refused');
    const channel = await client.createChannel({ keyManagerUrl: km.url, name: 'Local development' });
    expect(km.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await client.openChannel(km.url, channel.channelId)).channelId).toBe(channel.channelId);
  });
});
