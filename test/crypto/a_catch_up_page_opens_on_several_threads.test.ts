/**
 * Opening envelopes that arrive together (a catch-up or history page, `Promise.all`) verifies and decrypts
 * them as one batch shared with worker threads (src/node/crypto/openBatch.ts), for each provider. Played
 * as the attacker: a forged signature is `bad_signature` and a validly signed envelope sealed under another
 * key is `bad_tag`, each for that envelope alone; every outcome equals the generic path's (`ed25519Verify`
 * then `aes256GcmDecrypt`), byte for byte, on random pages (fast-check), and part of each large page was
 * answered by workers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CryptoProvider, SignedAeadInput } from '../../src/common/crypto/provider';
import { toHex } from '../../src/common/encoding/bytes';
import type { ConversationId, DeviceId, MessageId } from '../../src/common/ids';
import { openEnvelope, sealEnvelope } from '../../src/common/protocol/envelopeSeal';
import { OPEN_PARALLEL_MIN } from '../../src/node/crypto/openBatch';
import { allCryptoProviders } from '../../src/node/crypto/providers';
import { itemsAnsweredByWorkers } from '../../src/node/crypto/threadShare';

const providers = allCryptoProviders().map((c) => [c.name, c.provider] as const);
const conversationId = 'conv-batch-open-0001' as ConversationId;
const senderDevice = 'device-batch-opener' as DeviceId;

/** The same provider without its fused call: openEnvelope then takes the generic path. */
function generic(p: CryptoProvider): CryptoProvider {
  const { ed25519VerifyThenAes256GcmDecrypt: _fused, ...rest } = p;
  return rest;
}

type Tamper = 'none' | 'signature' | 'wrong_key' | 'ciphertext' | 'nonce';

async function page(p: CryptoProvider, signer: { privateKey: Uint8Array }, key: Uint8Array, tampers: readonly Tamper[]): Promise<unknown[]> {
  const otherKey = p.randomBytes(32);
  return Promise.all(
    tampers.map(async (tamper, i) => {
      const envelope = await sealEnvelope(p, {
        conversationId,
        keyVersion: 1,
        key: tamper === 'wrong_key' ? otherKey : key,
        senderDevice,
        signingPrivateKey: signer.privateKey,
        plaintext: {
          type: 'string',
          id: `message-${String(i).padStart(4, '0')}` as MessageId,
          sentAt: 1_700_000_000_000 + i,
          body: `message ${i} ${'x'.repeat(i % 50)}`,
        },
        channel: `conv.${conversationId}`,
      });
      const wire = JSON.parse(JSON.stringify(envelope)) as Record<string, string>;
      const flip = (s: string) => `${s.startsWith('A') ? 'B' : 'A'}${s.slice(1)}`;
      if (tamper === 'signature') wire.signature = flip(wire.signature as string);
      if (tamper === 'ciphertext') wire.ciphertext = flip(wire.ciphertext as string);
      if (tamper === 'nonce') wire.nonce = flip(wire.nonce as string);
      return wire;
    }),
  );
}

async function openAll(p: CryptoProvider, wires: readonly unknown[], key: Uint8Array, signerPublicKey: Uint8Array) {
  const ctx = { conversationId, keyForVersion: () => key, memberSigningKey: () => signerPublicKey };
  return Promise.all(
    wires.map((w) =>
      openEnvelope(p, w, ctx).then(
        (o) => ({ body: o.message.type === 'string' ? o.message.body : '', id: o.message.id }),
        (err: { code?: string }) => err.code,
      ),
    ),
  );
}

describe.each(providers)('%s provider: envelopes opened together', (_name, p) => {
  it('each opens or fails with its own typed error, with part of the page on worker threads', async () => {
    const signer = await p.ed25519GenerateKeyPair();
    const key = p.randomBytes(32);
    const count = OPEN_PARALLEL_MIN * 4 + 5;
    const tampers = Array.from({ length: count }, (_, i): Tamper => (i % 11 === 3 ? 'signature' : i % 13 === 5 ? 'wrong_key' : 'none'));
    const wires = await page(p, signer, key, tampers);
    const before = itemsAnsweredByWorkers();
    const outcomes = await openAll(p, wires, key, signer.publicKey);
    expect(itemsAnsweredByWorkers() - before).toBeGreaterThan(0);
    for (const [i, o] of outcomes.entries()) {
      const tamper = tampers[i];
      if (tamper === 'signature') expect(o).toBe('bad_signature');
      else if (tamper === 'wrong_key') expect(o).toBe('bad_tag');
      else expect(o).toEqual({ body: `message ${i} ${'x'.repeat(i % 50)}`, id: `message-${String(i).padStart(4, '0')}` });
    }
    expect(outcomes).toEqual(await openAll(generic(p), wires, key, signer.publicKey));
  });

  it('random pages: the same outcomes as the generic path, small pages (this thread) and large ones (workers)', async () => {
    const signer = await p.ed25519GenerateKeyPair();
    const key = p.randomBytes(32);
    const tamper = fc.constantFrom<Tamper>('none', 'none', 'none', 'signature', 'wrong_key', 'ciphertext', 'nonce');
    await fc.assert(
      fc.asyncProperty(fc.array(tamper, { minLength: 1, maxLength: OPEN_PARALLEL_MIN * 3 }), async (tampers) => {
        const wires = await page(p, signer, key, tampers);
        expect(await openAll(p, wires, key, signer.publicKey)).toEqual(await openAll(generic(p), wires, key, signer.publicKey));
      }),
      { numRuns: 12 },
    );
  });

  it('the fused call answers what verify then decrypt answer, byte for byte, alone and in a batch', async () => {
    const fused = p.ed25519VerifyThenAes256GcmDecrypt?.bind(p);
    expect(fused).toBeDefined();
    if (fused === undefined) return;
    const signer = await p.ed25519GenerateKeyPair();
    const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
    const item = fc.record({
      message: bytes(0, 300),
      aad: bytes(0, 80),
      key: bytes(32, 32),
      nonce: bytes(12, 12),
      flip: fc.constantFrom('none', 'signature', 'signing_input', 'sealed', 'aad', 'short'),
    });
    const build = async (r: { message: Uint8Array; aad: Uint8Array; key: Uint8Array; nonce: Uint8Array; flip: string }): Promise<SignedAeadInput> => {
      const sealed = await p.aes256GcmEncrypt(r.key, r.nonce, r.message, r.aad);
      const signingInput = Uint8Array.from([...r.aad, ...sealed]);
      const signature = await p.ed25519Sign(signer.privateKey, signingInput);
      const at = (b: Uint8Array) => (b.length === 0 ? b : (b.set([(b[0] ?? 0) ^ 1]), b));
      return {
        publicKey: signer.publicKey,
        signingInput: r.flip === 'signing_input' ? at(signingInput.slice()) : signingInput,
        signature: r.flip === 'signature' ? at(signature.slice()) : signature,
        key: r.key,
        nonce: r.nonce,
        sealed: r.flip === 'short' ? sealed.subarray(0, 15) : r.flip === 'sealed' ? at(sealed.slice()) : sealed,
        aad: r.flip === 'aad' ? Uint8Array.from([...r.aad, 1]) : r.aad,
      };
    };
    const expected = async (i: SignedAeadInput) => {
      if (!(await p.ed25519Verify(i.publicKey, i.signingInput, i.signature))) return 'bad_signature';
      const pt = await p.aes256GcmDecrypt(i.key, i.nonce, i.sealed, i.aad);
      return pt === null ? 'bad_tag' : toHex(pt);
    };
    const shown = (r: Uint8Array | string) => (typeof r === 'string' ? r : toHex(r));
    await fc.assert(
      fc.asyncProperty(fc.array(item, { minLength: 1, maxLength: OPEN_PARALLEL_MIN * 2 }), async (records) => {
        const inputs = await Promise.all(records.map(build));
        const want = await Promise.all(inputs.map(expected));
        expect((await Promise.all(inputs.map((i) => fused(i)))).map(shown)).toEqual(want);
        const first = inputs[0] as SignedAeadInput;
        expect(shown(await fused(first))).toBe(want[0]);
      }),
      { numRuns: 15 },
    );
  });

  it('a key or nonce of the wrong length is a ProviderError, as for aes256GcmDecrypt', async () => {
    const fused = p.ed25519VerifyThenAes256GcmDecrypt?.bind(p);
    if (fused === undefined) throw new Error('no fused call');
    const base = {
      publicKey: new Uint8Array(32),
      signingInput: new Uint8Array(1),
      signature: new Uint8Array(64),
      sealed: new Uint8Array(16),
      aad: new Uint8Array(0),
    };
    expect(() => fused({ ...base, key: new Uint8Array(31), nonce: new Uint8Array(12) })).toThrow(expect.objectContaining({ code: 'provider_error' }));
    expect(() => fused({ ...base, key: new Uint8Array(32), nonce: new Uint8Array(11) })).toThrow(expect.objectContaining({ code: 'provider_error' }));
  });
});
