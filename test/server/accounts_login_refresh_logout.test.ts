/**
 * Accounts over HTTP on both databases (docs/api.md, "Accounts and sessions"): registration and duplicate
 * names, argon2id login, rotating refresh tokens where reusing a spent token revokes the family, logout
 * ending the session at once, rate limits on the auth endpoints, and directory search.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBackends } from './helpers/backends';
import { login, newActor, PASSWORD, type Actor } from './helpers/actors';
import { startOn, type Running } from './helpers/service';

interface Pair {
  accessToken: string;
  refreshToken: string;
}

describeBackends('accounts: register, login, refresh rotation, logout, search', (backend) => {
  let run: Running;
  let alice: Actor;

  beforeAll(async () => {
    run = await startOn(backend);
    alice = await newActor(run.api, 'alice', 0);
  });
  afterAll(async () => {
    expect(run.bugs).toEqual([]);
    await run.stop();
  });

  it('refuses a taken username regardless of case (409) and bad credentials (401)', async () => {
    const dup = await run.api.post('/v1/accounts', { username: alice.username.toUpperCase(), password: PASSWORD, displayName: 'x' });
    expect(dup.status).toBe(409);
    expect((await run.api.post('/v1/auth/login', { username: alice.username, password: 'wrong password!' })).status).toBe(401);
    expect((await run.api.post('/v1/auth/login', { username: 'nobody-here', password: PASSWORD })).status).toBe(401);
  });

  it('never returns password or session material in the user view', async () => {
    const res = await run.api.get<{ user: Record<string, unknown> }>('/v1/me', alice.userToken);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.user).sort()).toEqual(['displayName', 'identityKey', 'userId', 'username']);
  });

  it('rotates refresh tokens, and reuse of a spent one revokes the whole family', async () => {
    const first = await login(run.api, alice.username);
    const second = await run.api.post<Pair>('/v1/auth/refresh', { refreshToken: first.refreshToken });
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    const third = await run.api.post<Pair>('/v1/auth/refresh', { refreshToken: second.body.refreshToken });
    expect(third.status).toBe(200);
    expect((await run.api.get('/v1/me', third.body.accessToken)).status).toBe(200);

    const reuse = await run.api.post('/v1/auth/refresh', { refreshToken: first.refreshToken });
    expect(reuse.status).toBe(401);
    expect(reuse.body).toMatchObject({ error: { code: 'refresh_token_reused' } });
    expect((await run.api.post('/v1/auth/refresh', { refreshToken: third.body.refreshToken })).status).toBe(401);
    expect((await run.api.get('/v1/me', third.body.accessToken)).status).toBe(401);
    expect((await run.api.get('/v1/me', alice.userToken)).status).toBe(200);
  });

  it('logout ends the session: its access and refresh tokens stop working', async () => {
    const s = await login(run.api, alice.username);
    expect((await run.api.call('POST', '/v1/auth/logout', { token: s.accessToken })).status).toBe(204);
    expect((await run.api.get('/v1/me', s.accessToken)).status).toBe(401);
    expect((await run.api.post('/v1/auth/refresh', { refreshToken: s.refreshToken })).status).toBe(401);
  });

  it('searches the directory by username or display name', async () => {
    const bob = await newActor(run.api, 'Bobby', 0);
    const searcher = await newActor(run.api, 'searcher');
    expect((await run.api.get(`/v1/users?q=bobb`, alice.passwordToken)).status, 'a password-only session does not search').toBe(403);
    const res = await run.api.get<{ users: { userId: string; username: string }[] }>(`/v1/users?q=${encodeURIComponent('bobb')}`, searcher.userToken);
    expect(res.status).toBe(200);
    expect(res.body.users.map((u) => u.userId)).toContain(bob.userId);
    expect(res.body.users.map((u) => u.userId)).not.toContain(alice.userId);
    const wildcard = await run.api.get<{ users: unknown[] }>(`/v1/users?q=${encodeURIComponent('%')}`, searcher.userToken);
    expect(wildcard.body.users).toEqual([]);
    expect((await run.api.get('/v1/users?q=bob')).status).toBe(401);
  });
});

describeBackends('accounts: rate limits on auth endpoints', (backend) => {
  let run: Running;
  beforeAll(async () => {
    run = await startOn(backend, { rateLimits: { perIp: { limit: 1_000, windowMs: 60_000 }, perAccount: { limit: 3, windowMs: 60_000 } } });
  });
  afterAll(async () => {
    expect(run.bugs).toEqual([]);
    await run.stop();
  });

  it('answers 429 with Retry-After once an account name spends its login budget', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i++) {
      const res = await run.api.post('/v1/auth/login', { username: 'victim-account', password: `guess number ${i}` });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });

  it('limits per client address too', async () => {
    const perIp = await startOn(backend, { rateLimits: { perIp: { limit: 2, windowMs: 60_000 } } });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await perIp.api.post('/v1/auth/login', { username: `user-${i}x`, password: 'whatever pw' })).status);
      expect(statuses).toEqual([401, 401, 429]);
    } finally {
      await perIp.stop();
    }
  });
});
