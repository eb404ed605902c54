/**
 * The design's screenshots and accessibility audit (docs/desktop.md "Look and layout"): a new user
 * (Alice) walks from the onboarding screen to a group chat with Bob and Carol over the real messenger core
 * and embedded local stack. Each main view — onboarding, the conversation list with the group chat, the
 * security panel, settings — is written to docs/screenshots/ in the light and the dark theme (the system
 * preference, which the default "Same as the system" setting follows), and audited with axe-core: no
 * `serious` or `critical` violation in either theme.
 *
 * Deterministic: a fixed viewport, and the pages' clocks set to Thursday 12 March 2026 (fake `Date`,
 * timers run normally) — 09:40 while the accounts are made, 09:41:00 as each message is sent, and Alice's
 * clock held at 09:41:30 during the captures — so every time shown reads the same on every run. What still
 * changes between runs: the avatars' colours (they follow the account and conversation ids, which are
 * random) and the local key service's port (hidden).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Browser, type Locator, type Page } from '@playwright/test';
import type { WebHost } from '../../src/main/webHost/server';
import { startAppHost } from './harness';
import { auditPage, registerInUi } from './steps';

const shots = join(__dirname, '../../docs/screenshots');
const VIEWPORT = { width: 1280, height: 800 };
const ACCOUNTS_AT = new Date(2026, 2, 12, 9, 40, 0);
const MESSAGES_AT = new Date(2026, 2, 12, 9, 41, 0);
type Theme = 'light' | 'dark';

const hosts = {} as { alice: WebHost; bob: WebHost; carol: WebHost };
test.beforeAll(async () => {
  const home = mkdtempSync(join(tmpdir(), 'seed-ui-shots-'));
  hosts.alice = await startAppHost('ui-shots-alice', { core: { home } });
  hosts.bob = await startAppHost('ui-shots-bob', { core: { home } });
  hosts.carol = await startAppHost('ui-shots-carol', { core: { home } });
});
test.afterAll(async () => {
  await hosts.carol?.close();
  await hosts.bob?.close();
  await hosts.alice?.close();
});

async function openPage(browser: Browser, url: string): Promise<Page> {
  // axe-core's Playwright binding needs a page of a context made with browser.newContext().
  const context = await browser.newContext({ viewport: VIEWPORT, colorScheme: 'light', reducedMotion: 'reduce' });
  const page = await context.newPage();
  await page.clock.install({ time: ACCOUNTS_AT });
  await page.goto(url);
  return page;
}

async function useTheme(page: Page, theme: Theme): Promise<void> {
  await page.emulateMedia({ colorScheme: theme });
  await expect(page.locator('html')).toHaveClass(new RegExp(`theme-${theme}`));
}

/** The local key service's port changes every run: the picture leaves that line blank (CSSOM, which the CSP allows). */
async function hideChanging(page: Page, hidden: boolean): Promise<void> {
  await page.getByTestId('server-info').evaluateAll(
    (els, visibility) => {
      for (const el of els) if (el instanceof HTMLElement) el.style.visibility = visibility;
    },
    hidden ? 'hidden' : '',
  );
}

/**
 * What differs between runs by design: the avatars' colours, which follow random account and conversation ids,
 * and presence dots (online, away or offline by the relay's timing; docs/messaging.md "Presence").
 */
function changingRegions(page: Page): Locator[] {
  return [page.getByTestId('avatar'), page.locator('.avatar-stack'), page.getByTestId('presence')];
}

/**
 * The view in both themes: an audit of each, a visual regression check of each against the reviewed
 * baseline in test/e2e/__screenshots__ (the regions that change per run masked; a soft check, so every
 * view is compared and written before the test fails), and the docs/ screenshot.
 */
async function capture(page: Page, view: string): Promise<void> {
  for (const theme of ['light', 'dark'] as const) {
    await useTheme(page, theme);
    await auditPage(page, `${view} (${theme})`);
    await hideChanging(page, true);
    await expect.soft(page, `${view} (${theme}) looks as reviewed`).toHaveScreenshot(`${view}-${theme}.png`, {
      mask: changingRegions(page),
      animations: 'disabled',
      caret: 'hide',
      maxDiffPixels: 20,
    });
    await page.screenshot({ path: join(shots, `${view}-${theme}.png`), animations: 'disabled', caret: 'hide' });
    await hideChanging(page, false);
  }
  await useTheme(page, 'light');
}

/** An audit of what is on screen now, in each theme (a view without a screenshot). */
async function auditBoth(page: Page, view: string): Promise<void> {
  for (const theme of ['light', 'dark'] as const) {
    await useTheme(page, theme);
    await auditPage(page, `${view} (${theme})`);
  }
  await useTheme(page, 'light');
}

async function send(page: Page, text: string): Promise<void> {
  // Every message is sent at 09:41:00 by the page's clock, however long the walk took so far.
  await page.clock.setSystemTime(MESSAGES_AT);
  const composer = page.getByTestId('composer-input');
  await expect(composer).toBeEnabled({ timeout: 15_000 });
  await composer.fill(text);
  await composer.press('Enter');
  await expect(page.getByRole('log').getByTestId('message-text').filter({ hasText: text })).toBeVisible({ timeout: 15_000 });
}

async function open(page: Page, title: string): Promise<void> {
  const row = page.getByTestId('conversation-row').filter({ hasText: title });
  if (!(await row.isVisible())) await page.reload();
  await row.click({ timeout: 15_000 });
  await expect(page.getByTestId('chat-title')).toHaveText(title);
}

test('a new user reaches a group chat; every main view in light and dark, with no serious accessibility violation', async ({ browser }) => {
  // About 40 s alone; 2.1 min in a CI run beside another spec (three pages, presence on): room to spare.
  test.setTimeout(420_000);
  const a = await openPage(browser, hosts.alice.url);
  await expect(a.getByTestId('onboarding')).toBeVisible({ timeout: 30_000 });
  await capture(a, 'onboarding');

  const b = await openPage(browser, hosts.bob.url);
  const c = await openPage(browser, hosts.carol.url);
  await registerInUi(a, 'alice', 'Alice Archer');
  await registerInUi(b, 'bob', 'Bob Builder');
  await registerInUi(c, 'carol', 'Carol Chen');
  await expect(a.getByTestId('no-conversation')).toBeVisible();

  // Alice's first group, from the empty state's action.
  await a.getByTestId('empty-new-conversation').click();
  const dialog = a.getByRole('dialog', { name: 'New conversation' });
  await dialog.getByTestId('kind-group').check();
  await dialog.getByTestId('group-name').fill('Launch team');
  for (const name of ['bob', 'carol']) {
    await dialog.getByTestId('user-search').fill(name);
    await dialog.getByTestId('user-result').check();
  }
  await expect(dialog.getByTestId('selected-users')).toHaveText('Selected: Bob Builder, Carol Chen');
  await dialog.getByTestId('create-conversation').click();
  await expect(a.getByTestId('chat-title')).toHaveText('Launch team');
  await expect(a.getByTestId('chat-subtitle')).toHaveText('3 members');

  for (const page of [a, b, c]) await page.clock.setSystemTime(MESSAGES_AT);
  await send(a, 'Morning! The launch checklist is in the shared doc.');
  await send(a, 'Could everyone review it before 11?');
  await open(b, 'Launch team');
  await send(b, 'On it. Two small fixes in section 3, otherwise it looks good.');
  await open(c, 'Launch team');
  await send(c, 'Reviewed, ship it!');

  // A direct message beside the group, with a reply Alice has not read yet.
  await a.getByTestId('new-conversation').click();
  await dialog.getByTestId('user-search').fill('bob');
  await dialog.getByTestId('user-result').check();
  await dialog.getByTestId('create-conversation').click();
  await expect(a.getByTestId('chat-title')).toHaveText('Bob Builder');
  await send(a, 'Lunch after the launch?');
  await expect(a.getByTestId('message').filter({ hasText: 'Lunch after' }).getByTestId('delivery-state')).toHaveText('Sent', { timeout: 15_000 });
  await a.getByTestId('conversation-row').filter({ hasText: 'Launch team' }).click();
  await open(b, 'Alice Archer');
  await expect(b.getByRole('log').getByTestId('message-text').filter({ hasText: 'Lunch after the launch?' })).toBeVisible({ timeout: 15_000 });
  await send(b, 'Sure, 12:30 at the usual place.');

  const log = a.getByRole('log', { name: 'Messages with Launch team' });
  await expect(log.getByTestId('message-text')).toHaveText([
    'Morning! The launch checklist is in the shared doc.',
    'Could everyone review it before 11?',
    'On it. Two small fixes in section 3, otherwise it looks good.',
    'Reviewed, ship it!',
  ]);
  await expect(log.getByTestId('day-separator')).toHaveText(['Today']);
  // Alice's two messages form one group: one avatar and name for both.
  await expect(log.getByTestId('message').filter({ hasText: 'Could everyone' }).getByTestId('avatar')).toHaveCount(0);
  await expect(log.getByTestId('message').filter({ hasText: 'Morning!' }).getByTestId('message-time')).toHaveAttribute(
    'title',
    'Thursday, 12 March 2026 at 09:41',
  );
  const dm = a.getByTestId('conversation-row').filter({ hasText: 'Bob Builder' });
  await expect(dm.getByTestId('unread-count')).toHaveText('1', { timeout: 30_000 });
  await expect(dm).toContainText('Sure, 12:30 at the usual place.');
  await expect(a.getByTestId('typing-indicator')).toHaveText('', { timeout: 15_000 });
  await a.getByTestId('composer-input').click();
  // Alice's clock stops at 09:41:30 (timers still run): the list reads "now" for the last messages however
  // long the captures take (a slow machine once passed 09:42 and the list read "09:41").
  await a.clock.setFixedTime(new Date(MESSAGES_AT.getTime() + 30_000));
  await expect(a.getByTestId('conversation-time')).toHaveText(['now', 'now'], { timeout: 30_000 });
  await capture(a, 'group-chat');

  await a.getByTestId('open-security').click();
  const security = a.getByRole('dialog', { name: 'Security' });
  await expect(security.getByTestId('key-version')).toHaveText('1');
  await expect(security.getByTestId('trust-badge')).toHaveCount(2);
  await capture(a, 'security-panel');
  await security.getByRole('button', { name: 'Close Security' }).click();

  await a.getByTestId('open-settings').click();
  const settings = a.getByRole('dialog', { name: 'Settings' });
  await expect(settings).toBeVisible();
  await capture(a, 'settings');
  await settings.getByRole('button', { name: 'Close Settings' }).click();

  // The About dialog and a message's actions menu: audited in both themes (no screenshots).
  await a.getByTestId('open-about').click();
  const about = a.getByRole('dialog', { name: 'About Seed Messenger' });
  await expect(about.getByTestId('keychain-status')).toBeVisible();
  await expect(about.getByTestId('app-crypto')).toContainText(/^(libsodium \(sodium-native [\d.]+\)|Node\.js crypto \(OpenSSL [^)]+\)), in the app core/);
  await auditBoth(a, 'about');
  await about.getByRole('button', { name: 'Close About Seed Messenger' }).click();
  const first = log.getByTestId('message').filter({ hasText: 'Reviewed, ship it!' });
  await first.getByRole('button', { name: 'More actions' }).focus();
  await a.keyboard.press('Shift+F10');
  await expect(a.getByRole('menu')).toBeVisible();
  await auditBoth(a, 'message-menu');
  await a.keyboard.press('Escape');
  await expect(a.getByRole('menu')).toBeHidden();

  // Over the body limit the composer refuses before sending, and says why; back under it, it sends.
  const composer = a.getByTestId('composer-input');
  const messages = log.getByTestId('message');
  await composer.fill('x'.repeat(22_000));
  await expect(a.getByTestId('composer-counter')).toHaveText('22,000 / 23,600');
  await expect(a.getByTestId('composer-send')).toBeEnabled();
  await composer.fill('x'.repeat(23_601));
  await expect(a.getByTestId('composer-counter')).toHaveText('23,601 / 23,600');
  await expect(a.getByTestId('composer-hint')).toHaveText(
    /^This message is too long to send: 1 over the limit of 23,600 .*Shorten it or split it into several messages\.$/,
  );
  await expect(a.getByTestId('composer-send')).toBeDisabled();
  await expect(composer).toHaveAttribute('aria-invalid', 'true');
  await composer.press('End');
  await composer.press('Enter');
  await expect(composer).toHaveValue('x'.repeat(23_601));
  await expect(messages).toHaveCount(4);
  await composer.fill('Short again.');
  await expect(a.getByTestId('composer-counter')).toHaveCount(0);
  await composer.press('Enter');
  await expect(messages).toHaveCount(5);
});
