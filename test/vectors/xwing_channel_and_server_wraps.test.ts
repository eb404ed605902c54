/**
 * Replays `xwing-channel-and-server-wraps.json` (docs/protocol.md §5.1, §9, §19.4; built by
 * test/vectors/build/xwingChannelServerWraps.ts): on every crypto provider the X-Wing channel-key and
 * server-key wraps are made again byte for byte from their `eseed` and open to the vector's keys; an
 * independent implementation (`@hpke/core` with `@hpke/hybridkem-x-wing`) opens them too; and every
 * invalid case fails with its code — the X25519 wraps to the X-Wing device with `suite_downgrade`.
 */
import { Aes256Gcm, CipherSuite, HkdfSha256 } from '@hpke/core';
import { XWing } from '@hpke/hybridkem-x-wing';
import { describe, expect, it } from 'vitest';
import { fromBase64Url } from '../../src/common/encoding/base64url';
import { fromHex, toHex } from '../../src/common/encoding/bytes';
import type { ChannelId, DeviceId } from '../../src/common/ids';
import { unwrapChannelKey, wrapChannelKey } from '../../src/common/protocol/broadcast';
import { unwrapKey, type KeyWrap } from '../../src/common/protocol/keyWrap';
import { openServerKeyWrap, sealServerKeyWrap } from '../../src/common/protocol/serverKeyWrap';
import { allCryptoProviders } from '../../src/node/crypto/providers';
import vectors from './xwing-channel-and-server-wraps.json';

const providers = allCryptoProviders().map((c) => [c.name, c.provider] as const);
const suite = new CipherSuite({ kem: new XWing(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });
const buf = (u: Uint8Array): ArrayBuffer => u.slice().buffer;
const x25519 = { privateKey: fromHex(vectors.recipient.x25519.privateKey), publicKey: fromHex(vectors.recipient.x25519.publicKey) };
const xwing = { privateKey: fromHex(vectors.recipient.xwing.privateKey), publicKey: fromHex(vectors.recipient.xwing.publicKey) };

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
  return 'opened';
}

describe('xwing-channel-and-server-wraps.json, the independent implementation', () => {
  for (const v of [...vectors.channel, ...vectors.server]) {
    it(`@hpke/core + X-Wing opens ${v.name}`, async () => {
      const skR = await suite.kem.deserializePrivateKey(buf(xwing.privateKey));
      const pt = await suite.open(
        { recipientKey: skR, enc: buf(fromBase64Url(v.wrap.enc)), info: buf(fromHex(v.info)) },
        buf(fromBase64Url(v.wrap.ct)),
        buf(fromHex(v.aad)),
      );
      expect(toHex(new Uint8Array(pt))).toBe('channelKey' in v ? v.channelKey.privateKey : v.key);
    });
  }
});

describe.each(providers)('xwing-channel-and-server-wraps.json, %s provider', (_name, provider) => {
  for (const v of vectors.channel) {
    it(`${v.name}: made again byte for byte, and opens to the channel key pair`, async () => {
      const again = await wrapChannelKey(provider, {
        channelId: v.channelId as ChannelId,
        keyVersion: v.keyVersion,
        channelPrivateKey: fromHex(v.channelKey.privateKey),
        recipientDeviceId: v.deviceId as DeviceId,
        recipientPublicKey: x25519.publicKey,
        recipientXWingPublicKey: xwing.publicKey,
        eseed: fromHex(v.eseed),
      });
      expect(again).toEqual(v.wrap);
      const pair = await unwrapChannelKey(provider, {
        channelId: v.channelId as ChannelId,
        keyVersion: v.keyVersion,
        wrap: v.wrap as KeyWrap,
        deviceId: v.deviceId as DeviceId,
        x25519PrivateKey: x25519.privateKey,
        xwingPrivateKey: xwing.privateKey,
      });
      expect([toHex(pair.privateKey), toHex(pair.publicKey)]).toEqual([v.channelKey.privateKey, v.channelKey.publicKey]);
    });
  }

  for (const v of vectors.server) {
    it(`${v.name}: made again byte for byte, and opens to the key`, async () => {
      const again = await sealServerKeyWrap(provider, {
        conversationId: v.conversationId,
        version: v.version,
        recipientDeviceId: v.deviceId as DeviceId,
        recipientPublicKey: x25519.publicKey,
        recipientXWingPublicKey: xwing.publicKey,
        key: fromHex(v.key),
        eseed: fromHex(v.eseed),
      });
      expect(again).toEqual(v.wrap);
      const key = await openServerKeyWrap(provider, {
        conversationId: v.conversationId,
        version: v.version,
        wrap: v.wrap as KeyWrap,
        deviceId: v.deviceId as DeviceId,
        privateKey: x25519.privateKey,
        xwingPrivateKey: xwing.privateKey,
      });
      expect(toHex(key)).toBe(v.key);
    });
  }

  for (const c of vectors.invalid) {
    it(`refuses: ${c.name} (${c.error})`, async () => {
      const wrap = c.wrap as KeyWrap;
      const xwingKey = 'noXWingKey' in c ? {} : { xwingPrivateKey: xwing.privateKey };
      const attempt =
        c.kind === 'channel'
          ? unwrapChannelKey(provider, {
              channelId: c.channelId as ChannelId,
              keyVersion: c.keyVersion!,
              wrap,
              deviceId: c.deviceId as DeviceId,
              x25519PrivateKey: x25519.privateKey,
              ...xwingKey,
            })
          : c.kind === 'server'
            ? openServerKeyWrap(provider, {
                conversationId: c.conversationId!,
                version: c.version!,
                wrap,
                deviceId: c.deviceId as DeviceId,
                privateKey: x25519.privateKey,
                ...xwingKey,
              })
            : unwrapKey(provider, {
                purpose: 'conversation',
                scopeId: c.conversationId!,
                version: c.version!,
                wrap,
                deviceId: c.deviceId as DeviceId,
                privateKey: x25519.privateKey,
                ...xwingKey,
              });
      expect(await codeOf(attempt)).toBe(c.error);
    });
  }
});
