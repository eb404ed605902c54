/**
 * Issue [store], cold start: at a signed-in start main draws the kept conversation list into the page it
 * serves (src/common/view/firstPaint.ts; docs/desktop.md "Start"), so the list is on screen before the
 * renderer's scripts run; the renderer's own list replaces it in one frame. Real Chromium, web host, main
 * handlers, client core, keychain, key service and relay (embedded local stack).
 * - With the renderer's scripts blocked, the page still shows Bob's list (the first paint alone), inert:
 *   not a button anyone can reach, not in the accessibility tree.
 * - With the scripts, the first paint is gone once the renderer's list is there, and the two never show
 *   together.
 */
import { expect, test } from '@playwright/test';
import { twoProfileHosts } from './harness';
import { aliceAndBob, startDirectMessage } from './steps';

const hosts = twoProfileHosts('ui-first-paint');

test("a signed-in start paints the kept list before the renderer runs, and the renderer's list replaces it", async ({ browser }, info) => {
  test.setTimeout(120_000);
  const { a, b } = await aliceAndBob(browser, hosts);
  await startDirectMessage(a, 'bob', 'Bob');
  await a.getByTestId('composer-input').fill('hello bob');
  await a.getByTestId('composer-input').press('Enter');
  const row = b.getByTestId('conversation-row').filter({ hasText: 'Alice' });
  if (!(await row.isVisible())) await b.reload();
  await expect(row).toBeVisible({ timeout: 15_000 });
  // Bob's main now keeps the list the renderer was given.
  await b.reload();
  await expect(b.getByTestId('conversation-row').filter({ hasText: 'Alice' })).toBeVisible({ timeout: 15_000 });
  await expect(b.locator('#first-paint')).toHaveCount(0);

  // The same start with the renderer's scripts refused: what main's HTML alone shows.
  const origin = new URL(b.url()).origin;
  const refuse = (route: { abort(): Promise<void> }) => route.abort();
  await b.route('**/assets/*.js', refuse);
  await b.goto(`${origin}/`);
  await expect(b.getByTestId('first-paint-row').filter({ hasText: 'Alice' })).toBeVisible();
  await expect(b.getByTestId('conversation-row')).toHaveCount(0);
  await expect(b.getByRole('button', { name: 'Alice' })).toHaveCount(0);
  expect(await b.locator('#first-paint').evaluate((el) => el.hasAttribute('inert') && el.getAttribute('aria-hidden') === 'true')).toBe(true);
  await b.screenshot({ path: info.outputPath('first-paint-alone.png') });
  await b.unroute('**/assets/*.js', refuse);

  // With the scripts, watched: main's rows and the renderer's rows are never in the document at once.
  await b.addInitScript(() => {
    const w = window as unknown as { __both: boolean; __sawFirst: boolean };
    w.__both = false;
    w.__sawFirst = false;
    new MutationObserver(() => {
      const first = document.querySelector('[data-testid=first-paint-row]') !== null;
      if (first) w.__sawFirst = true;
      if (first && document.querySelector('[data-testid=conversation-row]') !== null) w.__both = true;
    }).observe(document, { subtree: true, childList: true });
  });
  await b.goto(`${origin}/`);
  await expect(b.getByTestId('conversation-row').filter({ hasText: 'Alice' })).toBeVisible({ timeout: 15_000 });
  await b.screenshot({ path: info.outputPath('renderer-list.png') });
  expect(await b.evaluate(() => (window as unknown as { __sawFirst: boolean }).__sawFirst)).toBe(true);
  expect(await b.evaluate(() => (window as unknown as { __both: boolean }).__both)).toBe(false);
  await expect(b.locator('#first-paint')).toHaveCount(0);
});
