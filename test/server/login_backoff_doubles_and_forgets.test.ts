/**
 * The login back-off rule (src/server/auth/loginThrottle.ts) with a hand-moved clock, no waiting: free failures,
 * then waits that double up to the cap, a success clearing the address, records forgotten after `forgetMs`,
 * and the owner's clean address never waited on. Also the trusted-proxy address rule (http/clientAddress.ts)
 * and its refusal of a bad setting (also by the command line, which then never opens the database).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LoginThrottle } from '../../src/server/auth/loginThrottle';
import { clientAddress, TrustedProxies, TrustedProxyConfigError } from '../../src/server/http/clientAddress';
import { TooManyRequests } from '../../src/server/http/httpErrors';

function waitOf(fn: () => unknown): number | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (err instanceof TooManyRequests) return err.retryAfterSeconds;
    throw err;
  }
}

describe('login back-off', () => {
  it('doubles the wait after the free failures, caps it, and never waits on a clean address', () => {
    let now = 1_000_000;
    const throttle = new LoginThrottle({ freeFailures: 2, baseDelayMs: 1_000, maxDelayMs: 8_000, alarmFailures: 1_000, forgetMs: 3_600_000 }, () => now);
    const fail = () => throttle.begin('Victim', '203.0.113.9');
    expect(waitOf(fail)).toBeUndefined();
    expect(waitOf(fail)).toBeUndefined();
    const waits: (number | undefined)[] = [];
    for (let i = 0; i < 6; i++) {
      const wait = waitOf(fail);
      waits.push(wait);
      expect(waitOf(fail)).toBe(wait); // refused attempts do not lengthen the wait
      now += (wait ?? 0) * 1000;
      expect(waitOf(fail)).toBeUndefined(); // once it has passed, one more attempt (another failure)
    }
    expect(waits).toEqual([1, 2, 4, 8, 8, 8]);
    // Meanwhile the owner, elsewhere, is never waited on, and a success clears only its own address.
    expect(waitOf(() => throttle.begin('victim', '198.51.100.1').succeeded())).toBeUndefined();
    expect(waitOf(fail)).toBe(8);
  });

  it('forgets an address after forgetMs and clears it on success', () => {
    let now = 0;
    const throttle = new LoginThrottle({ freeFailures: 1, baseDelayMs: 1_000, maxDelayMs: 60_000, alarmFailures: 1_000, forgetMs: 10_000 }, () => now);
    throttle.begin('bob', '192.0.2.1');
    expect(waitOf(() => throttle.begin('bob', '192.0.2.1'))).toBe(1);
    now += 10_000;
    const attempt = throttle.begin('bob', '192.0.2.1');
    attempt.succeeded();
    expect(waitOf(() => throttle.begin('bob', '192.0.2.1'))).toBeUndefined();
  });
});

describe('client address behind trusted proxies', () => {
  const proxies = new TrustedProxies(['10.0.0.0/8', '2001:db8::/32', '192.0.2.10']);

  it('believes X-Forwarded-For only from a trusted peer, from the right', () => {
    expect(clientAddress('198.51.100.1', '203.0.113.5', proxies)).toBe('198.51.100.1');
    expect(clientAddress('::ffff:10.1.2.3', '6.6.6.6, 203.0.113.5', proxies)).toBe('203.0.113.5');
    expect(clientAddress('10.1.2.3', ['6.6.6.6, 203.0.113.5', '192.0.2.10'], proxies)).toBe('203.0.113.5');
    expect(clientAddress('2001:db8::1', '203.0.113.8, 2001:db8::2, 10.0.0.9', proxies)).toBe('203.0.113.8');
    // Every hop trusted: the leftmost is the client.
    expect(clientAddress('2001:db8::1', '2001:db8::2, 10.0.0.9', proxies)).toBe('2001:db8::2');
    expect(clientAddress('10.1.2.3', 'not-an-address, 10.0.0.4', proxies)).toBe('10.0.0.4');
    expect(clientAddress('10.1.2.3', undefined, proxies)).toBe('10.1.2.3');
  });

  it('refuses a setting that is not an address or CIDR range', () => {
    for (const bad of ['proxy.example', '10.0.0.0/33', '10.0.0.1/8/2', '::1/129', '']) {
      expect(() => new TrustedProxies([bad])).toThrow(TrustedProxyConfigError);
    }
  });

  it('stops the command line at start with a bad --trusted-proxy', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ks-proxy-'));
    try {
      const args = [
        'node_modules/tsx/dist/cli.mjs',
        'src/server/cli.ts',
        '--port',
        '0',
        '--data',
        dataDir,
        '--trusted-proxy',
        '10.0.0.1',
        '--trusted-proxy',
        'lb.internal',
      ];
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const code = await new Promise((resolve) => child.once('exit', resolve));
      expect(code).toBe(2);
      expect(err).toContain("trusted proxy 'lb.internal' is not an IP address or CIDR range");
      expect(existsSync(join(dataDir, 'keyservice.sqlite'))).toBe(false);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
