/**
 * Recovery for an account of the organisation's single sign-on (docs/client.md "Recovery for single
 * sign-on accounts"): such an account has no password, so making a recovery key, restoring with it and a
 * reset prove the person with the provider's sign-in instead (main runs it in the system browser). Over
 * real parts: a REAL OpenID provider (oidc-provider) whose login form is submitted over HTTP as the system
 * browser would, the real key service configured for SSO only, the desktop handlers with the shipped
 * example policy (oidc + device-link), the real keychain.
 *
 * Grace (SSO only) makes a recovery key after signing in again at the provider; Bob seals a message to
 * her; her laptop is lost; on a new profile she signs in at the provider and types the key: the same
 * account comes back and opens Bob's message. Attacks: Mallory, signed in at the provider on Grace's
 * unlocked laptop, cannot make a recovery key for Grace's account (`reauthentication_mismatch`, nothing
 * made); a password is no way into an SSO-only account (`sign_in_method_not_allowed` at the key service,
 * `policy_sign_in_method_not_allowed` in main);
 * Mallory's own provider sign-in with Grace's recovery key opens nothing (`recovery_key_invalid`).
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
const home = mkdtempSync(join(tmpdir(), 'seed-sso-recovery-'));
const suffix = randomBytes(3).toString('hex');
const opened: MainDeps[] = [];

const person = (sub: string, name: string) => ({
  sub: `${sub}-${suffix}`,
  password: `idp password of ${sub}`,
  email: `${sub}${suffix}@corp.example`,
  name,
  preferredUsername: `${sub}${suffix}`,
});
const GRACE = person('grace', 'Grace Hopper');
const BOB = person('bob', 'Bob Builder');
const MALLORY = person('mallory', 'Mallory Mole');

let idp: TestProvider;
let keyService: KeyService;

function examplePolicy(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const shipped = JSON.parse(readFileSync(join(root, 'resources/policy-templates/linux/policies.example.json'), 'utf8')) as Record<string, unknown>;
  return { ...shipped, serverUrl: keyService.url, pubnubOrigin: '127.0.0.1:9', ...overrides };
}

/** A desktop profile whose "system browser" signs in at the provider as whoever `who()` names at that moment. */
/** The shipped example policy; Bob may seal to Grace at once (no verified contact or recovery key of his own required). */
async function app(
  name: string,
  who: () => { sub: string; password: string },
  policy = examplePolicy({ requireVerifiedContacts: false, requireRecoveryKey: false }),
) {
  const holder = await createPolicyHolder(async () => mergePolicyLayers({ machine: policy }));
  const boot = await bootstrapMain({ facts: desktopFacts, home, profile: `${name}-${suffix}`, network: 'app', policy: holder });
  const deps: MainDeps = {
    ...boot,
    openBrowser: async (url) => {
      const { sub, password } = who();
      const { callbackStatus } = await signInOverHttp(url, { username: sub, password });
      expect(callbackStatus).toBe(200);
    },
  };
  opened.push(deps);
  const dispatch = createDispatcher(createHandlers(deps));
  const call = async (channel: string, ...args: unknown[]) => {
    const r = await dispatch(channel, args);
    if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
    return r.value;
  };
  return { call, deps };
}

beforeAll(async () => {
  idp = await startTestProvider([GRACE, BOB, MALLORY]);
  keyService = await startSsoOnlyKeyService(idp, 'seed-sso-recovery');
});

afterAll(async () => {
  for (const d of opened.reverse()) if ('close' in d.messenger) await d.messenger.close();
  await keyService?.close();
  await idp?.close();
});

describe('an SSO-only account recovers with its recovery key', () => {
  it('makes the key after signing in again at the provider, loses the laptop, restores on a new one and reads the old message', async () => {
    let atGracesLaptop = GRACE;
    const laptop = await app('grace-laptop', () => atGracesLaptop);
    const grace = (await laptop.call('signInWithSso', { deviceName: 'Grace laptop' })) as { session: { user: { userId: string } } };
    const graceId = grace.session.user.userId;
    const bob = await app('bob-laptop', () => BOB);
    await bob.call('signInWithSso', { deviceName: 'Bob laptop' });

    // Mallory at Grace's unlocked laptop signs in at the provider as herself: no key is made for Grace.
    atGracesLaptop = MALLORY;
    await expect(laptop.call('createRecoveryKey', { method: 'sso' })).rejects.toMatchObject({
      code: 'reauthentication_mismatch',
      message: 'You signed in as someone else. Sign in with your own company account to continue.',
    });
    // A password is no way in: this organisation signs in with SSO only.
    await expect(laptop.call('createRecoveryKey', { password: 'any password at all' })).rejects.toMatchObject({ code: 'sign_in_method_not_allowed' });
    expect(await laptop.call('recoveryStatus')).toMatchObject({ state: 'none' });

    atGracesLaptop = GRACE;
    const made = (await laptop.call('createRecoveryKey', { method: 'sso' })) as { recoveryKey: string };
    expect(made.recoveryKey).toMatch(/\S/);
    await laptop.call('verifyRecoveryKey', made.recoveryKey);
    expect(await laptop.call('recoveryStatus')).toMatchObject({ state: 'confirmed' });

    const bobId = ((await bob.call('session')) as { user: { userId: string } }).user.userId;
    const { conversationId } = (await laptop.call('createConversation', { kind: 'direct', memberUserIds: [bobId] })) as { conversationId: string };
    const plaintext = { id: 'm1-before-the-loss-0001', sentAt: Date.now(), type: 'string', body: 'before the loss' };
    const envelope = await bob.call('sealMessage', conversationId, plaintext);
    if (!('host' in laptop.deps.messenger)) throw new Error('no core');
    await (await laptop.deps.messenger.host.current()).flushKeyBackup();
    await laptop.deps.messenger.close(); // the laptop is gone

    let atNewLaptop = MALLORY;
    const fresh = await app('grace-new', () => atNewLaptop);
    const restore = () => fresh.call('restoreWithRecoveryKey', { method: 'sso', recoveryKey: made.recoveryKey, deviceName: 'New laptop' });
    // Mallory's own sign-in with Grace's recovery key: her account has nothing to restore, and nothing changes.
    await expect(restore()).rejects.toMatchObject({ code: 'no_recovery_key' });
    expect(await fresh.call('session')).toMatchObject({ state: 'signedOut' });
    // A password restore is not offered by this organisation's policy.
    await expect(
      fresh.call('restoreWithRecoveryKey', {
        username: GRACE.preferredUsername,
        password: 'any password at all',
        recoveryKey: made.recoveryKey,
        deviceName: 'x',
      }),
    ).rejects.toMatchObject({ code: 'policy_sign_in_method_not_allowed' });

    atNewLaptop = GRACE;
    expect(await restore()).toMatchObject({ state: 'signedIn', user: { userId: graceId }, deviceName: 'New laptop' });
    expect(await fresh.call('recoveryStatus')).toMatchObject({ state: 'confirmed' });
    expect(await fresh.call('openMessage', conversationId, envelope, { timetoken: '17000000000000001' })).toMatchObject({
      kind: 'ok',
      plaintext: { body: 'before the loss' },
    });
    // Bob sees the same account key: no identity change.
    expect(await bob.call('contactTrust', graceId)).toMatchObject({ state: 'unverified' });

    // A reset goes through the provider too; with a device of the account signed in it only waits.
    const another = await app('grace-reset', () => GRACE);
    expect(await another.call('resetAccount', { method: 'sso', deviceName: 'Spare laptop', typedPhrase: 'reset my account' })).toMatchObject({
      state: 'signedOut',
    });
    expect(await another.call('accountResetRequest')).toMatchObject({ state: 'waiting', requestedHere: true, deviceName: 'Spare laptop' });
    await expect(another.call('finishAccountReset')).rejects.toMatchObject({ code: 'reset_waiting' });
  }, 120_000);
});
