/**
 * Role claims carry the verified single sign-on identity (src/server/claims/claimPayload.ts `sso`;
 * docs/broadcast.md §2), on SQLite and PostgreSQL, with ID tokens of a REAL OpenID provider
 * (oidc-provider in test/identity/helpers): a person who signed in with the company account gets claims
 * naming the provider's issuer and their subject, which a key manager's verifier reads under the key
 * service's published keys; a password account's claims name none. Playing the attacker, someone who
 * rewrites the `sso` of their claim to pass as another directory identity is refused (`claim_forged`).
 */
import { randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { ClaimVerifier } from '../../src/server/keyManager/claimVerifier';
import { describeBackends, freshPostgresDatabase } from '../server/helpers/backends';
import { apiOf, cleanup, newClient, registered, startWorld, type World } from '../client/harness';
import { startTestProvider, type TestProvider } from './helpers/oidcProvider';

afterEach(cleanup);

let idp: TestProvider;
beforeAll(async () => {
  idp = await startTestProvider([]);
});
afterAll(async () => idp.close());

const claimFor = async (world: World, client: Awaited<ReturnType<typeof newClient>>) =>
  (await apiOf(client).request('getBroadcastClaim', { body: { audience: `${world.keyService.url}/km` } })).claim;

describeBackends('role claims carry the verified SSO identity', (backend) => {
  it('an SSO account’s claim names its issuer and subject, verified under the key service’s keys; a password account’s names none; an edited one is forged', async () => {
    const world = await startWorld({
      ...(backend === 'postgres' ? { databaseUrl: await freshPostgresDatabase() } : {}),
      service: { organisation: { signInMethods: ['password', 'oidc'], registration: 'open', oidc: { issuer: idp.issuer, clientId: idp.clientId } } },
    });
    const subject = `employee-${randomBytes(4).toString('hex')}`;
    const sso = await newClient(world, 'laptop');
    const nonce = randomBytes(16).toString('base64url');
    const signedIn = await sso.signInWithSso({
      idToken: await idp.mint({ sub: subject, email: `${subject}@contoso.example`, email_verified: true, nonce }),
      nonce,
    });
    expect(signedIn.kind).toBe('signedIn');

    const claim = await claimFor(world, sso);
    expect(decodeJwt(claim).sso).toEqual({ iss: idp.issuer, sub: subject });
    const verifier = new ClaimVerifier(`${world.keyService.url}/km`, [
      { issuer: world.keyService.url, jwksUrl: `${world.keyService.url}/.well-known/jwks.json` },
    ]);
    const verified = await verifier.verify(claim);
    expect([verified.userId, verified.sso]).toEqual([sso.session().userId, { issuer: idp.issuer, subject }]);

    const password = await registered(world, 'pat');
    const plain = await claimFor(world, password);
    expect(decodeJwt(plain)).not.toHaveProperty('sso');
    expect((await verifier.verify(plain)).sso).toBeUndefined();

    // The attacker: Pat rewrites his claim's sso to the SSO employee's identity, keeping the signature.
    const [header, , signature] = plain.split('.');
    const payload = { ...decodeJwt(plain), sso: { iss: idp.issuer, sub: subject } };
    const edited = `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
    await expect(verifier.verify(edited)).rejects.toMatchObject({ code: 'claim_forged' });
  });
});
