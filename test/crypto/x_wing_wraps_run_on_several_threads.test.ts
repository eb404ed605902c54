/**
 * A rotation's X-Wing wraps computed as one batch (`wrapKeyForDevices` → `sealBaseXWingMany` →
 * `xwingEncapsulateMany` → each provider's `xwingEncapsulateMany`, which hands shares of a large batch to
 * worker threads, src/node/crypto/xwingPool.ts). Encapsulation is randomized, so results are checked by
 * decapsulating them: every worker result decapsulates, with the main-thread `xwingDecapsulate`, to the
 * shared secret it came with, and has the structure of the main-thread `xwingEncapsulate`'s; results come
 * back in order (a result for another key would decapsulate to another secret: ML-KEM rejects
 * implicitly); a refused key fails only its own entry, and a rotation with one fails with `malformed`
 * naming that device, nothing wrapped. Every device of a large all-X-Wing version opens its own wrap, and
 * the independent implementation (`@hpke/core` + `@hpke/hybridkem-x-wing`) opens wraps made on workers.
 */
import { Aes256Gcm, CipherSuite, HkdfSha256 } from '@hpke/core';
import { XWing } from '@hpke/hybridkem-x-wing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CryptoProvider, RawKeyPair, XWingEncapsulationResult } from '../../src/common/crypto/provider';
import { xwingDecapsulate, xwingEncapsulate, xwingGenerateKeyPair, XWING_CIPHERTEXT_LENGTH } from '../../src/common/crypto/xwing';
import { fromBase64Url } from '../../src/common/encoding/base64url';
import { toHex } from '../../src/common/encoding/bytes';
import type { ConversationId, DeviceId } from '../../src/common/ids';
import { createKeyVersionRecord, unwrapKeyVersionRecord } from '../../src/common/protocol/keyVersionRecord';
import { wrapAad, wrapInfo } from '../../src/common/protocol/keyWrap';
import { allCryptoProviders } from '../../src/node/crypto/providers';
import { itemsAnsweredByWorkers } from '../../src/node/crypto/threadShare';
import { XWING_PARALLEL_MIN } from '../../src/node/crypto/xwingPool';

const providers = allCryptoProviders().map((c) => [c.name, c.provider] as const);
const conversationId = 'conversation-pq-many-01' as ConversationId;
const independent = new CipherSuite({ kem: new XWing(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });
const buf = (u: Uint8Array): ArrayBuffer => u.slice().buffer;

/** Keys ML-KEM refuses (a coefficient ≥ q, FIPS 203 §7.2) or whose X25519 half gives an all-zero DH (RFC 7748 §6.1). */
function refusedKey(from: Uint8Array, kind: 'modulus' | 'zero_x25519'): Uint8Array {
  const bad = from.slice();
  if (kind === 'modulus') bad.fill(0xff, 0, 384);
  else bad.fill(0, 1184);
  return bad;
}

/** What the main-thread path makes of one key: the structure of its result, checked by decapsulation. */
async function mainThreadOutcome(p: CryptoProvider, pair: RawKeyPair, publicKey: Uint8Array): Promise<string> {
  try {
    const { sharedSecret, ciphertext } = await xwingEncapsulate(p, publicKey);
    return (await outcome(p, pair, { sharedSecret, ciphertext })) === 'opens' ? 'opens' : 'wrong secret';
  } catch (err) {
    return (err as { code?: string }).code === 'malformed' ? 'refused' : 'threw';
  }
}

async function outcome(p: CryptoProvider, pair: RawKeyPair, r: XWingEncapsulationResult | undefined): Promise<string> {
  if (r === undefined) return 'missing';
  if ('error' in r) return r.error === 'invalid_public_key' ? 'refused' : 'threw';
  if (r.ciphertext.length !== XWING_CIPHERTEXT_LENGTH || r.sharedSecret.length !== 32) return 'bad structure';
  return toHex(await xwingDecapsulate(p, r.ciphertext, pair.privateKey)) === toHex(r.sharedSecret) ? 'opens' : 'wrong secret';
}

describe.each(providers)('X-Wing wraps on several threads, %s provider', (_name, p) => {
  const many = p.xwingEncapsulateMany?.bind(p);
  const pairs = Array.from({ length: XWING_PARALLEL_MIN * 3 + 5 }, () => xwingGenerateKeyPair(p));

  it('answers every encapsulation in order, part of them from workers, each decapsulating to its secret', async () => {
    if (!many) throw new Error('the Node providers have the X-Wing batch');
    const before = itemsAnsweredByWorkers();
    const results = await many(pairs.map((k) => k.publicKey));
    expect(itemsAnsweredByWorkers() - before).toBeGreaterThan(0);
    expect(results).toHaveLength(pairs.length);
    for (const [i, pair] of pairs.entries()) expect(await outcome(p, pair, results[i])).toBe('opens');
    // Fresh randomness for each: no two ciphertexts (nor their X25519 halves) alike.
    const cts = results.map((r) => ('ciphertext' in r ? toHex(r.ciphertext) : ''));
    expect(new Set(cts).size).toBe(pairs.length);
    expect(new Set(cts.map((c) => c.slice(-64))).size).toBe(pairs.length);
    // A result for another key does not decapsulate to its secret (this is what makes the order check hold).
    expect(await outcome(p, pairs[1] as RawKeyPair, results[0])).toBe('wrong secret');
  });

  it('property: batches of random size with refused keys anywhere give, key by key, what the main thread gives', async () => {
    if (!many) throw new Error('the Node providers have the X-Wing batch');
    const entry = fc.constantFrom<'good' | 'modulus' | 'zero_x25519'>('good', 'good', 'good', 'good', 'modulus', 'zero_x25519');
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { minLength: 1, maxLength: XWING_PARALLEL_MIN * 3 }), async (kinds) => {
        const used = kinds.map((k, i) => {
          const pair = pairs[i % pairs.length] as RawKeyPair;
          return { pair, publicKey: k === 'good' ? pair.publicKey : refusedKey(pair.publicKey, k) };
        });
        const results = await many(used.map((u) => u.publicKey));
        expect(results).toHaveLength(used.length);
        for (const [i, u] of used.entries()) {
          const expected = kinds[i] === 'good' ? 'opens' : 'refused';
          expect(await outcome(p, u.pair, results[i])).toBe(expected);
          expect(await mainThreadOutcome(p, u.pair, u.publicKey)).toBe(expected);
        }
      }),
      { numRuns: 8 },
    );
  });

  it('a 120-device all-X-Wing version: each device opens its own wrap; the independent implementation opens them too', async () => {
    const members = await Promise.all(
      Array.from({ length: 120 }, async (_, i) => ({
        deviceId: `device-${String(i).padStart(6, '0')}` as DeviceId,
        x25519: await p.x25519GenerateKeyPair(),
        xwing: xwingGenerateKeyPair(p),
      })),
    );
    const signer = await p.ed25519GenerateKeyPair();
    const before = itemsAnsweredByWorkers();
    const { record, conversationKey } = await createKeyVersionRecord(p, {
      conversationId,
      version: 3,
      createdAt: 1_700_000_000_000,
      createdByDevice: (members[0] as (typeof members)[number]).deviceId,
      signingPrivateKey: signer.privateKey,
      recipients: members.map((m) => ({ deviceId: m.deviceId, x25519PublicKey: m.x25519.publicKey, xwingPublicKey: m.xwing.publicKey })),
    });
    expect(itemsAnsweredByWorkers() - before).toBeGreaterThan(0);
    expect(record.wraps.every((w) => w.suite === 'xwing')).toBe(true);
    for (const m of members) {
      const key = await unwrapKeyVersionRecord(p, record, {
        deviceId: m.deviceId,
        x25519PrivateKey: m.x25519.privateKey,
        x25519PublicKey: m.x25519.publicKey,
        xwingPrivateKey: m.xwing.privateKey,
      });
      expect(toHex(key)).toBe(toHex(conversationKey));
    }
    const info = buf(wrapInfo('conversation', conversationId, 3));
    for (const i of [0, 37, 64, 119]) {
      const m = members[i] as (typeof members)[number];
      const wrap = record.wraps.find((w) => w.deviceId === m.deviceId);
      if (!wrap) throw new Error('missing wrap');
      const pt = await independent.open(
        { recipientKey: await independent.kem.deserializePrivateKey(buf(m.xwing.privateKey)), enc: buf(fromBase64Url(wrap.enc)), info },
        buf(fromBase64Url(wrap.ct)),
        buf(wrapAad(m.deviceId)),
      );
      expect(toHex(new Uint8Array(pt))).toBe(toHex(conversationKey));
    }
  });

  it('one refused X-Wing key fails the rotation with malformed naming its device, wherever it sits in the batch', async () => {
    const recipients = pairs.slice(0, XWING_PARALLEL_MIN * 2).map((pair, i) => ({
      deviceId: `device-${String(i).padStart(6, '0')}` as DeviceId,
      x25519PublicKey: new Uint8Array(32).fill(9),
      xwingPublicKey: pair.publicKey,
    }));
    const signer = await p.ed25519GenerateKeyPair();
    // The provider's batch, and the one-by-one path of a provider without it: the same typed error.
    const withoutBatch: CryptoProvider = { ...p, xwingEncapsulateMany: undefined };
    for (const [at, sealer] of [
      [0, p],
      [XWING_PARALLEL_MIN + 3, p],
      [recipients.length - 1, p],
      [XWING_PARALLEL_MIN + 3, withoutBatch],
    ] as const) {
      const bad = recipients.map((r, i) => (i === at ? { ...r, xwingPublicKey: refusedKey(r.xwingPublicKey, at === 0 ? 'modulus' : 'zero_x25519') } : r));
      await expect(
        createKeyVersionRecord(sealer, {
          conversationId,
          version: 4,
          createdAt: 1_700_000_000_000,
          createdByDevice: recipients[0]!.deviceId,
          signingPrivateKey: signer.privateKey,
          recipients: bad,
        }),
      ).rejects.toMatchObject({ code: 'malformed', message: expect.stringContaining(`device ${recipients[at]!.deviceId}`) });
    }
    if (!many) throw new Error('the Node providers have the X-Wing batch');
    await expect(many([pairs[0]!.publicKey, pairs[1]!.publicKey.subarray(1)])).rejects.toMatchObject({ code: 'provider_error' });
  });
});
