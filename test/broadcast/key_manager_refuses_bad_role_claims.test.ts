/**
 * Role claims (docs/broadcast.md §2): the key manager's verifier accepts a claim from a trusted issuer for
 * its own audience, and refuses — each with its own code — forged, expired, wrong-audience, wrong-issuer,
 * alg-none and HMAC claims, and an issuer whose key set cannot be fetched. Over HTTP, a refused claim is a
 * 401 and changes nothing.
 */
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64Url } from '../../src/common/encoding/base64url';
import { ClaimIssuer } from '../../src/server/claims/claimIssuer';
import type { ClaimIssuerServer } from '../../src/server/claims/claimServer';
import { ClaimVerifier } from '../../src/server/keyManager/claimVerifier';
import { cleanup, descriptorBy, issuer, keyManager, person, post, rejection, tempDir, trustOf } from './harness';

const AUD = 'http://127.0.0.1:1/km';
const accountKey = new Uint8Array(32).fill(7);

describe('key manager refuses bad role claims', () => {
  let iss: ClaimIssuerServer & { dataDir: string };
  let other: ClaimIssuerServer;
  let verifier: ClaimVerifier;

  beforeAll(async () => {
    iss = await issuer();
    other = await issuer();
    verifier = new ClaimVerifier(AUD, trustOf(iss));
  });
  afterAll(cleanup);

  const claim = (over: Partial<Parameters<ClaimIssuer['issue']>[0]> = {}) =>
    iss.issuer.issue({ userId: 'user-alice', audience: AUD, roles: ['channel-creator', 'subscriber:chan-0001'], accountKey, ...over });

  it('accepts a claim from the trusted issuer for this audience', async () => {
    const verified = await verifier.verify(await claim());
    expect(verified.userId).toBe('user-alice');
    expect(verified.roles).toEqual(['channel-creator', 'subscriber:chan-0001']);
    expect(verified.issuer).toBe(iss.url);
    expect(toBase64Url(verified.accountKey)).toBe(toBase64Url(accountKey));
  });

  it('refuses a claim signed by another key under the trusted issuer name (forged)', async () => {
    const forger = await ClaimIssuer.open({ issuer: iss.url, dataDir: tempDir() });
    const forged = await forger.issue({ userId: 'user-alice', audience: AUD, roles: ['channel-creator'], accountKey });
    expect((await rejection(verifier.verify(forged))).code).toBe('claim_forged');
  });

  it('refuses a claim whose payload was altered after signing', async () => {
    const [h, p, s] = (await claim()).split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString()) as { roles: string[] };
    payload.roles.push('publisher:chan-0001');
    const altered = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
    expect((await rejection(verifier.verify(altered))).code).toBe('claim_forged');
  });

  it('refuses an expired claim', async () => {
    const past = await ClaimIssuer.open({ issuer: iss.url, dataDir: iss.dataDir, now: () => Date.now() - 3_600_000 });
    const expired = await past.issue({ userId: 'user-alice', audience: AUD, roles: [], accountKey, ttlSeconds: 60 });
    expect((await rejection(verifier.verify(expired))).code).toBe('claim_expired');
  });

  it('refuses a claim for another audience', async () => {
    expect((await rejection(verifier.verify(await claim({ audience: 'http://127.0.0.1:2' })))).code).toBe('claim_wrong_audience');
  });

  it('refuses a claim from an issuer it does not trust', async () => {
    const untrusted = await other.issuer.issue({ userId: 'user-alice', audience: AUD, roles: ['channel-creator'], accountKey });
    expect((await rejection(verifier.verify(untrusted))).code).toBe('claim_wrong_issuer');
  });

  it('refuses alg none and HMAC claims', async () => {
    const body = {
      iss: iss.url,
      aud: AUD,
      sub: 'user-alice',
      exp: Math.floor(Date.now() / 1000) + 60,
      iat: 1,
      jti: 'x',
      roles: ['channel-creator'],
      ak: toBase64Url(accountKey),
    };
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(body)).toString('base64url')}.`;
    expect((await rejection(verifier.verify(none))).code).toBe('claim_unsupported_alg');
    const hmac = await new SignJWT(body).setProtectedHeader({ alg: 'HS256' }).sign(new Uint8Array(32));
    expect((await rejection(verifier.verify(hmac))).code).toBe('claim_unsupported_alg');
  });

  it('refuses garbage and a claim whose subject is not a user id', async () => {
    expect((await rejection(verifier.verify('not-a-jwt'))).code).toBe('claim_malformed');
    expect((await rejection(verifier.verify(await claim({ userId: 'no' })))).code).toBe('claim_malformed');
  });

  it('reports an issuer whose key set cannot be fetched as issuer_unreachable', async () => {
    const lost = new ClaimVerifier(AUD, [{ issuer: iss.url, jwksUrl: 'http://127.0.0.1:9/.well-known/jwks.json' }], 1_000);
    expect((await rejection(lost.verify(await claim()))).code).toBe('issuer_unreachable');
  });

  it('over HTTP a forged creator claim is a 401 and creates nothing', async () => {
    const km = await keyManager(trustOf(iss));
    const alice = await person('alice', iss, ['channel-creator']);
    const forger = await ClaimIssuer.open({ issuer: iss.url, dataDir: tempDir() });
    const forged = await forger.issue({ userId: alice.user.userId, audience: km.url, roles: ['channel-creator'], accountKey: alice.user.account.publicKey });
    const descriptor = await descriptorBy(alice, km.url, 'chan-0001');
    const refused = await post(`${km.url}/v1/channels`, { claim: forged, descriptor });
    expect(refused.status).toBe(401);
    expect(refused.body.error?.code).toBe('claim_forged');
    expect((await fetch(`${km.url}/v1/channels/chan-0001`)).status).toBe(404);
    const accepted = await post(`${km.url}/v1/channels`, { claim: await alice.claims(km.url), descriptor });
    expect(accepted.status).toBe(201);
  });
});
