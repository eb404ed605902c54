/**
 * A compromised renderer tries to make main send broadcast requests (role claim and device certificate
 * included) to an address of its choosing (docs/broadcast.md §6, docs/threat-model.md "Renderer"): it
 * follows a listed channel naming another key manager, follows an unlisted id at its own address, and
 * creates or follows with a plain-http key manager on the network. Each is refused with a typed error
 * whose message is a sentence, and a recording HTTP server (one on loopback, one on the machine's network
 * address) shows that no request reached it. Over the real dispatcher, client core, key service, default
 * key manager and relay of the embedded local stack.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desktopProfiles, type DesktopProfile } from './desktopProfiles';

const world = desktopProfiles('seed-desktop-bcast-aim');

interface Recorder {
  readonly hits: string[];
  readonly port: number;
  close(): Promise<void>;
}

/** An HTTP server that records every request it gets and answers 404. */
async function recorder(host: string): Promise<Recorder> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(`${req.method ?? '?'} ${req.url ?? ''}`);
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":"nope","message":"nope"}}');
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    hits,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** This machine's first non-loopback IPv4 address (the "internal network" a renderer could aim at). */
function networkAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((i) => i !== undefined && i.family === 'IPv4' && !i.internal)?.address;
}

let alice: DesktopProfile & { userId: string };
let bob: DesktopProfile & { userId: string };
let channelId: string;
let local: Recorder;
let lan: Recorder | undefined;
const lanAddress = networkAddress();

async function profile(name: string): Promise<DesktopProfile & { userId: string }> {
  const p = await world.profile(name);
  const session = (await p.call('register', {
    username: `${name}${world.suffix}`,
    displayName: name,
    password: 'correct horse battery',
    deviceName: `${name} laptop`,
  })) as { user: { userId: string } };
  return { ...p, userId: session.user.userId };
}

/** The typed refusal of a call (fails the test when the call succeeds). */
async function refusal(call: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await call;
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error('expected a refusal');
}

beforeAll(async () => {
  local = await recorder('127.0.0.1');
  if (lanAddress !== undefined) lan = await recorder(lanAddress);
  alice = await profile('alice');
  bob = await profile('bob');
  channelId = ((await alice.call('createChannel', { name: 'Company news' })) as { channelId: string }).channelId;
  await alice.call('setChannelRole', { channelId, userId: bob.userId, role: 'subscriber', granted: true });
}, 90_000);

afterAll(async () => {
  await world.closeAll();
  await local.close();
  await lan?.close();
});

describe('a compromised renderer cannot aim broadcast requests', { timeout: 60_000 }, () => {
  it('following a listed channel at another key manager is refused before any request', async () => {
    const aimed = `http://127.0.0.1:${local.port}`;
    const r = await refusal(bob.call('followChannel', { channelId, keyManagerUrl: aimed }));
    expect(r.code).toBe('key_manager_not_in_descriptor');
    expect(r.message).toMatch(/^This channel's signed description names a different key manager/);
    expect(local.hits).toEqual([]);
    const views = (await bob.call('listChannels')) as { channelId: string; following: boolean }[];
    expect(views.find((c) => c.channelId === channelId)?.following, 'nothing changed').toBe(false);
  });

  it('following an id no directory lists, at the renderer’s own address, is refused before any request', async () => {
    const r = await refusal(bob.call('followChannel', { channelId: 'UnlistedChannel00000001', keyManagerUrl: `http://127.0.0.1:${local.port}/km` }));
    expect(r.code).toBe('channel_unknown');
    expect(local.hits).toEqual([]);
  });

  it('a plain-http key manager on the network is refused for create and follow, with a sentence, before any request', async () => {
    const target = lanAddress === undefined ? 'http://10.11.12.13:8788' : `http://${lanAddress}:${lan?.port ?? 0}`;
    for (const [channel, args] of [
      ['createChannel', { name: 'Leaky', keyManagerUrl: target }],
      ['followChannel', { channelId, keyManagerUrl: target }],
      ['followChannel', { channelId, keyManagerUrl: 'http://169.254.169.254/latest' }],
    ] as const) {
      const r = await refusal(alice.call(channel, args));
      expect([channel, r.code]).toEqual([channel, 'key_manager_url_refused']);
      expect(r.message).toMatch(/is not reached over https, so anyone on the network could read this channel\. Use an https:\/\/ address\.$/);
    }
    expect(lan?.hits ?? []).toEqual([]);
    expect(
      ((await alice.call('listChannels')) as { channelId: string }[]).map((c) => c.channelId),
      'no channel was created',
    ).toEqual([channelId]);
  });

  it('following without a URL, or with the one the descriptor names, still works', async () => {
    const listed = ((await bob.call('listChannels')) as { channelId: string; keyManagerUrl: string }[]).find((c) => c.channelId === channelId);
    expect(await bob.call('followChannel', { channelId, keyManagerUrl: listed?.keyManagerUrl })).toMatchObject({ channelId, following: true });
    expect(local.hits).toEqual([]);
  });
});
