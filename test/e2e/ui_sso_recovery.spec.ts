/**
 * Recovery for an account the company's sign-in made, in Chromium (issue [recovery]; docs/desktop.md
 * "Recovery key", docs/protocol.md §18 and §16): an organisation that signs in ONLY with its OpenID
 * provider (a REAL oidc-provider, test/identity/helpers/oidcProvider.ts) has no passwords, so every step
 * that asks a password elsewhere asks the company sign-in instead. Ada signs in with Corp SSO, makes her
 * recovery key ("Sign in with Corp SSO and make the key": the provider's login page again) and confirms it;
 * she chats with Bob (also signed in by the provider); her only device is lost (profile deleted); on a
 * fresh profile "Use recovery key" asks for the key, then the company sign-in, and the account comes back
 * with its old messages — contacts see no identity change.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import type { WebHost } from '../../src/main/webHost/server';
import { startTestProvider, type TestProvider } from '../identity/helpers/oidcProvider';
import { ownLocalStack, startAppHost } from './harness';
import { chatBothWays } from './steps';

const ADA = { sub: 'ada', password: 'ada company password', email: 'ada@corp.example', name: 'Ada Lovelace', preferredUsername: 'ada' };
const BOB = { sub: 'bob', password: 'bob company password', email: 'bob@corp.example', name: 'Bob Babbage', preferredUsername: 'bob' };

let idp: TestProvider;
let stop: (() => Promise<void>) | undefined;
let home: string;
const hosts: { ada?: WebHost; bob?: WebHost; restored?: WebHost } = {};
/** Authorization URLs each host asked "the system browser" to open, in order. */
const opened = new Map<string, string[]>();

function hostFor(profile: string): Promise<WebHost> {
  opened.set(profile, []);
  return startAppHost(profile, { core: { home }, openBrowser: async (url) => void opened.get(profile)!.push(url) });
}

test.beforeAll(async () => {
  idp = await startTestProvider([ADA, BOB]);
  home = mkdtempSync(join(tmpdir(), 'seed-ui-sso-recovery-'));
  stop = (await ownLocalStack(home, { signInMethods: ['oidc'], oidc: { issuer: idp.issuer, clientId: idp.clientId, displayName: 'Corp SSO' } })).close;
  hosts.ada = await hostFor('ui-sso-recovery-ada');
  hosts.bob = await hostFor('ui-sso-recovery-bob');
});

test.afterAll(async () => {
  await hosts.restored?.close();
  await hosts.bob?.close();
  await hosts.ada?.close();
  await stop?.();
  await idp?.close();
});

/**
 * The provider's real login form in "the system browser" (its own context: no app cookies, no provider
 * session), for the `nth` authorization URL `profile`'s host asked to open.
 */
async function companySignIn(browser: Browser, profile: string, nth: number, user: typeof ADA): Promise<void> {
  await expect.poll(() => opened.get(profile)!.length, { timeout: 15_000 }).toBeGreaterThan(nth);
  const system = await browser.newContext();
  const login = await system.newPage();
  await login.goto(opened.get(profile)![nth]!);
  await login.getByLabel('Username').fill(user.sub);
  await login.getByLabel('Password').fill(user.password);
  await login.getByRole('button', { name: 'Sign in' }).click();
  await expect(login.getByRole('heading', { name: 'Signed in' })).toBeVisible({ timeout: 15_000 });
  await system.close();
}

async function signInWithSso(browser: Browser, page: Page, profile: string, user: typeof ADA): Promise<void> {
  const before = opened.get(profile)!.length;
  await page.getByTestId('sso-sign-in').click({ timeout: 15_000 });
  await companySignIn(browser, profile, before, user);
  await expect(page.getByTestId('signed-in-as')).toContainText(`${user.name} (@${user.preferredUsername})`, { timeout: 30_000 });
}

test('an SSO-only account makes its recovery key with the company sign-in, loses its device, and restores with the key and the company sign-in', async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const a = await browser.newPage();
  const b = await browser.newPage();
  await a.goto(hosts.ada!.url);
  await b.goto(hosts.bob!.url);
  await signInWithSso(browser, a, 'ui-sso-recovery-ada', ADA);
  await signInWithSso(browser, b, 'ui-sso-recovery-bob', BOB);

  // Making the key asks for the company sign-in, not a password (there is none).
  const reminder = a.getByTestId('recovery-reminder');
  await expect(reminder).toHaveAttribute('data-state', 'none', { timeout: 15_000 });
  await reminder.getByTestId('recovery-reminder-open').click();
  const dialog = a.getByRole('dialog', { name: 'Recovery key' });
  await expect(dialog.getByTestId('recovery-password')).toHaveCount(0);
  const signInsBefore = opened.get('ui-sso-recovery-ada')!.length;
  await expect(dialog.getByTestId('recovery-make-sso')).toHaveText('Sign in with Corp SSO and make the key');
  await dialog.getByTestId('recovery-make-sso').click();
  await companySignIn(browser, 'ui-sso-recovery-ada', signInsBefore, ADA);
  const shown = dialog.getByTestId('recovery-key');
  await expect(shown).toBeVisible({ timeout: 30_000 });
  const recoveryKey = (await shown.innerText()).trim().split(/\s+/).join('-');
  expect(recoveryKey).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){13}$/);
  await dialog.getByTestId('recovery-next').click();
  await dialog.getByTestId('recovery-typed').fill(recoveryKey);
  await dialog.getByTestId('recovery-verify').click();
  await expect(dialog.getByTestId('recovery-checked')).toBeVisible({ timeout: 15_000 });
  await dialog.getByRole('button', { name: 'Close Recovery key' }).click();
  await expect(reminder).toHaveCount(0);

  // A conversation with Bob, both ways.
  await chatBothWays(a, b, { search: 'bob', title: 'Bob Babbage', bRow: 'Ada Lovelace', first: 'before the loss', reply: 'bob was here' });

  // The laptop is lost: its host stops and its profile folder is deleted.
  await a.close();
  await hosts.ada!.close();
  hosts.ada = undefined;
  rmSync(join(home, 'ui-sso-recovery-ada'), { recursive: true, force: true });

  // A fresh profile: the recovery form is closed until asked for ("Use recovery key"); it asks no username or
  // password, only the key; then the company sign-in.
  hosts.restored = await hostFor('ui-sso-recovery-ada-new');
  const n = await browser.newPage();
  await n.goto(hosts.restored.url);
  await expect(n.getByTestId('restore-form')).toHaveCount(0);
  await n.getByTestId('restore-open').click({ timeout: 15_000 });
  const form = n.getByTestId('restore-form');
  await expect(form.getByLabel('Password')).toHaveCount(0);
  await form.getByTestId('restore-key').fill(recoveryKey);
  await expect(form.getByTestId('restore-submit')).toHaveText('Sign in with Corp SSO and restore');
  await form.getByTestId('restore-submit').click();
  await companySignIn(browser, 'ui-sso-recovery-ada-new', 0, ADA);
  await expect(n.getByTestId('signed-in-as')).toContainText('Ada Lovelace (@ada)', { timeout: 60_000 });
  await n.getByTestId('conversation-row').filter({ hasText: 'Bob Babbage' }).click({ timeout: 30_000 });
  const log = n.getByRole('log');
  await expect(log.getByTestId('message-text').filter({ hasText: 'before the loss' })).toBeVisible({ timeout: 30_000 });
  await expect(log.getByTestId('message-text').filter({ hasText: 'bob was here' })).toBeVisible({ timeout: 30_000 });

  // Bob's side: the same account key came back, so no "identity changed" and he can write at once.
  await b.reload();
  await b.getByTestId('conversation-row').filter({ hasText: 'Ada Lovelace' }).click({ timeout: 15_000 });
  await b.getByTestId('composer-input').fill('welcome back');
  await b.getByTestId('composer-input').press('Enter');
  await expect(n.getByRole('log').getByTestId('message-text').filter({ hasText: 'welcome back' })).toBeVisible({ timeout: 30_000 });
});
