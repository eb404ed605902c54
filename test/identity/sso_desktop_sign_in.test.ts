/**
 * Single sign-on through the desktop's main process (docs/desktop.md "Single sign-on"), end to end over
 * real parts: a REAL OpenID provider (oidc-provider, test/identity/helpers/oidcProvider.ts) whose login
 * form is submitted over HTTP as the system browser would; the real key service configured as
 * docs/deployment.md §6 "Single sign-on" says; the desktop handlers bootstrapped with the shipped Linux example policy
 * (resources/policy-templates/linux/policies.example.json, only its server address pointed at this test's
 * key service), which allows `oidc` + `device-link` only — so the test shows the templates no longer
 * lock the first sign-in out. The "browser" is the only stand-in: an HTTP client following the provider's
 * pages (the Chromium spec test/e2e/ui_sso_sign_in.spec.ts drives a real one).
 *
 * Attacks: an answer with another `state` sent to the loopback listener is refused and the flow goes
 * on; the renderer's result carries no code, token or verifier; a second device of the account gets the
 * device-link path, not a session; SSO is refused where policy does not allow it; cancel and a timeout
 * end the flow with plain sentences.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergePolicyLayers } from '../../src/common/policy/merge';
import { bootstrapMain } from '../../src/main/bootstrap';
import { createHandlers, type MainDeps } from '../../src/main/composition';
import { createDispatcher } from '../../src/main/ipc/dispatch';
import { createPolicyHolder } from '../../src/main/services/policyHolder';
import type { KeyService } from '../../src/server/index';
import { signInOverHttp, startTestProvider, type TestProvider } from './helpers/oidcProvider';
import { startSsoOnlyKeyService } from './helpers/ssoKeyService';
import { desktopFacts } from '../main/desktopProfiles';

const root = join(__dirname, '../..');
const home = mkdtempSync(join(tmpdir(), 'seed-sso-'));
const suffix = randomBytes(3).toString('hex');
const opened: MainDeps[] = [];

const USERS = [
  { sub: `emp-${suffix}`, password: 'idp password 1', email: `grace${suffix}@corp.example`, name: 'Grace Hopper', preferredUsername: `grace${suffix}` },
];

let idp: TestProvider;
let keyService: KeyService;

/** The shipped example policy, deployed as documented, pointed at this test's key service. */
function examplePolicy(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const shipped = JSON.parse(readFileSync(join(root, 'resources/policy-templates/linux/policies.example.json'), 'utf8')) as Record<string, unknown>;
  return { ...shipped, serverUrl: keyService.url, pubnubOrigin: '127.0.0.1:9', ...overrides };
}

async function app(name: string, machinePolicy: Record<string, unknown>, extra: Partial<MainDeps> = {}) {
  const policy = await createPolicyHolder(async () => mergePolicyLayers({ machine: machinePolicy }));
  const deps = { ...(await bootstrapMain({ facts: desktopFacts, home, profile: `${name}-${suffix}`, network: 'app', policy })), ...extra };
  opened.push(deps);
  const dispatch = createDispatcher(createHandlers(deps));
  return async (channel: string, ...args: unknown[]) => {
    const r = await dispatch(channel, args);
    if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
    return r.value;
  };
}

/** The system browser: follows the authorization page, signs in on the provider's form, lands on the loopback redirect. */
const browserAs = (username: string, password: string) => async (url: string) => {
  const { callbackStatus } = await signInOverHttp(url, { username, password });
  expect(callbackStatus).toBe(200);
};

beforeAll(async () => {
  idp = await startTestProvider(USERS);
  keyService = await startSsoOnlyKeyService(idp, 'seed-sso');
});

afterAll(async () => {
  for (const d of opened.reverse()) if ('close' in d.messenger) await d.messenger.close();
  await keyService?.close();
  await idp?.close();
});

describe('single sign-on through the desktop handlers', () => {
  it('the documented examples agree: docs/deployment.md sets the same sign-in methods as the shipped templates', () => {
    const guide = readFileSync(join(root, 'docs/deployment.md'), 'utf8');
    const reg = /AllowedSignInMethods \/t REG_MULTI_SZ \/d "([^"]+)"/.exec(guide)?.[1]?.split('\\0');
    const mobileconfig = readFileSync(join(root, 'resources/policy-templates/macos/com.seed.messenger.mobileconfig'), 'utf8');
    const plist = /<key>allowedSignInMethods<\/key>\s*<array>([\s\S]*?)<\/array>/.exec(mobileconfig)?.[1]?.match(/<string>([^<]+)<\/string>/g);
    const methods = examplePolicy().allowedSignInMethods;
    expect(reg).toEqual(methods);
    expect(plist?.map((s) => s.replace(/<\/?string>/g, ''))).toEqual(methods);
    expect(methods).toEqual(['oidc', 'device-link']);
  });

  it('the shipped example policy offers "Sign in with Corp SSO" and no password form', async () => {
    const call = await app('choices', examplePolicy());
    expect(await call('signInChoices')).toEqual({ password: false, sso: { displayName: 'Corp SSO' }, deviceLink: true, registration: 'open' });
  });

  let firstUserId: string;

  it('first sign-in: the provider’s real login form, then this device enrols as the account’s first — the renderer sees no code or token', async () => {
    const forged: number[] = [];
    const call = await app('first', examplePolicy(), {
      openBrowser: async (url) => {
        // An attacker's answer to the loopback listener (another state, its own code) is refused; the flow waits on.
        const redirect = new URL(new URL(url).searchParams.get('redirect_uri')!);
        const res = await fetch(`${redirect.origin}/callback?code=attacker-code&state=attacker-state`);
        forged.push(res.status);
        await browserAs(USERS[0]!.sub, USERS[0]!.password)(url);
      },
    });
    const result = (await call('signInWithSso', { deviceName: 'Work laptop' })) as {
      kind: string;
      session: { state: string; user: { userId: string; displayName: string }; deviceId: string };
    };
    expect(forged).toEqual([400]);
    expect(result.kind).toBe('signedIn');
    expect(result.session).toMatchObject({ state: 'signedIn', deviceName: 'Work laptop', user: { displayName: 'Grace Hopper' } });
    firstUserId = result.session.user.userId;
    expect(JSON.stringify(result)).not.toMatch(/eyJ|code_verifier|id_token|attacker-code/);
    expect(await call('session')).toMatchObject({ state: 'signedIn', user: { userId: firstUserId } });
    expect(((await call('listDevices')) as unknown[]).length).toBe(1);
  });

  it('a second device of the same person gets the device-link path, not a session', async () => {
    const call = await app('second', examplePolicy(), { openBrowser: browserAs(USERS[0]!.sub, USERS[0]!.password) });
    const result = (await call('signInWithSso', { deviceName: 'Desk PC' })) as { kind: string; offer?: { linkCode: string } };
    expect(result.kind).toBe('needsLink');
    expect(result.offer?.linkCode).toMatch(/\S+/);
    expect(await call('session')).toMatchObject({ state: 'signedOut' });
    expect(await call('deviceLinkStatus')).toMatchObject({ state: 'waiting' });
  });

  it('a wrong password on the provider’s form never reaches the app', async () => {
    const call = await app('wrongpw', examplePolicy(), {
      openBrowser: async (url) => {
        await expect(signInOverHttp(url, { username: USERS[0]!.sub, password: 'not the password' })).rejects.toThrow(
          /Wrong username or password|unexpected page/,
        );
        await call('cancelSso');
      },
    });
    await expect(call('signInWithSso', { deviceName: 'x' })).rejects.toMatchObject({
      code: 'sso_cancelled',
      message: 'Signing in with your company account was cancelled.',
    });
    expect(await call('session')).toMatchObject({ state: 'signedOut' });
  });

  it('a browser sign-in that never comes back ends with a plain sentence', async () => {
    const call = await app('slow', examplePolicy(), { openBrowser: async () => undefined });
    const deps = opened.at(-1)!;
    // A short limit for this profile only: the handlers read it from their deps.
    const quick = createDispatcher(createHandlers({ ...deps, openBrowser: async () => undefined, ssoTimeoutMs: 200 }));
    const r = await quick('signInWithSso', [{ deviceName: 'x' }]);
    expect(r).toMatchObject({ ok: false, error: { code: 'sso_timed_out' } });
    expect(await call('session')).toMatchObject({ state: 'signedOut' });
  });

  it('policy that does not allow oidc refuses SSO in main', async () => {
    const call = await app('pwonly', examplePolicy({ allowedSignInMethods: ['password'] }), { openBrowser: browserAs(USERS[0]!.sub, USERS[0]!.password) });
    await expect(call('signInWithSso', { deviceName: 'x' })).rejects.toMatchObject({ code: 'policy_sign_in_method_not_allowed' });
    expect(await call('signInChoices')).toMatchObject({ sso: null, password: false });
  });
});
