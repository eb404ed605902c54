/**
 * PubNub interop codec (ACRH): a mobile app on the stock PubNub SDK, using a conversation key as its
 * cipherKey, reads what we write and we read what it writes. Checked three ways: the collected SDK
 * vectors (test/vectors/external/pubnub-sdk-crypto.json), the real `pubnub` package's
 * CryptoModule, and the real SDK publishing to / fetching from a loopback HTTP server.
 */
import { createServer, type Server } from 'node:http';
import fc from 'fast-check';
import PubNub from 'pubnub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64, toBase64 } from '../../src/common/encoding/base64';
import { fromHex } from '../../src/common/encoding/bytes';
import { utf8Decode, utf8Encode } from '../../src/common/encoding/utf8';
import { acrhDecrypt, acrhEncrypt, cipherKeyFor } from '../../src/common/protocol/pubnub/acrh';
import { legacyDecrypt } from '../../src/common/protocol/pubnub/legacy';
import { decodePubNubMessage, encodePubNubMessage } from '../../src/common/protocol/pubnub/message';
import { listen } from '../../src/node/net/listen';
import sdkVectors from '../vectors/external/pubnub-sdk-crypto.json';
import { provider } from './fixtures';

const conversationKey = fromHex('8f1a2b3c4d5e6f708192a3b4c5d6e7f8090a1b2c3d4e5f60718293a4b5c6d7e8');
const cipherKey = cipherKeyFor(conversationKey);
const sdkModule = () => PubNub.CryptoModule.aesCbcCryptoModule({ cipherKey });

describe('PubNub SDK vectors', () => {
  const acrh = sdkVectors.vectors.filter((v) => v.kind === 'acrh');
  it.each(acrh)('ACRH $id decrypts and re-encrypts byte for byte', async (v) => {
    const data = fromBase64(v.ciphertext_b64);
    expect(utf8Decode(await acrhDecrypt(provider, v.cipherKey, data))).toBe(v.plaintext);
    const iv = data.subarray(10, 26);
    expect(toBase64(await acrhEncrypt(provider, v.cipherKey, utf8Encode(v.plaintext), iv))).toBe(v.ciphertext_b64);
  });

  const legacy = sdkVectors.vectors.filter((v) => v.kind !== 'acrh');
  it.each(legacy)('legacy $id decrypts (read-only support)', async (v) => {
    const mode = v.kind === 'legacy-static-iv' ? 'static-iv' : 'random-iv';
    expect(utf8Decode(await legacyDecrypt(provider, v.cipherKey, fromBase64(v.ciphertext_b64), mode))).toBe(v.plaintext);
  });

  it('has all 11 ACRH and 15 legacy vectors', () => {
    expect([acrh.length, legacy.length]).toEqual([11, 15]);
  });
});

describe('the real pubnub CryptoModule', () => {
  const message = fc.jsonValue().filter((v) => JSON.stringify(v) !== undefined);

  it('decrypts what we encrypt', async () => {
    await fc.assert(
      fc.asyncProperty(message, async (m) => {
        const published = await encodePubNubMessage(provider, cipherKey, m);
        const pt = sdkModule().decrypt(published);
        expect(pt).toBeInstanceOf(ArrayBuffer);
        expect(JSON.parse(Buffer.from(pt as ArrayBuffer).toString('utf8'))).toEqual(JSON.parse(JSON.stringify(m)));
      }),
      { numRuns: 60 },
    );
  });

  it('we decrypt what it encrypts', async () => {
    await fc.assert(
      fc.asyncProperty(message, async (m) => {
        const published = Buffer.from(sdkModule().encrypt(JSON.stringify(m)) as ArrayBuffer).toString('base64');
        expect(await decodePubNubMessage(provider, cipherKey, published)).toEqual(JSON.parse(JSON.stringify(m)));
      }),
      { numRuns: 60 },
    );
  });

  it('a different conversation key does not decrypt (ours and the SDK side)', async () => {
    const published = await encodePubNubMessage(provider, cipherKey, { text: 'hi' });
    const otherKey = cipherKeyFor(new Uint8Array(32).fill(7));
    await expect(decodePubNubMessage(provider, otherKey, published)).rejects.toMatchObject({ code: expect.stringMatching(/bad_tag|malformed/) });
    // AES-CBC has no tag: a wrong key passes the padding check about once in 256 tries, so the SDK either
    // throws or answers bytes that are not the message — never the message.
    let sdkAnswer: string | null = null;
    try {
      sdkAnswer = Buffer.from(PubNub.CryptoModule.aesCbcCryptoModule({ cipherKey: otherKey }).decrypt(published) as ArrayBuffer).toString('utf8');
    } catch {
      sdkAnswer = null;
    }
    expect(sdkAnswer).not.toBe(JSON.stringify({ text: 'hi' }));
    expect(() => PubNub.CryptoModule.aesCbcCryptoModule({ cipherKey }).decrypt(published)).not.toThrow();
  });
});

describe('the real pubnub SDK over HTTP', () => {
  let server: Server;
  let origin = '';
  const published: string[] = [];
  let history: unknown[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      res.setHeader('content-type', 'application/json');
      if (url.pathname.startsWith('/publish/')) {
        published.push(decodeURIComponent(url.pathname.split('/').pop() ?? ''));
        res.end('[1,"Sent","17000000000000000"]');
      } else if (url.pathname.startsWith('/v3/history/')) {
        const channel = decodeURIComponent(url.pathname.split('/').pop() ?? '');
        const msgs = history.map((message, i) => ({ message, timetoken: String(17000000000000001n + BigInt(i)), uuid: 'mobile' }));
        res.end(JSON.stringify({ status: 200, error: false, error_message: '', channels: { [channel]: msgs } }));
      } else {
        res.statusCode = 404;
        res.end('{"status":404,"error":true}');
      }
    });
    origin = (await listen(server)).origin;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const client = () =>
    new PubNub({ publishKey: 'pub', subscribeKey: 'sub', userId: 'mobile', origin, ssl: false, cryptoModule: sdkModule(), logVerbosity: false });

  it('a stock-SDK publish is readable by us', async () => {
    const message = { text: 'from the mobile app ✓', n: 3 };
    await client().publish({ channel: 'conv.interop', message });
    const wire = JSON.parse(published.at(-1) ?? 'null') as unknown;
    expect(typeof wire).toBe('string');
    expect(await decodePubNubMessage(provider, cipherKey, wire)).toEqual(message);
  });

  it('what we write, the stock SDK decrypts from history', async () => {
    const message = { text: 'from the desktop app', list: [1, 2, 3] };
    history = [await encodePubNubMessage(provider, cipherKey, message)];
    const result = await client().fetchMessages({ channels: ['conv.interop'], count: 1 });
    const got = result.channels['conv.interop']?.[0];
    expect(got?.message).toEqual(message);
    expect((got as { error?: string }).error).toBeUndefined();
  });

  it('a plaintext that starts with a UTF-8 byte order mark reads the same for us and for the SDK', async () => {
    const payload = toBase64(await acrhEncrypt(provider, cipherKey, utf8Encode('\uFEFF{"text":"bom"}')));
    history = [payload];
    const result = await client().fetchMessages({ channels: ['conv.interop'], count: 1 });
    expect(result.channels['conv.interop']?.[0]?.message).toEqual({ text: 'bom' });
    expect(await decodePubNubMessage(provider, cipherKey, payload)).toEqual({ text: 'bom' });
    const twice = toBase64(await acrhEncrypt(provider, cipherKey, utf8Encode('\uFEFF\uFEFF{}')));
    await expect(decodePubNubMessage(provider, cipherKey, twice)).rejects.toMatchObject({ code: 'malformed' });
  });
});
