/**
 * Single sign-on on the key service (docs/api.md "Sign-in methods and single sign-on", docs/threat-model.md
 * "Single sign-on") against a REAL OpenID provider (oidc-provider, test/identity/helpers/oidcProvider.ts) whose JWKS
 * the key service fetches. Each attack plays the attacker and expects a typed refusal that changes nothing
 * (no account, no session): a forged signature, an expired token, a token for another client, a replayed
 * token, a token of another issuer (a second real provider), `alg: none`, an HS256 token keyed with the
 * provider's public key, a nonce that is not the sign-in's, an unverified email where domains are checked.
 * Then what must work: the first sign-in creates the account from the claims and answers a password-only
 * session (no device; a device route refuses it), a second sign-in finds the same account, closed
 * registration refuses new people with a plain sentence, and password sign-in is refused where only SSO is allowed.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestProvider, type TestProvider } from './helpers/oidcProvider';
import { describeBackends } from '../server/helpers/backends';
import { startOn, type Running } from '../server/helpers/service';

const code = (res: { body: unknown }) => (res.body as { error?: { code?: string } }).error?.code;
const message = (res: { body: unknown }) => (res.body as { error?: { message?: string } }).error?.message ?? '';
const nonce = () => randomBytes(16).toString('base64url');

const USERS = [
  { sub: 'emp-1', password: 'correct horse 1', email: 'ada@corp.example', name: 'Ada Lovelace', preferredUsername: 'ada' },
  { sub: 'emp-2', password: 'correct horse 2', email: 'eve@corp.example', emailVerified: false, name: 'Eve' },
  { sub: 'emp-3', password: 'correct horse 3', email: 'mal@elsewhere.example', name: 'Mal' },
  { sub: 'emp-4', password: 'correct horse 4', email: 'newbie@corp.example', name: 'Newbie' },
];

describe('OIDC ID tokens on the key service', () => {
  let idp: TestProvider;
  let other: TestProvider;
  let run: Running;
  let closed: Running;

  beforeAll(async () => {
    idp = await startTestProvider(USERS);
    other = await startTestProvider(USERS);
    run = await startOn('sqlite', {
      organisation: { oidc: { issuer: idp.issuer, clientId: idp.clientId, displayName: 'Corp SSO' }, allowedEmailDomains: ['corp.example'] },
    });
    closed = await startOn('sqlite', {
      organisation: { signInMethods: ['oidc'], registration: 'closed', oidc: { issuer: idp.issuer, clientId: idp.clientId } },
    });
  });
  afterAll(async () => {
    expect(run.bugs).toEqual([]);
    expect(closed.bugs).toEqual([]);
    await run.stop();
    await closed.stop();
    await idp.close();
    await other.close();
  });

  const present = (r: Running, idToken: string, n: string) => r.api.post('/v1/auth/oidc', { idToken, nonce: n });
  /** Reads the service's SQLite file directly: how many accounts and sessions exist. */
  const counts = (r: Running) => {
    const db = new BetterSqlite3(join(r.store.dataDir, 'keyservice.sqlite'), { readonly: true });
    try {
      const n = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
      return { users: n('users'), sessions: n('sessions') };
    } finally {
      db.close();
    }
  };
  const noAccount = async (r: Running) => expect(counts(r)).toEqual({ users: 0, sessions: 0 });

  it('publishes the methods and the provider (issuer and client id only) before sign-in', async () => {
    const res = await run.api.get('/v1/auth/methods');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      methods: ['password', 'oidc'],
      registration: 'open',
      oidc: { issuer: idp.issuer, clientId: idp.clientId, displayName: 'Corp SSO' },
    });
  });

  describe('attacks, each refused with a typed error and no account made', () => {
    it('a forged token (signed with the attacker’s key under the provider’s kid) → oidc_token_invalid', async () => {
      const { privateKey } = await generateKeyPair('RS256');
      const n = nonce();
      const res = await present(run, await idp.mint({ sub: 'emp-1', nonce: n }, { key: privateKey }), n);
      expect([res.status, code(res)]).toEqual([401, 'oidc_token_invalid']);
    });

    it('an expired token → oidc_token_expired', async () => {
      const n = nonce();
      const t = Math.floor(Date.now() / 1000) - 3600;
      const res = await present(run, await idp.mint({ sub: 'emp-1', nonce: n, iat: t, exp: t + 300 }), n);
      expect([res.status, code(res)]).toEqual([401, 'oidc_token_expired']);
    });

    it('a token issued for another application (wrong audience) → oidc_wrong_audience', async () => {
      const n = nonce();
      const res = await present(run, await idp.mint({ sub: 'emp-1', nonce: n, aud: 'some-other-app' }), n);
      expect([res.status, code(res)]).toEqual([401, 'oidc_wrong_audience']);
    });

    it('a token from another issuer (a second real provider) → oidc_wrong_issuer', async () => {
      const n = nonce();
      const res = await present(run, await other.mint({ sub: 'emp-1', nonce: n, aud: idp.clientId }), n);
      expect([res.status, code(res)]).toEqual([401, 'oidc_wrong_issuer']);
    });

    it('alg: none → oidc_alg_not_allowed', async () => {
      const n = nonce();
      const now = Math.floor(Date.now() / 1000);
      const unsigned = new UnsecuredJWT({ iss: idp.issuer, aud: idp.clientId, sub: 'emp-1', nonce: n, iat: now, exp: now + 300 }).encode();
      const res = await present(run, unsigned, n);
      expect([res.status, code(res)]).toEqual([401, 'oidc_alg_not_allowed']);
    });

    it('HS256 keyed with the provider’s published key → oidc_alg_not_allowed', async () => {
      const n = nonce();
      const jwks = (await (await fetch(`${idp.issuer}/jwks`)).json()) as { keys: { n: string }[] };
      const now = Math.floor(Date.now() / 1000);
      const hs = await new SignJWT({ iss: idp.issuer, aud: idp.clientId, sub: 'emp-1', nonce: n, iat: now, exp: now + 300 })
        .setProtectedHeader({ alg: 'HS256' })
        .sign(new TextEncoder().encode(jwks.keys[0]!.n));
      const res = await present(run, hs, n);
      expect([res.status, code(res)]).toEqual([401, 'oidc_alg_not_allowed']);
    });

    it('a token whose nonce is not this sign-in’s → oidc_nonce_mismatch', async () => {
      const res = await present(run, await idp.mint({ sub: 'emp-1', nonce: nonce() }), nonce());
      expect([res.status, code(res)]).toEqual([401, 'oidc_nonce_mismatch']);
    });

    it('an unverified email where domains are checked → oidc_email_unverified, with a plain sentence', async () => {
      const n = nonce();
      const res = await present(run, await idp.mint({ sub: 'emp-2', nonce: n, email: 'eve@corp.example', email_verified: false }), n);
      expect([res.status, code(res)]).toEqual([403, 'oidc_email_unverified']);
      expect(message(res)).toMatch(/no verified email address/);
    });

    it('a verified email at another domain → oidc_email_domain_not_allowed', async () => {
      const n = nonce();
      const res = await present(run, await idp.mint({ sub: 'emp-3', nonce: n, email: 'mal@elsewhere.example', email_verified: true }), n);
      expect([res.status, code(res)]).toEqual([403, 'oidc_email_domain_not_allowed']);
    });

    it('none of them made an account', async () => {
      await noAccount(run);
    });
  });

  describe('a real sign-in', () => {
    let firstUserId: string;

    it('the first sign-in makes the account from the claims and answers a password-only session', async () => {
      const n = nonce();
      const res = await present(
        run,
        await idp.mint({ sub: 'emp-1', nonce: n, email: 'ada@corp.example', email_verified: true, name: 'Ada Lovelace', preferred_username: 'ada' }),
        n,
      );
      expect(res.status).toBe(200);
      const body = res.body as {
        accessToken: string;
        deviceId: string | null;
        user: { userId: string; username: string; displayName: string; identityKey: string | null };
      };
      expect(body.deviceId).toBeNull();
      expect(body.user).toMatchObject({ username: 'ada', displayName: 'Ada Lovelace', identityKey: null });
      firstUserId = body.user.userId;
      // A password-equivalent session: no device route (docs/protocol.md §16).
      const search = await run.api.get('/v1/users?q=ada', body.accessToken);
      expect([search.status, code(search)]).toEqual([403, 'device_session_required']);
    });

    it('replaying that same token → oidc_token_replayed', async () => {
      const n = nonce();
      const token = await idp.mint({ sub: 'emp-1', nonce: n, email: 'ada@corp.example', email_verified: true });
      expect((await present(run, token, n)).status).toBe(200);
      const again = await present(run, token, n);
      expect([again.status, code(again)]).toEqual([401, 'oidc_token_replayed']);
    });

    it('signing in again finds the same account (by issuer and subject)', async () => {
      const n = nonce();
      const res = await present(run, await idp.mint({ sub: 'emp-1', nonce: n, email: 'ada@corp.example', email_verified: true }), n);
      expect((res.body as { user: { userId: string } }).user.userId).toBe(firstUserId);
    });

    it('an SSO account has no password: password login is refused', async () => {
      const res = await run.api.post('/v1/auth/login', { username: 'ada', password: 'anything-at-all' });
      expect([res.status, code(res)]).toEqual([401, 'bad_credentials']);
    });
  });

  describe('organisation settings', () => {
    it('closed registration refuses a new person with a typed error and a plain sentence', async () => {
      const n = nonce();
      const res = await present(closed, await idp.mint({ sub: 'emp-4', nonce: n, email: 'newbie@corp.example', email_verified: true }), n);
      expect([res.status, code(res)]).toEqual([403, 'registration_closed']);
      expect(message(res)).toBe('This organisation does not create new accounts here. Ask your IT administrator to add you.');
      await noAccount(closed);
    });

    it('password registration is refused where only SSO is allowed', async () => {
      const res = await closed.api.post('/v1/accounts', { username: 'walkin', password: 'long enough password', displayName: 'Walk In' });
      expect([res.status, code(res)]).toEqual([403, 'sign_in_method_not_allowed']);
      await noAccount(closed);
    });

    it('where only SSO is allowed, password login is refused and the methods say so', async () => {
      const res = await closed.api.post('/v1/auth/login', { username: 'anyone', password: 'whatever-password' });
      expect([res.status, code(res)]).toEqual([403, 'sign_in_method_not_allowed']);
      expect((await closed.api.get('/v1/auth/methods')).body).toMatchObject({ methods: ['oidc'], registration: 'closed' });
    });

    it('a key service cannot be started with a setting that cannot work', async () => {
      const { resolveOrganisation } = await import('../../src/server/oidcSettings');
      expect(() => resolveOrganisation({ signInMethods: ['oidc'] })).toThrow(/needs an OIDC issuer/);
      expect(() => resolveOrganisation({ oidc: { issuer: 'http://idp.example', clientId: 'x' } })).toThrow(/https/);
      expect(() => resolveOrganisation({ oidc: { issuer: 'https://idp.example', clientId: 'x', algorithms: ['HS256'] } })).toThrow(/never none or HS/);
      expect(() => resolveOrganisation({ oidc: { issuer: 'https://idp.example', clientId: 'x', algorithms: ['none'] } })).toThrow(/never none or HS/);
      expect(await exportJWK((await generateKeyPair('ES256')).publicKey)).toBeTruthy();
    });
  });
});

describeBackends('an SSO account and a replayed ID token', (backend) => {
  let idp: TestProvider;
  let run: Running;
  beforeAll(async () => {
    idp = await startTestProvider(USERS);
    run = await startOn(backend, { organisation: { oidc: { issuer: idp.issuer, clientId: idp.clientId } } });
  });
  afterAll(async () => {
    expect(run.bugs).toEqual([]);
    await run.stop();
    await idp.close();
  });

  it('the first presentation signs in; the same token again, even at once from several requests, is refused', async () => {
    const n = nonce();
    const token = await idp.mint({ sub: 'emp-4', nonce: n, email: 'newbie@corp.example', email_verified: true, preferred_username: 'newbie' });
    const answers = await Promise.all([0, 1, 2].map(() => run.api.post('/v1/auth/oidc', { idToken: token, nonce: n })));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status !== 200).map((a) => [a.status, code(a)])).toEqual([
      [401, 'oidc_token_replayed'],
      [401, 'oidc_token_replayed'],
    ]);
    const ok = answers.find((a) => a.status === 200)!.body as { user: { username: string } };
    expect(ok.user.username).toBe('newbie');
  });
});
