/**
 * "Sent" only when a device can read it (docs/desktop.md "Look and layout"), in Chromium over two real
 * profiles, the real relay and key service: while Bob has a device, Alice's message reads "Sent"; once Bob
 * signed out of his only device (it is unlinked, so no device of his is left), Alice's next message reads
 * "No device can read this yet" — main answers from the directory that no other member has a device.
 */
import { expect, test, type Page } from '@playwright/test';
import { twoProfileHosts } from './harness';
import { aliceAndBob, startDirectMessage } from './steps';

const hosts = twoProfileHosts('ui-no-reader');

const messageIn = (page: Page, text: string) =>
  page
    .getByRole('log')
    .getByTestId('message')
    .filter({ has: page.getByTestId('message-text').getByText(text, { exact: true }) });

test('a message nobody else has a device for reads "No device can read this yet", not "Sent"', async ({ browser }) => {
  test.setTimeout(120_000);
  const { a, b } = await aliceAndBob(browser, hosts);
  await startDirectMessage(a, 'bob', 'Bob');
  const composer = a.getByTestId('composer-input');
  await expect(composer).toBeEnabled({ timeout: 15_000 });
  await composer.fill('while bob has a device');
  await composer.press('Enter');
  await expect(messageIn(a, 'while bob has a device').getByTestId('delivery-state')).toHaveText('Sent', { timeout: 15_000 });

  // Bob signs out of his only device: it is unlinked, and his account has no device left.
  await b.getByTestId('sign-out').click();
  await b.getByTestId('confirm-last-device').check();
  await b.getByTestId('confirm-sign-out').click();
  await expect(b.getByTestId('onboarding')).toBeVisible({ timeout: 15_000 });

  await composer.fill('is anyone there?');
  await composer.press('Enter');
  await expect(messageIn(a, 'is anyone there?').getByTestId('delivery-state')).toHaveText('No device can read this yet', { timeout: 15_000 });
});
