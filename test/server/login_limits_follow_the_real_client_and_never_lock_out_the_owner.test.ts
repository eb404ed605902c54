/**
 * Login rate limits play the attacker (docs/threat-model.md, "Password guessing and lock-out"): a spoofed
 * `X-Forwarded-For` from a peer that is not a configured proxy changes nothing; from a trusted proxy the address
 * it reports is the one limited; hammering a victim's username from some addresses never keeps the victim out
 * from another; and the limited caller gets a typed `rate_limited` answer saying when to retry. The limiter
 * state is in memory, the accounts in the database: both backends.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBackends } from './helpers/backends';
import { login, newActor, PASSWORD, type Actor } from './helpers/actors';
import { startOn, type Running } from './helpers/service';

type ErrorBody = { error: { code: string; message: string; retryAfter?: number } };

const attempt = (run: Running, username: string, password: string, from?: string) =>
  run.api.call<ErrorBody>('POST', '/v1/auth/login', {
    body: { username, password },
    ...(from === undefined ? {} : { headers: { 'x-forwarded-for': from } }),
  });

describeBackends('login limits: the real client address, back-off never lock-out', (backend) => {
  let behindProxy: Running;
  let victim: Actor;

  beforeAll(async () => {
    behindProxy = await startOn(backend, {
      trustedProxies: ['127.0.0.1', '::1'],
      rateLimits: {
        perIp: { limit: 100_000, windowMs: 60_000 },
        perAccount: { limit: 3, windowMs: 60_000 },
        loginBackoff: { alarmFailures: 8 },
      },
    });
    victim = await newActor(behindProxy.api, 'victim', 0);
  });
  afterAll(async () => {
    expect(behindProxy.bugs).toEqual([]);
    await behindProxy.stop();
  });

  it('ignores X-Forwarded-For from a peer that is not a configured proxy', async () => {
    const direct = await startOn(backend, { rateLimits: { perIp: { limit: 2, windowMs: 60_000 } } });
    try {
      const statuses = [];
      for (const spoofed of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
        statuses.push((await attempt(direct, `nobody-${spoofed}`, 'some password', spoofed)).status);
      }
      expect(statuses).toEqual([401, 401, 429]);
    } finally {
      expect(direct.bugs).toEqual([]);
      await direct.stop();
    }
  });

  it('limits the address a trusted proxy reports, the rightmost it did not add itself', async () => {
    const proxied = await startOn(backend, { trustedProxies: ['127.0.0.0/8', '::1'], rateLimits: { perIp: { limit: 2, windowMs: 60_000 } } });
    try {
      expect((await attempt(proxied, 'nobody-a', 'some password', '203.0.113.5')).status).toBe(401);
      // The client wrote the left entry itself; the proxy appended the address it saw.
      expect((await attempt(proxied, 'nobody-b', 'some password', '198.51.100.99, 203.0.113.5')).status).toBe(401);
      const limited = await attempt(proxied, 'nobody-c', 'some password', '192.0.2.77, 203.0.113.5, 127.0.0.1');
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe('rate_limited');
      // Another client behind the same proxy is not limited by the first one's requests.
      expect((await attempt(proxied, 'nobody-d', 'some password', '198.51.100.7')).status).toBe(401);
    } finally {
      expect(proxied.bugs).toEqual([]);
      await proxied.stop();
    }
  });

  it('backs off the hammering address with a typed answer and lets the owner in from another', async () => {
    const attacker = '203.0.113.66';
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await attempt(behindProxy, victim.username, `guess ${i}`, attacker)).status);
    expect(statuses).toEqual([401, 401, 401]);

    const limited = await attempt(behindProxy, victim.username, `guess 3`, attacker);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(limited.body.error.retryAfter).toBeGreaterThan(0);
    expect(Number(limited.headers.get('retry-after'))).toBe(limited.body.error.retryAfter);
    // Inside the wait the password is not even checked: the right one is refused the same way.
    expect((await attempt(behindProxy, victim.username, PASSWORD, attacker)).status).toBe(429);
    // Another spelling of the name is the same account.
    expect((await attempt(behindProxy, victim.username.toUpperCase(), 'guess 4', attacker)).status).toBe(429);

    // The owner, from an address that has not failed, gets in.
    const pair = await login(behindProxy.api, victim.username);
    expect(pair.user.userId).toBe(victim.userId);
    const owner = await attempt(behindProxy, victim.username, PASSWORD, '198.51.100.10');
    expect(owner.status).toBe(200);
  });

  it('a guess spread over many addresses trips the alarm; a fresh address still lets the owner in', async () => {
    const target = await newActor(behindProxy.api, 'target', 0);
    // Two guesses from each of four addresses: each stays under its free failures (3).
    for (const n of [1, 2, 3, 4]) {
      for (let i = 0; i < 2; i++) expect((await attempt(behindProxy, target.username, `guess ${n}.${i}`, `203.0.113.${n}`)).status).toBe(401);
    }
    // Eight failures reach the alarm (8): every address now has a single free failure, then waits.
    expect((await attempt(behindProxy, target.username, 'guess 1.2', '203.0.113.1')).status).toBe(429);
    expect((await attempt(behindProxy, target.username, 'guess 5.0', '203.0.113.5')).status).toBe(401);
    expect((await attempt(behindProxy, target.username, 'guess 5.1', '203.0.113.5')).status).toBe(429);
    // The owner from their own fresh address is never waited on.
    expect((await attempt(behindProxy, target.username, PASSWORD, '198.51.100.20')).status).toBe(200);
  });
});
