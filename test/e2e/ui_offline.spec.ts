/**
 * Issue [store], Offline, as people use it in Chromium (web host, main handlers, client core, keychain, the
 * real key service and relay on loopback). The spec runs the relay itself and records it as the Seed home's
 * local stack (`local-stack/stack.json`), so both app hosts join it — and the spec can STOP the relay
 * process's server and start it again on the same port with the same data.
 *
 * (a) With the relay stopped, Bob reloads: the conversation shows the earlier message from main's store.
 * (b) Alice sends while the relay is stopped: the message shows at once as waiting for the network; when
 *     the relay is back, main's queue sends it, Bob sees it exactly once and Alice's status becomes Sent.
 * (c) Alice is on her only device: signing out warns that the account and its history are lost, and the
 *     button stays disabled until she ticks that she understands.
 */
import { expect, test } from '@playwright/test';
import { hostsOnOwnStack } from './harness';
import { aliceAndBob, startDirectMessage } from './steps';

const { hosts, stopRelay, startRelayAgain } = hostsOnOwnStack('ui-offline');

test('offline: stored history after a restart, a queued send delivered once, the last-device warning', async ({ browser }) => {
  test.setTimeout(180_000);
  const { a, b } = await aliceAndBob(browser, hosts);
  await startDirectMessage(a, 'bob', 'Bob');
  const composerA = a.getByTestId('composer-input');
  await expect(composerA).toBeEnabled({ timeout: 15_000 });
  await composerA.fill('before the outage');
  await composerA.press('Enter');
  await expect(a.getByTestId('message').filter({ hasText: 'before the outage' }).getByTestId('delivery-state')).toHaveText('Sent', { timeout: 15_000 });
  const row = b.getByTestId('conversation-row').filter({ hasText: 'Alice' });
  if (!(await row.isVisible())) await b.reload();
  await row.click({ timeout: 15_000 });
  await expect(b.getByRole('log').getByTestId('message-text')).toHaveText(['before the outage'], { timeout: 15_000 });

  // The relay stops: its server closes and nothing answers on its port.
  await stopRelay();

  // (a) Bob restarts the app with the relay stopped: the conversation is there, from main's store.
  await b.reload();
  await b.getByTestId('conversation-row').filter({ hasText: 'Alice' }).click({ timeout: 15_000 });
  await expect(b.getByRole('log').getByTestId('message-text')).toHaveText(['before the outage'], { timeout: 15_000 });

  // (b) Alice sends while the relay is stopped: shown at once, waiting for the network, in plain words.
  await composerA.fill('sent while offline');
  await composerA.press('Enter');
  const queued = a.getByTestId('message').filter({ hasText: 'sent while offline' });
  await expect(queued.getByTestId('queued-state')).toHaveText("Waiting for network — will send when you're back online", { timeout: 15_000 });
  await expect(a.getByTestId('connection-state')).toContainText("messages will be sent when you're back online");
  // No raw error is shown for being offline.
  await expect(a.getByTestId('chat-error')).toHaveCount(0);

  // The relay comes back on the same port with the same data: main's queue sends the message.
  await startRelayAgain();
  await expect(queued.getByTestId('delivery-state')).toHaveText('Sent', { timeout: 60_000 });
  await expect(queued.getByTestId('queued-state')).toHaveCount(0);
  const bobLog = b.getByRole('log');
  await expect(bobLog.getByTestId('message-text')).toHaveText(['before the outage', 'sent while offline'], { timeout: 60_000 });
  await expect(bobLog.getByTestId('message').filter({ hasText: 'sent while offline' })).toHaveCount(1);
  // After a reload, still once (main's store and the relay's history agree).
  await b.reload();
  await b.getByTestId('conversation-row').filter({ hasText: 'Alice' }).click({ timeout: 15_000 });
  await expect(b.getByRole('log').getByTestId('message-text')).toHaveText(['before the outage', 'sent while offline'], { timeout: 15_000 });

  // (c) Alice has one device: signing out warns first and needs an explicit tick.
  await a.getByTestId('sign-out').click();
  const dialog = a.getByTestId('sign-out-dialog');
  await expect(dialog.getByTestId('last-device-warning')).toContainText('This is the only device signed in to your account.');
  await expect(dialog.getByTestId('last-device-warning')).toContainText('unreadable everywhere');
  const confirm = dialog.getByTestId('confirm-sign-out');
  await expect(confirm).toBeDisabled();
  await dialog.getByTestId('confirm-last-device').check();
  await expect(confirm).toBeEnabled();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(a.getByTestId('signed-in-as')).toContainText('Alice');
});
