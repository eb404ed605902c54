/**
 * Broadcast channels in Chromium over the real messenger core, key service, default key manager and relay
 * of the embedded local stack (docs/broadcast.md §8.1): Alice reaches the Channels tab by keyboard, the
 * create form refuses a bad key manager URL and, with a sentence, a plain-http one on the network (§6), she creates a channel, posts, and grants Bob subscriber; Bob
 * sees the key manager URL before following, follows and reads her post; Alice removes Bob after a
 * confirmation; her next post shows as not readable for Bob (with its code) while the old one stays
 * readable, and his roles read "no access".
 */
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { twoProfileHosts } from './harness';
import { aliceAndBob } from './steps';

const shots = join(__dirname, '../../test-results/screenshots');
const hosts = twoProfileHosts('ui-bcast');

test('alice creates a channel, bob follows and reads, alice removes bob', async ({ browser }) => {
  test.setTimeout(120_000);
  const { a, b } = await aliceAndBob(browser, hosts);

  await a.getByTestId('area-conversations').focus();
  await a.keyboard.press('ArrowRight');
  await expect(a.getByTestId('area-channels')).toHaveAttribute('aria-selected', 'true');
  await expect(a.getByTestId('channels-area')).toBeVisible();

  await a.getByTestId('new-channel').click();
  const create = a.getByRole('dialog', { name: 'New channel' });
  await create.getByLabel('Channel name').fill('Company news');
  await create.getByLabel('Custom key manager URL (optional)').fill('ftp://km.example.com');
  await create.getByTestId('create-channel').click();
  await expect(create.getByTestId('new-channel-invalid')).toContainText('http(s)');
  await create.getByLabel('Custom key manager URL (optional)').fill('http://km.example.com');
  await create.getByTestId('create-channel').click();
  await expect(create.getByTestId('new-channel-invalid')).toContainText(
    'The key manager km.example.com is not reached over https, so anyone on the network could read this channel. Use an https:// address.',
  );
  await create.getByLabel('Custom key manager URL (optional)').fill('');
  await create.getByTestId('create-channel').click();
  await expect(create).toBeHidden({ timeout: 15_000 });
  const aliceView = a.getByTestId('channel-view');
  await expect(aliceView.getByTestId('channel-title')).toHaveText('Company news');
  await expect(aliceView.getByTestId('channel-your-roles')).toContainText('owner');
  const keyManagerUrl = (await aliceView.getByTestId('channel-key-manager-url').textContent()) ?? '';
  expect(keyManagerUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/km$/);

  const composer = aliceView.getByTestId('composer-input');
  await composer.fill('all hands at ten');
  await composer.press('Enter');
  await expect(aliceView.getByTestId('broadcast-text').filter({ hasText: 'all hands at ten' })).toBeVisible({ timeout: 15_000 });

  await aliceView.getByTestId('manage-channel-access').click();
  const access = a.getByRole('dialog', { name: 'Access to Company news' });
  await access.getByTestId('user-search').fill('bob');
  await access.getByTestId('user-result').check();
  await access.getByTestId('grant-channel-role').click();
  await expect(access.getByTestId('channel-access-notice')).toHaveText('Granted subscriber.');
  await a.keyboard.press('Escape');
  await expect(access).toBeHidden();

  await b.getByTestId('area-channels').click();
  await b.getByTestId('channel-row').filter({ hasText: 'Company news' }).click({ timeout: 15_000 });
  const bobView = b.getByTestId('channel-view');
  await expect(bobView.getByTestId('channel-your-roles')).toContainText('subscriber');
  await expect(bobView.getByTestId('channel-key-manager-url')).toHaveText(keyManagerUrl);
  await expect(bobView.getByTestId('channel-key-manager')).toContainText('This key manager can read the channel');
  await expect(bobView.getByTestId('follow-channel')).toBeVisible();
  await expect(bobView.getByTestId('broadcast-message')).toHaveCount(0);
  await bobView.getByTestId('follow-channel').click();
  await expect(bobView.getByTestId('broadcast-text').filter({ hasText: 'all hands at ten' })).toBeVisible({ timeout: 15_000 });
  await expect(bobView.getByTestId('channel-read-only')).toBeVisible();
  await expect(bobView.getByTestId('unfollow-channel')).toBeVisible();

  await aliceView.getByTestId('manage-channel-access').click();
  await access.getByTestId('user-search').fill('bob');
  await access.getByTestId('user-result').check();
  await access.getByTestId('revoke-channel-reader').click();
  await expect(access.getByTestId('confirm-revoke')).toContainText('Remove Bob from Company news?');
  await access.getByTestId('confirm-revoke-button').click();
  await expect(access.getByTestId('channel-access-notice')).toContainText('version 2', { timeout: 15_000 });
  await a.keyboard.press('Escape');

  await composer.fill('bob has left');
  await composer.press('Enter');
  await expect(aliceView.getByTestId('broadcast-text').filter({ hasText: 'bob has left' })).toBeVisible({ timeout: 15_000 });

  const notReadable = bobView.locator('[data-testid="broadcast-message"][data-state="notReadable"]');
  await expect(notReadable).toHaveCount(1, { timeout: 20_000 });
  await expect(notReadable).toHaveAttribute('data-code', 'subscriber_revoked');
  await expect(notReadable).toContainText('You were removed from this channel; messages after that cannot be read.');
  await expect(bobView.getByTestId('broadcast-text')).toHaveText(['all hands at ten']);
  await expect(bobView.getByTestId('channel-your-roles')).toHaveText('Your roles: no access', { timeout: 15_000 });
  expect(await bobView.getByText('bob has left').count()).toBe(0);

  await a.screenshot({ path: join(shots, 'ui-broadcast-alice.png'), fullPage: true });
  await b.screenshot({ path: join(shots, 'ui-broadcast-bob.png'), fullPage: true });
});
