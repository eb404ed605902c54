/**
 * Broadcast (seed 002): the key manager creates a channel key pair, wraps its private key to a
 * subscriber device; a publisher seals to the channel public key; the subscriber opens. Also checks the
 * seal against @hpke/core, and the typed failures.
 */
import { Aes256Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core';
import { describe, expect, it } from 'vitest';
import type { ChannelId, MessageId } from '../../src/common/ids';
import {
  broadcastAad,
  broadcastInfo,
  generateChannelKeyPair,
  openBroadcast,
  sealBroadcast,
  unwrapChannelKey,
  wrapChannelKey,
  type OpenBroadcastContext,
} from '../../src/common/protocol/broadcast';
import { MAX_CIPHERTEXT_BYTES } from '../../src/common/protocol/envelope';
import { decodePlaintext } from '../../src/common/protocol/plaintext';
import { MAX_PUBLISH_BYTES, publishSize } from '../../src/common/protocol/publishSize';
import { flipB64u, makeUser, provider } from './fixtures';

const channelId = 'news-channel-1' as ChannelId;
const id = 'bcast-msg-0001' as MessageId;

async function setup() {
  const publisher = (await makeUser('pub')).devices[0]!;
  const subscriber = (await makeUser('sub')).devices[0]!;
  const channelKey = await generateChannelKeyPair(provider);
  const wrap = await wrapChannelKey(provider, {
    channelId,
    keyVersion: 3,
    channelPrivateKey: channelKey.privateKey,
    recipientDeviceId: subscriber.deviceId,
    recipientPublicKey: subscriber.keys.x25519.publicKey,
  });
  const held = await unwrapChannelKey(provider, {
    channelId,
    keyVersion: 3,
    wrap,
    deviceId: subscriber.deviceId,
    x25519PrivateKey: subscriber.keys.x25519.privateKey,
  });
  const ctx: OpenBroadcastContext = {
    channelId,
    channelKeyForVersion: (v) => (v === 3 ? held : undefined),
    publisherSigningKey: (d) => (d === publisher.deviceId ? publisher.keys.ed25519.publicKey : undefined),
  };
  const seal = (body: string) =>
    sealBroadcast(provider, {
      channelId,
      keyVersion: 3,
      channelPublicKey: channelKey.publicKey,
      senderDevice: publisher.deviceId,
      signingPrivateKey: publisher.keys.ed25519.privateKey,
      plaintext: { id, sentAt: 5, type: 'string', body },
      channel: `bcast.${channelId}`,
    });
  return { publisher, subscriber, channelKey, held, wrap, ctx, seal };
}

describe('broadcast publisher to subscribers', () => {
  it('the subscriber unwraps the channel key and opens the publisher message', async () => {
    const { channelKey, held, ctx, seal } = await setup();
    expect(held).toEqual(channelKey);
    const env = JSON.parse(JSON.stringify(await seal('Quarterly results at 3pm')));
    const opened = await openBroadcast(provider, env, ctx);
    expect(opened.message).toEqual({ id, sentAt: 5, type: 'string', body: 'Quarterly results at 3pm' });
  });

  it('@hpke/core opens the seal with the channel private key (independent implementation)', async () => {
    const { channelKey, seal } = await setup();
    const env = await seal('interop');
    const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });
    const sk = await suite.kem.deserializePrivateKey(channelKey.privateKey.slice().buffer);
    const pt = await suite.open(
      { recipientKey: sk, enc: Buffer.from(env.enc, 'base64url'), info: broadcastInfo(channelId, 3).slice().buffer },
      Buffer.from(env.ciphertext, 'base64url'),
      broadcastAad(env).slice().buffer,
    );
    expect(decodePlaintext(new Uint8Array(pt)).body).toBe('interop');
  });

  it('typed failures', async () => {
    const { subscriber, wrap, ctx, seal } = await setup();
    const env = await seal('x');
    const cases: [unknown, string, Partial<OpenBroadcastContext>?][] = [
      [{ ...env, ciphertext: flipB64u(env.ciphertext) }, 'bad_signature'],
      [{ ...env, enc: flipB64u(env.enc) }, 'bad_signature'],
      [{ ...env, keyVersion: 4 }, 'unknown_key_version'],
      [{ ...env, channelId: 'other-channel' }, 'wrong_channel'],
      [{ ...env, senderDevice: 'someone-else' }, 'signer_not_member'],
      [{ ...env, type: 'message' }, 'malformed'],
      [{ ...env, v: 9 }, 'unsupported_version'],
      [env, 'bad_tag', { channelKeyForVersion: async () => generateChannelKeyPair(provider) }],
    ];
    for (const [input, code, override] of cases) {
      await expect(openBroadcast(provider, input, { ...ctx, ...override }), code).rejects.toMatchObject({ code });
    }
    await expect(
      unwrapChannelKey(provider, { channelId, keyVersion: 4, wrap, deviceId: subscriber.deviceId, x25519PrivateKey: subscriber.keys.x25519.privateKey }),
    ).rejects.toMatchObject({ code: 'bad_tag' });
  });

  it('sealing refuses a broadcast over the publish limit; opening refuses a ciphertext over 65,536 bytes (docs/protocol.md §9)', async () => {
    const { ctx, seal } = await setup();
    const fits = await seal('x'.repeat(20_000));
    expect(publishSize(fits, `bcast.${channelId}`)).toBeLessThanOrEqual(MAX_PUBLISH_BYTES);
    expect((await openBroadcast(provider, fits, ctx)).message.body).toBe('x'.repeat(20_000));
    await expect(seal('x'.repeat(24_000))).rejects.toMatchObject({ code: 'too_large', limit: 32_000 });
    expect(MAX_CIPHERTEXT_BYTES).toBe(65_536);
    const atLimit = { ...fits, ciphertext: Buffer.alloc(MAX_CIPHERTEXT_BYTES).toString('base64url') };
    await expect(openBroadcast(provider, atLimit, ctx)).rejects.toMatchObject({ code: 'bad_signature' });
    const over = { ...fits, ciphertext: Buffer.alloc(MAX_CIPHERTEXT_BYTES + 1).toString('base64url') };
    await expect(openBroadcast(provider, over, ctx)).rejects.toMatchObject({ code: 'malformed' });
  });
});
