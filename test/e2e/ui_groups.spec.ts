/**
 * New group and the members panel in Chromium over the real messenger core and the embedded local stack
 * (key service + relay on loopback): Alice and Bob register in two profiles; Alice creates a group with
 * Bob, makes him an admin and removes him — each change leaves a line from the verified membership history
 * in the chat, the line that adds Bob (whom Alice just met) and the members list mark him as a new contact,
 * the removal rotates the key — then rotates once more from the security panel. The lines are the same
 * after the window reloads. Bob sees the group with its lines from his side, then no longer.
 */
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { twoProfileHosts } from './harness';
import { aliceAndBob } from './steps';

const shots = join(__dirname, '../../test-results/screenshots');
const hosts = twoProfileHosts('ui-group');

const newBob = 'new contact: you have not met or verified Bob';

test('a new group, a role change and a removal show persistent membership lines; a new contact is marked; removal and rotate-now raise the key version', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const { a, b } = await aliceAndBob(browser, hosts);
  // A new account gets the first-run tour: three ideas, one at a time; it blocks nothing (Alice leaves hers open).
  const tour = b.getByRole('region', { name: 'Getting started' });
  await expect(tour.getByRole('heading')).toHaveText('Your keys stay on your devices');
  await tour.getByRole('button', { name: 'Next' }).click();
  await expect(tour.getByRole('heading')).toHaveText('Link a second device');
  await tour.getByRole('button', { name: 'Next' }).click();
  await expect(tour.getByRole('heading')).toHaveText('Verify the people you talk to');
  await tour.getByRole('button', { name: 'Close' }).click();
  await expect(tour).toHaveCount(0);

  await a.getByTestId('new-conversation').click();
  const dialog = a.getByRole('dialog', { name: 'New conversation' });
  await dialog.getByTestId('kind-group').check();
  await dialog.getByTestId('group-name').fill('Launch team');
  await dialog.getByLabel('New members can read').selectOption('joined');
  await dialog.getByTestId('user-search').fill('bob');
  await dialog.getByTestId('user-result').check();
  await expect(dialog.getByTestId('selected-users')).toHaveText('Selected: Bob');
  await dialog.getByTestId('create-conversation').click();
  await expect(dialog).toBeHidden();
  await expect(a.getByTestId('chat-title')).toHaveText('Launch team');
  await expect(a.getByTestId('chat-subtitle')).toHaveText('2 members');
  // The key version is security detail: in the security panel, not under the title.
  await a.getByTestId('open-security').click();
  await expect(a.getByRole('dialog', { name: 'Security' }).getByTestId('key-version')).toHaveText('1');
  await a.keyboard.press('Escape');
  const log = a.getByRole('log', { name: 'Messages with Launch team' });
  await expect(log.getByTestId('system-line')).toHaveText(['You created the group', /^You added Bob/]);
  await expect(log.getByTestId('system-line').nth(1).getByRole('img', { name: newBob })).toBeVisible();

  await b.reload();
  await expect(b.getByTestId('conversation-row')).toContainText('Launch team');
  await b.getByTestId('conversation-row').filter({ hasText: 'Launch team' }).click();
  await expect(b.getByRole('log', { name: 'Messages with Launch team' }).getByTestId('system-line')).toHaveText([
    'Alice created the group',
    /^Alice added you$/,
  ]);

  await a.getByTestId('open-members').click();
  const members = a.getByRole('dialog', { name: 'Members' });
  await expect(members.getByTestId('history-policy')).toHaveText('New members read only messages sent after they join.');
  await expect(members.getByTestId('member')).toHaveCount(2);
  await expect(members.getByTestId('member').filter({ hasText: 'Bob' }).getByRole('img', { name: newBob })).toBeVisible();
  await expect(members.getByTestId('member').filter({ hasText: 'Alice' }).getByTestId('new-contact')).toHaveCount(0);
  await members.getByLabel('Role of Bob').selectOption('admin');
  await expect(members.getByLabel('Role of Bob')).toHaveValue('admin');
  // Bob's open chat hears of the role change (a membership_changed notice) and shows the line without a reload.
  await expect(b.getByRole('log', { name: 'Messages with Launch team' }).getByTestId('system-line')).toHaveText([
    'Alice created the group',
    /^Alice added you$/,
    'Alice made you an admin',
  ]);
  await a.screenshot({ path: join(shots, 'ui-group-members.png'), fullPage: true });
  await members.getByRole('button', { name: 'Remove Bob' }).click();
  await expect(members.getByTestId('confirm-remove-member'), 'removing a member asks first, naming them').toContainText('Remove Bob from');
  await members.getByTestId('confirm-remove-member-button').click();
  await expect(members.getByTestId('member')).toHaveCount(1);
  await a.keyboard.press('Escape');
  await expect(members).toBeHidden();

  const lines = ['You created the group', /^You added Bob/, 'You made Bob an admin', 'You removed Bob'];
  await expect(log.getByTestId('system-line')).toHaveText(lines);
  await expect(a.getByTestId('chat-subtitle')).toHaveText('1 member');

  await a.getByTestId('open-security').click();
  const security = a.getByRole('dialog', { name: 'Security' });
  await expect(security.getByTestId('key-version')).toHaveText('2');
  await security.getByTestId('rotate-key').click();
  await expect(security.getByTestId('key-version')).toHaveText('3');
  await a.keyboard.press('Escape');
  await a.screenshot({ path: join(shots, 'ui-group-after-removal.png'), fullPage: true });

  // The lines come from the signed history, not from what this window saw: a reload shows them all again.
  await a.reload();
  await a.getByTestId('conversation-row').filter({ hasText: 'Launch team' }).click();
  await expect(log.getByTestId('system-line')).toHaveText(lines);
  await expect(log.getByRole('img', { name: newBob })).toHaveCount(1);

  await b.reload();
  await expect(b.getByTestId('signed-in-as')).toBeVisible();
  await expect(b.getByText('No conversations yet.')).toBeVisible();
});
