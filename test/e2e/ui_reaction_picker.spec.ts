/**
 * Reactions with any emoji in Chromium between two real profiles (docs/desktop.md "Reactions"): Bob opens
 * the picker from the message menu ("React with another emoji…"), picks 🚀, then types 🦄 as "any other
 * emoji" — several reactions of one user on one message; the picker lists what he used first next time.
 * Alice sees both with their counts and who reacted. axe finds nothing serious or critical with the picker open.
 * Then the composer's emoji button (issue [ui]): the emoji goes where the caret was, and the caret after it.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { twoProfileHosts } from './harness';
import { registerInUi, startDirectMessage } from './steps';

const hosts = twoProfileHosts('ui-picker');

async function pageFor(browser: Browser, url: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(url);
  return page;
}

test('react with any emoji from the picker, several per user, with who reacted', async ({ browser }) => {
  test.setTimeout(150_000);
  const a = await pageFor(browser, hosts.alice.url);
  const b = await pageFor(browser, hosts.bob.url);
  await registerInUi(a, 'alice', 'Alice');
  await registerInUi(b, 'bob', 'Bob');
  await startDirectMessage(a, 'bob', 'Bob');
  const composer = a.getByTestId('composer-input');
  await expect(composer).toBeEnabled({ timeout: 15_000 });
  await composer.fill('we shipped it');
  await composer.press('Enter');
  const sentA = a.getByTestId('message').filter({ hasText: 'we shipped it' });
  await expect(sentA.getByTestId('delivery-state')).toHaveText('Sent', { timeout: 15_000 });

  const row = b.getByTestId('conversation-row').filter({ hasText: 'Alice' });
  if (!(await row.isVisible())) await b.reload();
  await row.click({ timeout: 15_000 });
  const messageB = b.getByRole('log').getByTestId('message').filter({ hasText: 'we shipped it' });
  await messageB.getByRole('button', { name: 'More actions' }).click({ timeout: 15_000 });
  await b.getByRole('menu').getByRole('menuitem', { name: 'React with another emoji…' }).click();
  const picker = b.getByRole('dialog', { name: 'React with an emoji' });
  await expect(picker).toBeVisible();
  const audit = await new AxeBuilder({ page: b }).analyze();
  expect(audit.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  await picker.getByRole('button', { name: 'React with 🚀' }).click();
  await expect(picker).toBeHidden();
  await expect(messageB.getByTestId('reaction').filter({ hasText: '🚀' })).toHaveText('🚀 1', { timeout: 15_000 });

  // A second reaction by the same user, typed; the picker now lists 🚀 first (used most).
  await messageB.getByRole('button', { name: 'More actions' }).click();
  await b.getByRole('menu').getByRole('menuitem', { name: 'React with another emoji…' }).click();
  await expect(picker.getByTestId('reaction-choice').first()).toHaveText('🚀');
  await expect(picker.getByTestId('reaction-choice').first()).toHaveAttribute('aria-pressed', 'true');
  await picker.getByTestId('reaction-other').fill('🦄');
  await picker.getByTestId('reaction-other-send').click();
  await expect(messageB.getByTestId('reaction')).toHaveText(['🚀 1', '🦄 1'], { timeout: 15_000 });

  // Alice sees both, with who reacted.
  await expect(sentA.getByTestId('reaction')).toHaveText(['🚀 1', '🦄 1'], { timeout: 15_000 });
  await expect(sentA.getByTestId('reaction').first()).toHaveAttribute('title', '🚀 by Bob');

  // The composer's emoji button puts the emoji where the caret was, and the caret after it.
  await composer.fill('party time');
  await a.getByRole('button', { name: 'Insert an emoji' }).click();
  const emoji = a.getByRole('dialog', { name: 'Insert an emoji' });
  await expect(emoji).toBeVisible();
  const audited = await new AxeBuilder({ page: a }).analyze();
  expect(audited.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  await emoji.getByRole('button', { name: 'Insert 🎉' }).click();
  await expect(emoji).toBeHidden();
  await expect(composer).toHaveValue('party time🎉');
  await expect(composer).toBeFocused();
  await composer.press('Home');
  await a.getByRole('button', { name: 'Insert an emoji' }).click();
  await emoji.getByRole('button', { name: 'Insert 🚀' }).click();
  await expect(composer).toHaveValue('🚀party time🎉');
  await composer.press('Enter');
  await expect(b.getByRole('log').getByTestId('message-text').filter({ hasText: 'party time' })).toHaveText('🚀party time🎉', { timeout: 15_000 });
});
