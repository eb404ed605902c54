/**
 * Company single sign-on in Chromium, end to end (docs/desktop.md "Single sign-on"): a REAL OpenID provider
 * (oidc-provider, test/identity/helpers/oidcProvider.ts) and the real key service configured for it with
 * the real relay, joined by two app hosts as their local stack. Ada's onboarding shows "Sign in with Corp
 * SSO"; main opens the provider's authorization page in "the system browser" — here a second Chromium page
 * of its own context, handed the URL by the host's `openBrowser` — where Ada fills in the provider's real
 * login form; the loopback redirect lands in main, the app signs in (this device enrols as the account's
 * first) and Ada messages Bob, who registered with a password on the same key service.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startTestProvider, type TestProvider } from '../identity/helpers/oidcProvider';
import { ownLocalStack, startAppHost } from './harness';
import { registerInUi, startDirectMessage } from './steps';
import type { WebHost } from '../../src/main/webHost/server';

const shots = join(__dirname, '../../test-results/screenshots');
const ADA = { sub: 'ada', password: 'ada company password', email: 'ada@corp.example', name: 'Ada Lovelace', preferredUsername: 'ada' };

let idp: TestProvider;
let stop: (() => Promise<void>) | undefined;
let ada: WebHost;
let bob: WebHost;
/** Authorization URLs main asked "the system browser" to open. */
const opened: string[] = [];
let signalOpened: (() => void) | undefined;

test.beforeAll(async () => {
  idp = await startTestProvider([ADA]);
  const home = mkdtempSync(join(tmpdir(), 'seed-ui-sso-'));
  stop = (await ownLocalStack(home, { signInMethods: ['password', 'oidc'], oidc: { issuer: idp.issuer, clientId: idp.clientId, displayName: 'Corp SSO' } }))
    .close;
  ada = await startAppHost('ui-sso-ada', {
    core: { home },
    openBrowser: async (url) => {
      opened.push(url);
      signalOpened?.();
    },
  });
  bob = await startAppHost('ui-sso-bob', { core: { home } });
});

test.afterAll(async () => {
  await bob?.close();
  await ada?.close();
  await stop?.();
  await idp?.close();
});

test('Ada signs in with the company SSO login page and messages Bob', async ({ browser }) => {
  test.setTimeout(120_000);
  const a = await browser.newPage();
  const b = await browser.newPage();
  await b.goto(bob.url);
  await registerInUi(b, 'bob', 'Bob');

  await a.goto(ada.url);
  const button = a.getByRole('button', { name: 'Sign in with Corp SSO' });
  await expect(button).toBeVisible({ timeout: 15_000 });
  const browserOpened = new Promise<void>((resolve) => (signalOpened = resolve));
  await button.click();
  await expect(a.getByTestId('sso-pending')).toContainText('Finish signing in with Corp SSO in your web browser');
  await browserOpened;

  // The system browser: its own context (no app cookies), on the provider's real login page.
  const system = await browser.newContext();
  const login = await system.newPage();
  await login.goto(opened[0]!);
  await expect(login.getByRole('heading', { name: 'Test company sign-in' })).toBeVisible();
  await login.getByLabel('Username').fill(ADA.sub);
  await login.getByLabel('Password').fill(ADA.password);
  await login.getByRole('button', { name: 'Sign in' }).click();
  await expect(login.getByRole('heading', { name: 'Signed in' })).toBeVisible({ timeout: 15_000 });
  await expect(login.locator('body')).toContainText('You can close this tab and go back to Seed Messenger.');
  await system.close();

  await expect(a.getByTestId('signed-in-as')).toContainText('Ada Lovelace (@ada)', { timeout: 30_000 });
  await startDirectMessage(a, 'bob', 'Bob');
  const composer = a.getByTestId('composer-input');
  await expect(composer).toBeEnabled({ timeout: 15_000 });
  await composer.fill('hello from single sign-on');
  await composer.press('Enter');
  await expect(a.getByTestId('message').filter({ hasText: 'hello from single sign-on' }).getByTestId('delivery-state')).toHaveText('Sent', { timeout: 15_000 });

  const row = b.getByTestId('conversation-row').filter({ hasText: 'Ada Lovelace' });
  if (!(await row.isVisible())) await b.reload();
  await row.click({ timeout: 15_000 });
  await expect(b.getByRole('log').getByTestId('message-text').filter({ hasText: 'hello from single sign-on' })).toBeVisible({ timeout: 15_000 });
  await a.screenshot({ path: join(shots, 'ui-sso-ada.png'), fullPage: true });
});
