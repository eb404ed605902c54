/**
 * Post-quantum channel-key wraps (docs/protocol.md §5.1, §9; docs/broadcast.md §4): the key manager wraps a
 * channel's private key with HPKE X-Wing to a device whose certificate has an X-Wing key and with X25519
 * to a device set up before X-Wing, and both read. The attacks:
 * - a key manager, or anyone between it and the device (here a proxy at the URL the descriptor names, which
 *   learnt the channel keys), that hands an X-Wing device an X25519 wrap — the "harvest now, decrypt later"
 *   downgrade — is refused by the device with `suite_downgrade`, before anything is opened; the older
 *   device, for which X25519 is right, still reads through the same proxy;
 * - an X-Wing wrap to a device without an X-Wing key is `unsupported_suite`;
 * - a key manager that requires post-quantum wraps refuses the older device (`post_quantum_device_required`,
 *   403) and serves the X-Wing one.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BroadcastChannel } from '../../src/client/broadcast/broadcastChannel';
import type { BroadcastItem } from '../../src/client/broadcast/broadcastItem';
import { CHANNEL_CREATOR_ROLE, subscriberRole } from '../../src/common/broadcast/roles';
import { xwingGenerateKeyPair, XWING_CIPHERTEXT_LENGTH } from '../../src/common/crypto/xwing';
import { fromBase64Url } from '../../src/common/encoding/base64url';
import type { ChannelId, DeviceId } from '../../src/common/ids';
import type { DeviceCertificate } from '../../src/common/protocol/deviceCertificate';
import type { KeyWrap } from '../../src/common/protocol/keyWrap';
import { unwrapChannelKey, wrapChannelKey } from '../../src/common/protocol/broadcast';
import {
  cleanup,
  clientOf,
  issuer,
  keyManager,
  onCleanup,
  person,
  post,
  provider,
  pubnubFor,
  rejection,
  relay,
  tempDir,
  trustOf,
  type Person,
} from './harness';

type KeysAnswer = { keys: { version: number; publicKey: string; wrap: KeyWrap }[] };

async function bodies(items: BroadcastItem[]): Promise<string[]> {
  const out: string[] = [];
  for (const item of items) out.push(String((await item.open()).message.body));
  return out;
}

/** A proxy in front of a key manager; `rewrite` (when set) answers `…/keys` requests itself. */
async function proxy(): Promise<{
  url: string;
  target: { port: number };
  rewrite?: (request: { claim: string; certificate: DeviceCertificate }) => Promise<KeysAnswer>;
}> {
  const state: { url: string; target: { port: number }; rewrite?: (request: { claim: string; certificate: DeviceCertificate }) => Promise<KeysAnswer> } = {
    url: '',
    target: { port: 0 },
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    if (state.rewrite && req.method === 'POST' && req.url?.endsWith('/keys')) {
      const answer = await state.rewrite(JSON.parse(body.toString('utf8')) as { claim: string; certificate: DeviceCertificate });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
      return;
    }
    const upstream = await fetch(`http://127.0.0.1:${state.target.port}${req.url ?? '/'}`, {
      method: req.method ?? 'GET',
      headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
      ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body }),
    });
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
    res.end(Buffer.from(await upstream.arrayBuffer()));
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      res.writeHead(502);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  onCleanup(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return state;
}

describe('broadcast channel keys are wrapped with X-Wing', () => {
  let iss: Awaited<ReturnType<typeof issuer>>;
  let r: Awaited<ReturnType<typeof relay>>;
  let front: Awaited<ReturnType<typeof proxy>>;
  let km: Awaited<ReturnType<typeof keyManager>>;
  let alice: Person;
  let bob: Person;
  let olivia: Person;
  let channel: BroadcastChannel;

  beforeAll(async () => {
    iss = await issuer();
    r = await relay();
    front = await proxy();
    // The key manager's public URL — the one descriptors name and clients call — is the proxy's.
    km = await keyManager(trustOf(iss), tempDir(), 0, { publicUrl: front.url });
    front.target.port = km.port;
    alice = await person('alice', iss, [CHANNEL_CREATOR_ROLE]);
    bob = await person('bob', iss);
    // Olivia's device was set up by a version before X-Wing: no X-Wing key in its certificate.
    olivia = await person('olivia', iss, [], { hybrid: false });
  });
  afterAll(cleanup);

  it('an X-Wing device gets an X-Wing wrap, an older device an X25519 one, and both read', async () => {
    channel = await clientOf(alice, pubnubFor(r, 'alice')).createChannel({ keyManagerUrl: km.url, name: 'Quarterly' });
    await channel.publish({ type: 'string', body: 'results' });
    bob.roles = [subscriberRole(channel.channelId)];
    olivia.roles = [subscriberRole(channel.channelId)];

    const keysOf = async (p: Person) =>
      (await post(`${km.url}/v1/channels/${channel.channelId}/keys`, { claim: await p.claims(km.url), certificate: p.device.certificate }))
        .body as unknown as KeysAnswer;
    const bobWrap = (await keysOf(bob)).keys[0]!.wrap;
    expect([bobWrap.suite, fromBase64Url(bobWrap.enc).length]).toEqual(['xwing', XWING_CIPHERTEXT_LENGTH]);
    const oliviaWrap = (await keysOf(olivia)).keys[0]!.wrap;
    expect(['suite' in oliviaWrap, fromBase64Url(oliviaWrap.enc).length]).toEqual([false, 32]);

    const bobChannel = await clientOf(bob, pubnubFor(r, 'bob')).openChannel(km.url, channel.channelId);
    expect(await bodies(await bobChannel.history())).toEqual(['results']);
    const oliviaChannel = await clientOf(olivia, pubnubFor(r, 'olivia')).openChannel(km.url, channel.channelId);
    expect(await bodies(await oliviaChannel.history())).toEqual(['results']);
  });

  it('an X25519 wrap handed to an X-Wing device (the key manager or a proxy stripping the post-quantum half) is refused: suite_downgrade', async () => {
    // The attacker knows the channel's private keys (a compromised key manager does; here they are read
    // through the creator's own wraps) and wraps them with X25519 to whichever device asks.
    const genuine = (
      await post(`http://127.0.0.1:${km.port}/v1/channels/${channel.channelId}/keys`, {
        claim: await alice.claims(km.url),
        certificate: alice.device.certificate,
      })
    ).body as unknown as KeysAnswer;
    const channelKeys: { version: number; publicKey: string; privateKey: Uint8Array }[] = [];
    for (const k of genuine.keys) {
      const pair = await unwrapChannelKey(provider, {
        channelId: channel.channelId,
        keyVersion: k.version,
        wrap: k.wrap,
        deviceId: alice.device.deviceId,
        x25519PrivateKey: alice.device.keys.x25519.privateKey,
        xwingPrivateKey: alice.device.keys.xwing!.privateKey,
      });
      channelKeys.push({ version: k.version, publicKey: k.publicKey, privateKey: pair.privateKey });
    }
    front.rewrite = async ({ certificate }) => ({
      keys: await Promise.all(
        channelKeys.map(async (k) => ({
          version: k.version,
          publicKey: k.publicKey,
          wrap: await wrapChannelKey(provider, {
            channelId: channel.channelId as ChannelId,
            keyVersion: k.version,
            channelPrivateKey: k.privateKey,
            recipientDeviceId: certificate.deviceId as DeviceId,
            recipientPublicKey: fromBase64Url(certificate.x25519),
          }),
        })),
      ),
    });
    try {
      const bobChannel = await clientOf(bob, pubnubFor(r, 'bob-again')).openChannel(km.url, channel.channelId);
      const items = await bobChannel.history();
      expect(items).toHaveLength(1);
      const refused = await rejection(items[0]!.open());
      expect(refused.code).toBe('suite_downgrade');
      expect(bobChannel.heldVersions()).toEqual([]);
      // For Olivia's older device X25519 is the right suite: the same answer opens.
      const oliviaChannel = await clientOf(olivia, pubnubFor(r, 'olivia-again')).openChannel(km.url, channel.channelId);
      expect(await bodies(await oliviaChannel.history())).toEqual(['results']);
    } finally {
      delete front.rewrite;
    }
  });

  it('an X-Wing wrap to a device without an X-Wing key cannot be opened: unsupported_suite', async () => {
    const wrap = await wrapChannelKey(provider, {
      channelId: channel.channelId as ChannelId,
      keyVersion: 1,
      channelPrivateKey: provider.randomBytes(32),
      recipientDeviceId: olivia.device.deviceId,
      recipientPublicKey: olivia.device.keys.x25519.publicKey,
      recipientXWingPublicKey: xwingGenerateKeyPair(provider).publicKey,
    });
    const refused = await rejection(
      unwrapChannelKey(provider, {
        channelId: channel.channelId as ChannelId,
        keyVersion: 1,
        wrap,
        deviceId: olivia.device.deviceId,
        x25519PrivateKey: olivia.device.keys.x25519.privateKey,
      }),
    );
    expect(refused.code).toBe('unsupported_suite');
  });

  it('a key manager that requires post-quantum wraps refuses the older device and serves the X-Wing one', async () => {
    const strict = await keyManager(trustOf(iss), tempDir(), 0, { requirePostQuantum: true });
    const strictChannel = await clientOf(alice, pubnubFor(r, 'alice-strict')).createChannel({ keyManagerUrl: strict.url, name: 'Board' });
    await strictChannel.publish({ type: 'string', body: 'minutes' });
    bob.roles = [subscriberRole(strictChannel.channelId)];
    olivia.roles = [subscriberRole(strictChannel.channelId)];

    const raw = await post(`${strict.url}/v1/channels/${strictChannel.channelId}/keys`, {
      claim: await olivia.claims(strict.url),
      certificate: olivia.device.certificate,
    });
    expect([raw.status, raw.body.error?.code]).toEqual([403, 'post_quantum_device_required']);
    const oliviaChannel = await clientOf(olivia, pubnubFor(r, 'olivia-strict')).openChannel(strict.url, strictChannel.channelId);
    const refused = await rejection((await oliviaChannel.history())[0]!.open());
    expect([refused.code, refused.status]).toEqual(['post_quantum_device_required', 403]);

    const bobChannel = await clientOf(bob, pubnubFor(r, 'bob-strict')).openChannel(strict.url, strictChannel.channelId);
    expect(await bodies(await bobChannel.history())).toEqual(['minutes']);
  });
});
