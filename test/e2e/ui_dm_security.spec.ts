/**
 * A direct conversation's security panel and the devices panel in Chromium over the real messenger core and
 * the embedded local stack: Alice and Bob each see their own code (their half of the safety number,
 * docs/protocol.md §10.1) and never the other's; Alice types Bob's code as Bob's screen shows it — a
 * wrong one first gets a sentence and changes nothing — and gets the verified badge; until then the chat
 * header and the line that starts the DM mark Bob as a new contact; the devices panel lists this device.
 */
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { twoProfileHosts } from './harness';
import { registerInUi, startDirectMessage } from './steps';

const shots = join(__dirname, '../../test-results/screenshots');
const hosts = twoProfileHosts('ui-dm');

const register = registerInUi;

/** Controls on the page with no accessible name (label, aria-label or text). */
async function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('button, input, select, textarea, [role="tab"], [role="log"]')]
      .filter((el) => {
        const labels = (el as HTMLInputElement).labels;
        const name = el.getAttribute('aria-label') ?? (labels && labels.length > 0 ? labels[0]?.textContent : null) ?? el.textContent ?? '';
        return name.trim() === '';
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );
}

/** Opens the security panel and reads this user's own code. */
async function ownCode(page: Page): Promise<string> {
  await page.getByTestId('open-security').click();
  const security = page.getByRole('dialog', { name: 'Security' });
  const digits = (await security.getByTestId('own-code').innerText()).replace(/\s+/g, ' ').trim();
  expect(digits).toMatch(/^(\d{5} ){5}\d{5}$/);
  return digits;
}

test("each side of a DM shows only its own code; typing Bob's code verifies him; devices list this device; every control is labelled", async ({ browser }) => {
  test.setTimeout(120_000);
  const a = await browser.newPage();
  const b = await browser.newPage();
  await a.goto(hosts.alice.url);
  await b.goto(hosts.bob.url);
  await register(a, 'alice', 'Alice', 'Alice desktop');
  await register(b, 'bob', 'Bob', 'Bob desktop');

  await startDirectMessage(a, 'bob', 'Bob');
  expect(await unlabelledControls(a)).toEqual([]);
  const newBob = a.getByRole('img', { name: 'new contact: you have not met or verified Bob' });
  await expect(a.locator('.chat-header').getByRole('img', { name: 'new contact: you have not met or verified Bob' })).toBeVisible();
  await expect(a.getByTestId('system-line')).toHaveText([/^You started the conversation with Bob/]);
  await expect(newBob).toHaveCount(2);
  await expect(a.getByTestId('chat-trust')).toHaveCount(0);

  await b.reload();
  await b.getByTestId('conversation-row').filter({ hasText: 'Alice' }).click();
  const bobsCode = await ownCode(b);
  await b.keyboard.press('Escape');

  const alicesCode = await ownCode(a);
  expect(alicesCode).not.toBe(bobsCode);
  const security = a.getByRole('dialog', { name: 'Security' });
  await expect(security.getByRole('heading', { name: /Safety number with Bob/ })).toBeVisible();
  await expect(security.getByTestId('trust-badge')).toHaveText('Not verified');
  await expect(security, "Alice's page never shows Bob's code").not.toContainText(bobsCode);
  expect(await unlabelledControls(a)).toEqual([]);
  await security.getByLabel("Bob's code, as their device shows it").fill(alicesCode);
  await security.getByTestId('mark-verified').click();
  await expect(security.getByTestId('security-error')).toContainText("That is not the code Bob's device shows. Nothing was changed");
  await expect(security.getByTestId('trust-badge')).toHaveText('Not verified');
  await security.getByLabel("Bob's code, as their device shows it").fill(bobsCode);
  await security.getByTestId('mark-verified').click();
  await expect(security.getByTestId('trust-badge')).toHaveText('✔ Verified');
  await expect(security.getByTestId('mark-verified')).toHaveCount(0);
  await a.screenshot({ path: join(shots, 'ui-dm-safety-number.png'), fullPage: true });
  await a.keyboard.press('Escape');
  await expect(newBob, 'a verified contact is not new').toHaveCount(0);
  // The header's one trust word follows (it showed nothing while Bob was not verified).
  await expect(a.locator('.chat-header').getByTestId('chat-trust')).toHaveText('✔ Verified');

  await a.getByTestId('open-devices').click();
  const devices = a.getByRole('dialog', { name: 'Devices' });
  await expect(devices.getByTestId('device')).toHaveCount(1);
  await expect(devices.getByTestId('device')).toContainText('Alice desktop');
  await expect(devices.getByTestId('device')).toContainText('this device');
  await expect(devices.getByTestId('revoke-device')).toHaveCount(0);
  expect(await unlabelledControls(a)).toEqual([]);
  await a.getByRole('button', { name: 'Close Devices' }).click();
  await a.getByTestId('open-members').click();
  await expect(a.getByRole('dialog', { name: 'Members' })).toBeVisible();
  expect(await unlabelledControls(a)).toEqual([]);
});
