/**
 * The relay's small cores: the timetoken clock stays strictly increasing even when the wall clock stalls or
 * goes back; tokens round-trip, the SDK's `parseToken` reads them, and any tampering is refused; permission
 * lookup prefers explicit resources over patterns.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import PubNub from 'pubnub';
import { TimetokenClock, parseTimetoken } from '../../src/relay/timetoken';
import { mintToken, verifyToken, type TokenClaims } from '../../src/relay/pam/token';
import { allows, bitsFor } from '../../src/relay/pam/permissions';
import { RelayError } from '../../src/relay/errors';

const claims: TokenClaims = {
  v: 2,
  t: 1_700_000_000,
  ttl: 30,
  res: { chan: { 'conv.a': 3 }, grp: { g: 5 }, uuid: {}, usr: {}, spc: {} },
  pat: { chan: { '^bcast\\..*$': 1 }, grp: {}, uuid: {}, usr: {}, spc: {} },
  meta: { issuer: 'key-service' },
  uuid: 'alice',
};

describe('timetoken clock', () => {
  it('issues strictly increasing 17-digit tokens whatever the wall clock does', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 200 }), (steps) => {
        let wall = 17_000_000_000_000_000n;
        const clock = new TimetokenClock(0n, () => wall);
        let last = 0n;
        for (const step of steps) {
          wall += BigInt(step) * 10_000n;
          const present = clock.current();
          expect(present).toBeGreaterThanOrEqual(last);
          const next = clock.next();
          expect(next).toBeGreaterThan(present);
          expect(String(next)).toMatch(/^\d{17}$/);
          last = next;
        }
      }),
    );
  });

  it('starts above a stored high-water mark and parses only digit strings', () => {
    const clock = new TimetokenClock(99_999_999_999_999_990n, () => 17_000_000_000_000_000n);
    expect(clock.next()).toBe(99_999_999_999_999_991n);
    expect(parseTimetoken('17000000000000001', 'tt')).toBe(17_000_000_000_000_001n);
    expect(parseTimetoken(undefined, 'tt')).toBeUndefined();
    for (const junk of ['abc', '-1', '1e5', '99999999999999999999']) {
      expect(() => parseTimetoken(junk, 'tt')).toThrow(RelayError);
    }
  });
});

describe('access tokens', () => {
  it('round-trips and is readable by the SDK', () => {
    const token = mintToken('secret', claims);
    const verified = verifyToken('secret', token);
    expect(verified.claims).toEqual(claims);
    expect(verified.expiresAt).toBe(claims.t + 30 * 60);
    const parsed = new PubNub({ subscribeKey: 's', userId: 'u' }).parseToken(token);
    expect(parsed?.authorized_uuid).toBe('alice');
    expect(parsed?.ttl).toBe(30);
    expect(parsed?.resources?.channels?.['conv.a']).toMatchObject({ read: true, write: true, manage: false });
    expect(parsed?.resources?.groups?.g).toMatchObject({ read: true, manage: true });
    expect(parsed?.meta).toEqual({ issuer: 'key-service' });
  });

  it('refuses a token signed with another secret or altered anywhere', () => {
    const token = mintToken('secret', claims);
    expect(() => verifyToken('other', token)).toThrow(expect.objectContaining({ code: 'invalid_token' }));
    const bytes = Buffer.from(token, 'base64url');
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 }), (at, flip) => {
        const altered = Buffer.from(bytes);
        altered[at] = (altered[at] ?? 0) ^ flip;
        expect(() => verifyToken('secret', altered.toString('base64url'))).toThrow(expect.objectContaining({ code: 'invalid_token' }));
      }),
    );
    // Every single-byte change, exhaustively: another CBOR encoding of the same claims (the map header's
    // indefinite-length form, found by the property above in CI) is a second token, refused.
    let accepted = 0;
    for (let at = 0; at < bytes.length; at++) {
      for (let flip = 1; flip < 256; flip++) {
        const altered = Buffer.from(bytes);
        altered[at] = (altered[at] ?? 0) ^ flip;
        try {
          verifyToken('secret', altered.toString('base64url'));
          accepted += 1;
        } catch {
          // refused, as it must be
        }
      }
    }
    expect(accepted).toBe(0);
    for (const junk of ['', 'not a token!', 'AAAA', 'x'.repeat(40_000)]) {
      expect(() => verifyToken('secret', junk)).toThrow(RelayError);
    }
  });

  it('looks up explicit resources before patterns', () => {
    expect(bitsFor('conv.a', { 'conv.a': 1 }, { '^conv\\..*$': 2 })).toBe(1);
    expect(bitsFor('conv.b', { 'conv.a': 1 }, { '^conv\\..*$': 2, 'conv\\.b': 8 })).toBe(10);
    expect(bitsFor('conv.b', {}, { '([': 255 })).toBe(0);
    expect(allows(3, 'write')).toBe(true);
    expect(allows(1, 'write')).toBe(false);
  });
});
