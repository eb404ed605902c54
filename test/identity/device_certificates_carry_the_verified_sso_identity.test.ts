/**
 * Device certificates carry the verified company identity (issue [identity]; docs/protocol.md §4,
 * docs/api.md "Devices"), over real parts: a REAL OpenID provider (oidc-provider), the real key service
 * configured for `oidc`, real clients. A device of an account that signed in with the provider names the
 * provider's issuer and subject in its certificate, signed by the account key; the key service checks at
 * registration that it is the identity this account signed in with; a contact's safety screen shows it.
 *
 * Attacks: an account enrolling a device whose certificate claims another employee's company identity is
 * refused (`sso_identity_mismatch`) and nothing is registered; a key service that alters the identity in a
 * stored certificate breaks its signature (the vectors in device-certificates.json: "company subject
 * changed", "company identity added", "company identity removed").
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64Url } from '../../src/common/encoding/base64url';
import { newDeviceId, type UserId } from '../../src/common/ids';
import { signDeviceCertificate } from '../../src/common/protocol/deviceCertificate';
import { generateAccountIdentity, generateDeviceKeys } from '../../src/common/protocol/identity';
import { companyIdentityOf } from '../../src/client/verification';
import { runSsoFlow } from '../../src/node/sso/ssoFlow';
import { apiOf, cleanup, newClient, provider, signedInOf, startWorld, type World } from '../client/harness';
import { signInOverHttp, startTestProvider, type TestProvider } from './helpers/oidcProvider';

const suffix = randomBytes(3).toString('hex');
const person = (name: string, i: number) => ({
  sub: `${name}-${suffix}`,
  password: `idp password ${i}`,
  email: `${name}${suffix}@corp.example`,
  name,
  preferredUsername: `${name}${suffix}`,
});
const GRACE = person('grace', 1);
const ALAN = person('alan', 2);
const MALLORY = person('mallory', 3);

let idp: TestProvider;
let world: World;

beforeAll(async () => {
  idp = await startTestProvider([GRACE, ALAN, MALLORY]);
  world = await startWorld({
    service: {
      organisation: {
        signInMethods: ['oidc'],
        registration: 'open',
        allowedEmailDomains: ['corp.example'],
        oidc: { issuer: idp.issuer, clientId: idp.clientId, displayName: 'Corp SSO' },
      },
    },
  });
});
afterAll(async () => {
  await cleanup();
  await idp?.close();
});

/** The provider's ID token for `who`, through the app's own RFC 8252 flow and the provider's login form. */
function idTokenOf(who: typeof GRACE) {
  return runSsoFlow(
    { issuer: idp.issuer, clientId: idp.clientId },
    {
      openBrowser: async (url) => {
        await signInOverHttp(url, { username: who.sub, password: who.password });
      },
    },
  );
}

async function signedInWithSso(who: typeof GRACE) {
  const client = await newClient(world, `${who.name}'s laptop`);
  const outcome = await client.signInWithSso(await idTokenOf(who));
  expect(outcome.kind).toBe('signedIn');
  return client;
}

describe('device certificates carry the verified company identity', { timeout: 120_000 }, () => {
  it("a device of an SSO account names the provider's issuer and subject, and a contact's safety screen shows it", async () => {
    const grace = await signedInWithSso(GRACE);
    const alan = await signedInWithSso(ALAN);
    const graceId = grace.session().userId as UserId;
    // Before they share a conversation Alan's device has not looked Grace's devices up: nothing to show yet.
    expect((await alan.contactTrust(graceId)).companyIdentity).toBeNull();
    await alan.createConversation({ kind: 'direct', members: [graceId] });
    const trust = await alan.contactTrust(graceId);
    expect(trust.companyIdentity).toEqual({ issuer: idp.issuer, subject: GRACE.sub });
    const [device] = await signedInOf(alan).directory.devicesOf(graceId);
    expect(device?.certificate.sso).toEqual({ iss: idp.issuer, sub: GRACE.sub });
  });

  it("attack: an account enrolling a device that claims another employee's company identity is refused, and nothing is registered", async () => {
    const mallory = await newClient(world, "mallory's laptop");
    const api = apiOf(mallory);
    const pair = await api.request('oidcSignIn', { body: await idTokenOf(MALLORY) });
    api.setTokens(pair.accessToken, pair.refreshToken);
    const account = await generateAccountIdentity(provider);
    const device = await generateDeviceKeys(provider);
    const certificate = (sub: string) =>
      signDeviceCertificate(
        provider,
        {
          v: 1,
          userId: pair.user.userId,
          deviceId: newDeviceId(provider),
          deviceName: "Mallory's laptop",
          platform: 'desktop',
          x25519: toBase64Url(device.x25519.publicKey),
          ed25519: toBase64Url(device.ed25519.publicKey),
          createdAt: Date.now(),
          accountKey: toBase64Url(account.publicKey),
          sso: { iss: idp.issuer, sub },
        },
        account.privateKey,
      );
    await expect(api.request('registerDevice', { body: { certificate: await certificate(GRACE.sub) } })).rejects.toMatchObject({
      status: 422,
      code: 'sso_identity_mismatch',
    });
    // Nothing changed: the account has no identity key and no device yet.
    const me = await api.request('getMe');
    expect(me.user.identityKey).toBeNull();
    expect(me.sso).toEqual({ issuer: idp.issuer, subject: MALLORY.sub });
    // Her own company identity registers.
    const registered = await api.request('registerDevice', { body: { certificate: await certificate(MALLORY.sub) } });
    expect(registered.device.certificate).toMatchObject({ sso: { iss: idp.issuer, sub: MALLORY.sub } });
  });

  it('the safety screen names a company identity only when every device agrees', () => {
    const cert = (sso?: { iss: string; sub: string }) => ({ certificate: sso ? { sso } : {} });
    const a = { iss: 'https://login.corp.example', sub: 'emp-1' };
    expect(companyIdentityOf([cert(a), cert(a)])).toEqual({ issuer: a.iss, subject: a.sub });
    expect(companyIdentityOf([cert(a), cert({ ...a, sub: 'emp-2' })])).toBeNull();
    expect(companyIdentityOf([cert(a), cert()])).toBeNull();
    expect(companyIdentityOf([])).toBeNull();
  });
});
