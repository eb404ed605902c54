/**
 * Safety numbers: Alice and Bob compute the same 60 digits and QR payload from their two account keys;
 * any change of either key or user id changes them; a scanned QR payload is compared and bad payloads
 * are typed errors.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CryptoProvider } from '../../src/common/crypto/provider';
import { toBase64Url } from '../../src/common/encoding/base64url';
import { fingerprintDigits, partyFingerprint, safetyNumber, safetyNumberQrMatches } from '../../src/common/protocol/safetyNumber';
import { makeUser, provider } from './fixtures';

/**
 * A provider whose SHA-512 answers a fixed value per account key, so a test can choose each party's
 * fingerprint. The keys are 32 equal bytes; the key is in every hash input: bytes 2..34 of H0's input
 * (00 00 ‖ key ‖ userId), the last 32 bytes of Hi's (H(i−1) ‖ key, 96 bytes).
 */
function fixedFingerprints(byKeyByte: ReadonlyMap<number, Uint8Array>): CryptoProvider {
  return {
    ...provider,
    sha512: async (input: Uint8Array) => {
      const keyByte = input.length === 96 ? input[95]! : input[2]!;
      const out = new Uint8Array(64);
      out.set(byKeyByte.get(keyByte)!);
      return out;
    },
  };
}

const vectors = JSON.parse(readFileSync(join(__dirname, '..', 'vectors', 'safety-numbers.json'), 'utf8')) as {
  valid: { a: { userId: string; accountKey: string }; b: { userId: string; accountKey: string }; digits: string; qrPayload: string }[];
};

describe('safety number between alice and bob', () => {
  it('is order-independent and shaped as 12 groups of 5 digits', async () => {
    const alice = await makeUser('alice', 0);
    const bob = await makeUser('bob', 0);
    const a = { userId: alice.userId, accountKey: alice.account.publicKey };
    const b = { userId: bob.userId, accountKey: bob.account.publicKey };
    const fromAlice = await safetyNumber(provider, a, b);
    const fromBob = await safetyNumber(provider, b, a);
    expect(fromBob).toEqual(fromAlice);
    expect(fromAlice.digits).toMatch(/^\d{60}$/);
    expect(fromAlice.display).toMatch(/^(\d{5} ){11}\d{5}$/);
    expect(safetyNumberQrMatches(fromAlice, fromBob.qrPayload)).toBe(true);
  });

  it('changes when a key or user id changes, and the QR comparison notices', async () => {
    const alice = await makeUser('alice', 0);
    const bob = await makeUser('bob', 0);
    const mallory = await makeUser('mallory', 0);
    const a = { userId: alice.userId, accountKey: alice.account.publicKey };
    const real = await safetyNumber(provider, a, { userId: bob.userId, accountKey: bob.account.publicKey });
    const swapped = await safetyNumber(provider, a, { userId: bob.userId, accountKey: mallory.account.publicKey });
    const renamed = await safetyNumber(provider, a, { userId: 'user-bobby', accountKey: bob.account.publicKey });
    expect(swapped.digits).not.toBe(real.digits);
    expect(renamed.digits).not.toBe(real.digits);
    expect(safetyNumberQrMatches(real, swapped.qrPayload)).toBe(false);
  });

  it('digits are each 5-byte chunk mod 100000', () => {
    const fp = new Uint8Array(30);
    fp[4] = 1; // first chunk = 1
    fp.fill(255, 5, 10); // second chunk = 2^40 - 1 → 1099511627775 mod 100000 = 27775
    expect(fingerprintDigits(fp)).toBe(`00001${'27775'}${'00000'.repeat(4)}`);
  });

  it('orders the two parties by digits, then by fingerprint bytes: never by user id, never by who computes', async () => {
    // 0 and 100000 are both "00000" mod 100000: two different fingerprints with the same 30 digits.
    const zero = new Uint8Array(30);
    const hundredThousand = new Uint8Array(30);
    for (let i = 0; i < 30; i += 5) hundredThousand.set([0x00, 0x00, 0x01, 0x86, 0xa0], i);
    const fake = fixedFingerprints(
      new Map([
        [0x11, hundredThousand],
        [0x22, zero],
      ]),
    );
    const a = { userId: 'user-aaaa-0001', accountKey: new Uint8Array(32).fill(0x11) };
    const b = { userId: 'user-bbbb-0001', accountKey: new Uint8Array(32).fill(0x22) };
    expect(await partyFingerprint(fake, a)).toEqual(hundredThousand);
    expect(await partyFingerprint(fake, b)).toEqual(zero);
    const ab = await safetyNumber(fake, a, b);
    const ba = await safetyNumber(fake, b, a);
    expect(ab.digits).toBe('0'.repeat(60));
    expect(ba).toEqual(ab);
    expect(ab.qrPayload).toBe(`seed-sn:1:${toBase64Url(zero)}:${toBase64Url(hundredThousand)}`);
  });

  it('the lower fingerprint is the one with the lower digits, whatever the user ids (safety-numbers.json)', async () => {
    const c = vectors.valid[0]!;
    const alice = { userId: c.a.userId, accountKey: Buffer.from(c.a.accountKey, 'hex') };
    const bob = { userId: c.b.userId, accountKey: Buffer.from(c.b.accountKey, 'hex') };
    expect(alice.userId < bob.userId).toBe(true);
    const [fpAlice, fpBob] = [await partyFingerprint(provider, alice), await partyFingerprint(provider, bob)];
    expect(fingerprintDigits(fpBob) < fingerprintDigits(fpAlice)).toBe(true);
    expect(c.digits).toBe(fingerprintDigits(fpBob) + fingerprintDigits(fpAlice));
    expect(c.qrPayload).toBe(`seed-sn:1:${toBase64Url(fpBob)}:${toBase64Url(fpAlice)}`);
  });

  it('a QR payload whose fingerprints are not 30 bytes each is malformed, even when the 60 bytes match', async () => {
    const alice = await makeUser('alice', 0);
    const bob = await makeUser('bob', 0);
    const sn = await safetyNumber(
      provider,
      { userId: alice.userId, accountKey: alice.account.publicKey },
      { userId: bob.userId, accountKey: bob.account.publicKey },
    );
    const [, , low, high] = sn.qrPayload.split(':');
    const bytes = Buffer.concat([Buffer.from(low!, 'base64url'), Buffer.from(high!, 'base64url')]);
    const resplit = `seed-sn:1:${bytes.subarray(0, 33).toString('base64url')}:${bytes.subarray(33).toString('base64url')}`;
    expect(() => safetyNumberQrMatches(sn, resplit)).toThrow(expect.objectContaining({ code: 'malformed' }));
    expect(safetyNumberQrMatches(sn, sn.qrPayload)).toBe(true);
  });

  it('rejects unreadable QR payloads with typed errors', async () => {
    const alice = await makeUser('alice', 0);
    const sn = await safetyNumber(
      provider,
      { userId: alice.userId, accountKey: alice.account.publicKey },
      { userId: 'user-bob', accountKey: new Uint8Array(32) },
    );
    expect(() => safetyNumberQrMatches(sn, 'hello')).toThrow(expect.objectContaining({ code: 'malformed' }));
    expect(() => safetyNumberQrMatches(sn, 'seed-sn:2:AA:AA')).toThrow(expect.objectContaining({ code: 'unsupported_version' }));
    expect(() => safetyNumberQrMatches(sn, 'seed-sn:1:!!:AA')).toThrow(expect.objectContaining({ code: 'malformed' }));
    expect(() => safetyNumberQrMatches(sn, 'seed-sn:1:AAAA:AAAA')).toThrow(expect.objectContaining({ code: 'malformed' }));
    await expect(
      safetyNumber(provider, { userId: 'u', accountKey: new Uint8Array(31) }, { userId: 'v', accountKey: new Uint8Array(32) }),
    ).rejects.toMatchObject({ code: 'malformed' });
  });
});
