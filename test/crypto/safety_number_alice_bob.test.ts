/**
 * Safety numbers: Alice and Bob compute the same 60 digits and QR payload from their two account keys;
 * any change of either key or user id changes them; a scanned QR payload is compared and bad payloads
 * are typed errors.
 */
import { describe, expect, it } from 'vitest';
import { fingerprintDigits, safetyNumber, safetyNumberQrMatches } from '../../src/common/protocol/safetyNumber';
import { makeUser, provider } from './fixtures';

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

  it('rejects unreadable QR payloads with typed errors', async () => {
    const alice = await makeUser('alice', 0);
    const sn = await safetyNumber(provider, { userId: alice.userId, accountKey: alice.account.publicKey }, { userId: 'user-bob', accountKey: new Uint8Array(32) });
    expect(() => safetyNumberQrMatches(sn, 'hello')).toThrow(expect.objectContaining({ code: 'malformed' }));
    expect(() => safetyNumberQrMatches(sn, 'seed-sn:2:AA:AA')).toThrow(expect.objectContaining({ code: 'unsupported_version' }));
    expect(() => safetyNumberQrMatches(sn, 'seed-sn:1:!!:AA')).toThrow(expect.objectContaining({ code: 'malformed' }));
    expect(() => safetyNumberQrMatches(sn, 'seed-sn:1:AAAA:AAAA')).toThrow(expect.objectContaining({ code: 'malformed' }));
    await expect(safetyNumber(provider, { userId: 'u', accountKey: new Uint8Array(31) }, { userId: 'v', accountKey: new Uint8Array(32) })).rejects.toMatchObject({ code: 'malformed' });
  });
});
