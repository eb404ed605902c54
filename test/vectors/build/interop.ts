/** Vectors for the PubNub ACRH interop codec (docs/protocol.md §8) and safety numbers (§10). */
import type { CryptoProvider } from '../../../src/common/crypto/provider';
import { concatBytes, i2osp, toHex } from '../../../src/common/encoding/bytes';
import { utf8Encode } from '../../../src/common/encoding/utf8';
import { acrhKey, cipherKeyFor } from '../../../src/common/protocol/pubnub/acrh';
import { encodePubNubMessage } from '../../../src/common/protocol/pubnub/message';
import { fingerprintDigits, partyFingerprint, safetyNumber } from '../../../src/common/protocol/safetyNumber';
import { fixedBytes, fixedEd25519 } from './fixedKeys';

export async function buildAcrhVectors(provider: CryptoProvider) {
  const conversationKey = await fixedBytes(provider, 'acrh/conversation-key');
  const cipherKey = cipherKeyFor(conversationKey);
  const messages: unknown[] = ['Hello from the stock SDK', { text: 'hi', n: 1, nested: { ok: true } }, ['a', 1, null], 'x'.repeat(47)];
  const valid = [];
  for (const [i, message] of messages.entries()) {
    const iv = await fixedBytes(provider, `acrh/${i}/iv`, 16);
    valid.push({ message, plaintext: JSON.stringify(message), iv: toHex(iv), payload: await encodePubNubMessage(provider, cipherKey, message, iv) });
  }
  const p = valid[1]!.payload;
  const other = cipherKeyFor(await fixedBytes(provider, 'acrh/other-key'));
  return {
    description:
      'PubNub CryptoModule AES-CBC ("ACRH") payloads as a stock SDK publishes them: base64("PNED" 01 "ACRH" 10 IV AES-256-CBC-PKCS7(SHA-256(cipherKey), IV, UTF-8(JSON.stringify(message)))). cipherKey = base64url(conversation key).',
    conversationKey: toHex(conversationKey),
    cipherKey,
    aesKey: toHex(await acrhKey(provider, cipherKey)),
    valid,
    invalid: [
      { name: 'another conversation key', cipherKey: other, payload: p, error: 'bad_tag' },
      { name: 'unknown cryptor id', cipherKey, payload: swapBytes(p, 5, 'XXXX'), error: 'unknown_cryptor' },
      { name: 'header version 2', cipherKey, payload: swapBytes(p, 4, '\x02'), error: 'unsupported_version' },
      { name: 'ciphertext truncated to a non-block length', cipherKey, payload: truncate(p, 5), error: 'malformed' },
      { name: 'not base64', cipherKey, payload: `${p}!`, error: 'malformed' },
      { name: 'no PNED header (legacy not accepted)', cipherKey, payload: 'AAAAAAAAAAAAAAAAAAAAAA==', error: 'malformed' },
    ],
  };
}

function swapBytes(payload: string, offset: number, ascii: string): string {
  const bytes = Buffer.from(payload, 'base64');
  bytes.write(ascii, offset, 'latin1');
  return bytes.toString('base64');
}

function truncate(payload: string, n: number): string {
  const bytes = Buffer.from(payload, 'base64');
  return bytes.subarray(0, bytes.length - n).toString('base64');
}

export async function buildSafetyNumberVectors(provider: CryptoProvider) {
  const parties = await Promise.all(
    ['alice', 'bob', 'carol'].map(async (n) => ({ userId: `user-${n}-0001`, accountKey: (await fixedEd25519(provider, `${n}/account`)).publicKey })),
  );
  const [a, b, c] = parties as [(typeof parties)[0], (typeof parties)[0], (typeof parties)[0]];
  const party = async (x: typeof a) => {
    const fp = await partyFingerprint(provider, x);
    return {
      userId: x.userId,
      accountKey: toHex(x.accountKey),
      h0Input: toHex(concatBytes(i2osp(0, 2), x.accountKey, utf8Encode(x.userId))),
      fingerprint: toHex(fp),
      digits: fingerprintDigits(fp),
    };
  };
  const pair = async (x: typeof a, y: typeof a) => ({
    a: await party(x),
    b: await party(y),
    ...(await safetyNumber(provider, x, y)),
  });
  const ab = await pair(a, b);
  const ac = await pair(a, c);
  return {
    description:
      'Safety numbers: fp = first 30 bytes of H5200 (H0 = SHA-512(00 00 || key || UTF-8(userId)), Hi = SHA-512(H(i-1) || key)) → 6 × (5-byte big-endian mod 100000); the party with the lower 30 digits (then the lower fp bytes) comes first, whatever the user ids. Computing with a and b swapped gives the same result.',
    valid: [ab, await pair(b, a), ac],
    qrComparisons: [
      { ours: ab.qrPayload, scanned: ab.qrPayload, match: true },
      { ours: ab.qrPayload, scanned: ac.qrPayload, match: false },
      { ours: ab.qrPayload, scanned: 'seed-sn:2:AAAA:AAAA', error: 'unsupported_version' },
      { ours: ab.qrPayload, scanned: 'https://example.com', error: 'malformed' },
      { ours: ab.qrPayload, scanned: resplit(ab.qrPayload, 33), error: 'malformed' },
    ],
  };
}

/** The same 60 fingerprint bytes split 33/27 instead of 30/30: not a valid payload (each part is 30 bytes). */
function resplit(qrPayload: string, at: number): string {
  const [, , low, high] = qrPayload.split(':');
  const bytes = Buffer.concat([Buffer.from(low ?? '', 'base64url'), Buffer.from(high ?? '', 'base64url')]);
  return `seed-sn:1:${bytes.subarray(0, at).toString('base64url')}:${bytes.subarray(at).toString('base64url')}`;
}

/** Vectors for stock-SDK compatibility mode (docs/protocol.md §8.4): which key version opens a stock message, and its id, time and text. */
export async function buildStockVectors(provider: CryptoProvider) {
  const v1 = await fixedBytes(provider, 'stock/conversation-key/1');
  const v2 = await fixedBytes(provider, 'stock/conversation-key/2');
  const v2AcceptedAt = 1_767_225_600_000;
  const tt = (ms: number, rest = 1234) => String(BigInt(ms) * 10_000n + BigInt(rest));
  let n = 0;
  const payload = async (key: Uint8Array, message: unknown) =>
    encodePubNubMessage(provider, cipherKeyFor(key), message, await fixedBytes(provider, `stock/iv/${n++}`, 16));
  const within = tt(v2AcceptedAt + 120_000, 0);
  const after = tt(v2AcceptedAt + 120_001, 0);
  return {
    description:
      'Stock-SDK messages (docs/protocol.md §8.4): the conversation key versions a device holds (cipherKey = base64url(key)), the acceptance time of version 2 (ms), and published strings with the relay timetoken they arrived at. Try versions newest first; an older version only while timetoken/1e4 <= next version acceptedAt + 120000. Opened: id "stock-" + timetoken, sentAt = floor(timetoken / 1e4), sender "stock-sdk-sender" / "stock-sdk-device".',
    versions: [
      { version: 1, conversationKey: toHex(v1), cipherKey: cipherKeyFor(v1) },
      { version: 2, conversationKey: toHex(v2), cipherKey: cipherKeyFor(v2), acceptedAt: v2AcceptedAt },
    ],
    valid: [
      {
        name: 'an object with text, current version',
        timetoken: tt(v2AcceptedAt + 5_000),
        payload: await payload(v2, { text: 'Hello from a phone' }),
        text: 'Hello from a phone',
        keyVersion: 2,
      },
      {
        name: 'a plain JSON string, current version',
        timetoken: tt(v2AcceptedAt + 6_000),
        payload: await payload(v2, 'plain string'),
        text: 'plain string',
        keyVersion: 2,
      },
      {
        name: 'previous version, at the end of the tolerance',
        timetoken: within,
        payload: await payload(v1, { text: 'late but in time', extra: 1 }),
        text: 'late but in time',
        keyVersion: 1,
      },
    ].map(({ text, keyVersion, ...c }) => ({
      ...c,
      expected: { id: `stock-${c.timetoken}`, sentAt: Number(BigInt(c.timetoken) / 10_000n), text, keyVersion },
    })),
    invalid: [
      { name: 'previous version, after the tolerance', timetoken: after, payload: await payload(v1, { text: 'too late' }), error: 'stock_key_retired' },
      { name: 'a number, not a text', timetoken: tt(v2AcceptedAt + 7_000), payload: await payload(v2, 42), error: 'stock_body_unsupported' },
      { name: 'an empty text', timetoken: tt(v2AcceptedAt + 8_000), payload: await payload(v2, { text: '' }), error: 'stock_body_unsupported' },
      {
        name: 'another key',
        timetoken: tt(v2AcceptedAt + 9_000),
        payload: await payload(await fixedBytes(provider, 'stock/other-key'), { text: 'guess' }),
        error: 'bad_tag',
      },
    ],
  };
}
