/**
 * Scenario (docs/client.md "CLI", "Single sign-on"): people sign the CLI in with their company account, over
 * real parts — a REAL OpenID provider (oidc-provider, test/identity/helpers/oidcProvider.ts) whose login
 * form is submitted over HTTP as a browser would, the real key service configured for `oidc` only, and the
 * CLI spawned in its own process. The "browser" is the only stand-in.
 *
 * - A browser on the same machine: the provider redirects to the CLI's loopback listener; the CLI signs in.
 * - A browser on another machine (an SSH session): it ends on the loopback address without reaching it;
 *   the person pastes that address into the CLI, which signs in.
 * Attacks: a pasted answer of another sign-in (an attacker's code and state) is refused with `sso_refused`
 * and the profile stays signed out; on a server without company sign-in the CLI says so
 * (`sso_not_configured`) and sends nothing.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInOverHttp, startTestProvider, type TestProvider } from '../identity/helpers/oidcProvider';
import { json, useCliWorld, type Run } from './cliWorld';

const suffix = randomBytes(3).toString('hex');
const USERS = [
  { sub: `ada-${suffix}`, password: 'idp password 1', email: `ada${suffix}@corp.example`, name: 'Ada Lovelace', preferredUsername: `ada${suffix}` },
  { sub: `alan-${suffix}`, password: 'idp password 2', email: `alan${suffix}@corp.example`, name: 'Alan Turing', preferredUsername: `alan${suffix}` },
];

let idp: TestProvider;
beforeAll(async () => {
  idp = await startTestProvider(USERS);
});
afterAll(async () => idp?.close());

const { cli } = useCliWorld('seed-cli-sso-', {
  service: () => ({
    organisation: {
      signInMethods: ['oidc'],
      registration: 'open',
      allowedEmailDomains: ['corp.example'],
      oidc: { issuer: idp.issuer, clientId: idp.clientId, displayName: 'Corp SSO' },
    },
  }),
});
const passwordOnly = useCliWorld('seed-cli-sso-off-');

/** The `authorize` event's address, once the CLI printed it (stdout under --json). */
function onAuthorize(act: (url: string, type: (line: string) => void) => Promise<void>) {
  let type: (line: string) => void = () => undefined;
  let acted = false;
  const failures: unknown[] = [];
  return {
    failures,
    opts: {
      stdin: (t: (line: string) => void) => (type = t),
      onStdout: (text: string) => {
        const event = text
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as { event?: string; url?: string })
          .find((e) => e.event === 'authorize');
        if (acted || !event?.url) return;
        acted = true;
        act(event.url, type).catch((e: unknown) => failures.push(e));
      },
    },
  };
}

interface Session {
  username: string;
  userId: string;
  deviceId: string;
}

const signedIn = (run: Run) => json<Session>(run);

describe('cli login --sso', { timeout: 120_000 }, () => {
  it('a browser on this machine answers on the loopback listener: the CLI signs in as the company account', async () => {
    const profile = `ada-${suffix}`;
    const flow = onAuthorize(async (url) => {
      const { callbackStatus } = await signInOverHttp(url, { username: USERS[0]!.sub, password: USERS[0]!.password });
      expect(callbackStatus).toBe(200);
    });
    const run = await cli(profile, ['--json', 'login', '--sso'], flow.opts);
    expect(flow.failures).toEqual([]);
    const session = signedIn(run);
    expect(session.username).toBe(USERS[0]!.preferredUsername);
    expect(run.stdout + run.stderr).not.toMatch(/id_token|code_verifier|eyJ/);
    // The profile is signed in with its own device keys: a later command needs no sign-in.
    expect(json<Session>(await cli(profile, ['--json', 'whoami'])).deviceId).toBe(session.deviceId);
  });

  it('a browser on another machine: the person pastes the address it ended on, and the CLI signs in', async () => {
    const profile = `alan-${suffix}`;
    const flow = onAuthorize(async (url, type) => {
      const { callbackUrl } = await signInOverHttp(url, { username: USERS[1]!.sub, password: USERS[1]!.password }, { deliver: false });
      type(callbackUrl);
    });
    const run = await cli(profile, ['--json', 'login', '--sso'], flow.opts);
    expect(flow.failures).toEqual([]);
    expect(signedIn(run).username).toBe(USERS[1]!.preferredUsername);
  });

  it('attack: a pasted answer of another sign-in (an attacker’s code and state) is refused, and the profile stays signed out', async () => {
    const profile = `mallory-${suffix}`;
    const flow = onAuthorize(async (url, type) => {
      const redirect = new URL(new URL(url).searchParams.get('redirect_uri')!);
      type(`${redirect.origin}/callback?code=attacker-code&state=attacker-state`);
    });
    const run = await cli(profile, ['--json', 'login', '--sso'], flow.opts);
    expect(flow.failures).toEqual([]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stderr.trim().split('\n').at(-1)!)).toEqual({
      error: {
        code: 'sso_refused',
        message: 'The address you pasted is not the answer to this sign-in. Start the sign-in again and paste the address it ends on.',
      },
    });
    const whoami = await cli(profile, ['whoami']);
    expect(whoami.code).not.toBe(0);
  });

  it('on a server without company sign-in the CLI says so and asks for nothing', async () => {
    const run = await passwordOnly.cli(`nobody-${suffix}`, ['login', '--sso']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('error sso_not_configured: Your organisation has not set up company sign-in on this server. Ask your IT administrator.\n');
    expect(run.stdout).toBe('');
  });

  it('login --sso takes no user name', async () => {
    const run = await cli(`typo-${suffix}`, ['login', '--sso', 'ada']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('login --sso takes no USERNAME');
  });
});
