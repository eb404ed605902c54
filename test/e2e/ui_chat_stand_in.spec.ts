/**
 * The chat as Chromium renders it: Alice in the built renderer, Bob on a plain messaging pipeline, over a
 * real relay with the real `pubnub` SDK (browser build in the page) and real envelopes. The main-side
 * session, conversation, transport and sealing handlers are a STAND-IN (`standInHandlersForUnwiredChannels`:
 * the messaging tests' real test crypto device in Node) so the UI can be checked before every core handler
 * is wired into this host; the full flows against the real core are the lead's specs. Checked here: HTML in
 * a message is text and runs nothing, Enter sends and Shift+Enter breaks the line, the history is an ARIA log
 * that renders only a window of a long history and scrolls back, a cannot-decrypt placeholder resolves in
 * place, typing and reactions show.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { AppError } from '../../src/common/errors';
import type { ConversationId } from '../../src/common/ids';
import { bootstrapMain } from '../../src/main/bootstrap';
import { createHandlers } from '../../src/main/composition';
import { createDispatcher, type Handlers } from '../../src/main/ipc/dispatch';
import { createEventHub, type EventHub } from '../../src/main/ipc/eventHub';
import { startWebHost, type WebHost } from '../../src/main/webHost/server';
import {
  cleanup,
  conversation,
  participant,
  PUB,
  rotate,
  startTestRelay,
  SUB,
  texts,
  waitFor,
  type Participant,
  participantSealing,
  twoMemberSummary,
} from '../messaging/harness';

const root = join(__dirname, '../..');
const shots = join(root, 'test-results/screenshots');
/** The code Bob's device shows in this stand-in world (main's check is in test/main/compromised_renderer_*.test.ts). */
const BOB_CODE = '98765 43210 98765 43210 98765 43210';

interface World {
  host: WebHost;
  alice: Participant;
  bob: Participant;
  dm: ConversationId;
}

type Trust = Record<string, 'unverified' | 'verified' | 'changed'>;

function standInHandlersForUnwiredChannels(alice: Participant, bob: Participant, dm: ConversationId, origin: string, trust: Trust): Handlers {
  const trustOf = (userId: string) => ({ userId, state: trust[userId] ?? 'unverified', ownCode: '01234 56789 01234 56789 01234 56789' });
  const device = alice.user.devices[0]!;
  const summary = twoMemberSummary(dm, alice, bob);
  return {
    session: async () => ({
      state: 'signedIn',
      serverUrl: 'http://127.0.0.1:1',
      localStack: true,
      user: { userId: alice.user.userId, username: 'alice', displayName: 'Alice' },
      deviceId: device.deviceId,
      deviceName: 'Desktop',
    }),
    transportConfig: async () => ({ origin, ssl: false, subscribeKey: SUB, publishKey: PUB, userId: alice.user.userId, token: null }),
    listConversations: async () => [summary],
    listDevices: async () => [],
    contactTrust: async (userId) => trustOf(userId),
    markVerified: async (userId, code) => {
      if (code !== BOB_CODE) throw new AppError('contact_code_mismatch', "That is not the code Bob's device shows.", 'permission');
      trust[userId] = 'verified';
      return trustOf(userId);
    },
    acknowledgeIdentityChange: async (userId, code) => {
      if (code !== BOB_CODE) throw new AppError('contact_code_mismatch', "That is not the code Bob's device shows.", 'permission');
      trust[userId] = 'verified';
      return trustOf(userId);
    },
    ...participantSealing(alice),
  };
}

async function startWorld(name: string, trust: Trust = {}): Promise<World> {
  const relay = await startTestRelay();
  const alice = await participant(relay, 'alice');
  const bob = await participant(relay, 'bob');
  const dm = await conversation(`dm-ui-${name}`, [alice, bob]);
  await bob.messaging.join([dm]);
  const deps = await bootstrapMain({
    facts: { name: 'Seed Messenger', version: '0.1.0', platform: process.platform, runtime: 'node', runtimeVersion: process.versions.node },
    home: mkdtempSync(join(tmpdir(), 'seed-e2e-chat-')),
    profile: 'ui-chat',
    network: 'none',
  });
  const events: EventHub = createEventHub();
  alice.crypto.onKeyAvailable((conversationId, keyVersion) => events.emit('keyAvailable', { conversationId, keyVersion }));
  const handlers = { ...createHandlers(deps), ...standInHandlersForUnwiredChannels(alice, bob, dm, relay.origin, trust) };
  const host = await startWebHost({
    dispatch: createDispatcher(handlers),
    rendererDir: join(root, 'out/renderer'),
    bridgeFile: join(root, 'out/web/bridge.js'),
    events,
  });
  return { host, alice, bob, dm };
}

let world: World | undefined;
test.afterEach(async () => {
  await world?.host.close();
  world = undefined;
  await cleanup();
});

test('messages both ways: HTML is text and runs nothing, Enter sends, Shift+Enter breaks the line', async ({ page }) => {
  world = await startWorld('both-ways');
  const { host, bob, dm } = world;
  await page.goto(host.url);
  await page.getByTestId('conversation-row').click();
  const composer = page.getByTestId('composer-input');
  await expect(composer).toBeEnabled();

  const hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
  await composer.fill(hostile);
  await composer.press('Shift+Enter');
  await composer.pressSequentially('second line');
  await composer.press('Enter');
  await expect(composer).toHaveValue('');
  await waitFor('bob receives it', () => texts(bob, dm).length === 1);
  expect(texts(bob, dm)).toEqual([`${hostile}\nsecond line`]);

  const mine = page.getByTestId('message').filter({ hasText: 'second line' });
  await expect(mine.getByTestId('message-text')).toHaveText(`${hostile}\nsecond line`);
  await expect(mine.getByTestId('delivery-state')).toHaveText('Sent');
  expect(await mine.locator('img, script').count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

  await bob.messaging.setTyping(dm, true);
  await expect(page.getByTestId('typing-indicator')).toHaveText('Bob is typing…');
  await bob.messaging.send(dm, { type: 'string', body: 'got it, alice' });
  const theirs = page.getByTestId('message').filter({ hasText: 'got it, alice' });
  await expect(theirs).toContainText('Bob');
  await expect(page.getByTestId('typing-indicator')).toHaveText('');
  await theirs.getByRole('button', { name: 'React with 👍' }).click();
  await expect(theirs.getByTestId('reaction')).toHaveAttribute('aria-pressed', 'true');
  await waitFor('bob sees the reaction', () => bob.messaging.view(dm).items.some((i) => i.kind === 'message' && i.reactions.length === 1));
  await expect(mine.getByTestId('delivery-state')).toHaveText('Sent');
  await page.screenshot({ path: join(shots, 'ui-chat-both-ways.png'), fullPage: true });
});

test('a long history is windowed in an ARIA log, scrolls back and offers the newest; a cannot-decrypt placeholder resolves', async ({ page }) => {
  test.setTimeout(120_000);
  world = await startWorld('long');
  const { host, alice, bob, dm } = world;
  for (let i = 1; i <= 120; i += 1) await bob.messaging.send(dm, { type: 'string', body: `message ${i}` });
  await page.goto(host.url);
  await page.getByTestId('conversation-row').click();
  const log = page.getByRole('log', { name: 'Messages with Bob' });
  await expect(log.getByText('message 120', { exact: true })).toBeVisible();
  const rendered = await log.getByTestId('message').count();
  expect(rendered).toBeGreaterThan(3);
  expect(rendered).toBeLessThan(60);

  // Scrolling to the top loads one older page at a time (5 pages of 25); a loaded machine needs longer.
  const deadline = Date.now() + 40_000;
  while (Date.now() < deadline && !(await page.getByText('Start of the conversation').isVisible())) {
    await log.evaluate((el) => el.scrollTo({ top: 0 }));
    await page.waitForTimeout(150);
  }
  await expect(page.getByText('Start of the conversation')).toBeVisible();
  await log.evaluate((el) => el.scrollTo({ top: 0 }));
  await expect(log.getByText('message 1', { exact: true })).toBeVisible();
  expect(await log.getByTestId('message').count()).toBeLessThan(60);

  await bob.messaging.send(dm, { type: 'string', body: 'fresh while reading' });
  await page.getByTestId('jump-newest').click();
  await expect(log.getByText('fresh while reading', { exact: true })).toBeVisible();
  await expect(page.getByTestId('jump-newest')).toHaveCount(0);

  const v2 = await rotate(dm, [alice, bob], [bob]);
  await bob.messaging.send(dm, { type: 'string', body: 'after the rotation' });
  await log.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  await expect(log.getByTestId('pending-message')).toHaveText('🔒 Waiting for the key to decrypt this message (key version 2)');
  // The rotation is security detail: not a line in the chat, but listed in the security panel.
  await expect(log).not.toContainText('The conversation key was rotated');
  await page.getByTestId('open-security').click();
  const keyChanges = page.getByRole('dialog', { name: 'Security' }).getByTestId('key-change');
  await expect(keyChanges).toHaveCount(1);
  await expect(keyChanges).toContainText('The conversation key was rotated (version 1 → 2)');
  await page.keyboard.press('Escape');
  await page.screenshot({ path: join(shots, 'ui-chat-pending.png'), fullPage: true });
  await v2.deliver(alice);
  await expect(log.getByText('after the rotation', { exact: true })).toBeVisible();
  await expect(log.getByTestId('pending-message')).toHaveCount(0);
  await page.screenshot({ path: join(shots, 'ui-chat-resolved.png'), fullPage: true });
});

test("an identity change blocks the composer until the new key is accepted with the contact's code (a wrong one is refused); verified badge", async ({
  page,
}) => {
  const trust: Trust = {};
  world = await startWorld('identity', trust);
  const { host, bob } = world;
  trust[bob.user.userId] = 'changed';
  await page.goto(host.url);
  await page.getByTestId('conversation-row').click();
  const banner = page.getByTestId('identity-changed-banner');
  await expect(banner).toContainText("Bob's safety number has changed");
  await expect(page.getByTestId('composer-input')).toBeDisabled();
  await expect(page.getByText("Sending is paused: Bob's safety number changed.")).toBeVisible();
  await page.screenshot({ path: join(shots, 'ui-identity-changed.png'), fullPage: true });

  await banner.getByRole('button', { name: 'Review safety number' }).click();
  const security = page.getByRole('dialog', { name: 'Security' });
  await expect(security.getByTestId('key-version')).toHaveText('1');
  await expect(security.getByTestId('own-code')).toHaveText('01234 56789 0123456789 01234 56789');
  await expect(security.getByTestId('trust-badge')).toHaveText('Safety number changed');
  await expect(security.getByTestId('mark-verified')).toBeDisabled();
  await security.getByTestId('contact-code').fill('11111 11111');
  await security.getByTestId('mark-verified').click();
  await expect(security.getByTestId('security-error')).toContainText("That is not the code Bob's device shows.");
  await expect(security.getByTestId('trust-badge')).toHaveText('Safety number changed');
  await security.getByTestId('contact-code').fill(BOB_CODE);
  await security.getByTestId('mark-verified').click();
  await expect(security.getByTestId('trust-badge')).toHaveText('✔ Verified');
  await page.screenshot({ path: join(shots, 'ui-safety-number.png'), fullPage: true });
  await page.keyboard.press('Escape');

  await expect(page.getByTestId('identity-changed-banner')).toHaveCount(0);
  await expect(page.getByTestId('composer-input')).toBeEnabled();
});
