/**
 * Files in Chromium between two real profiles (web host, main handlers, client core, keychain, the embedded
 * key service, relay and file store; docs/desktop.md "Files"), in browser mode — no native dialog: the attach
 * button opens the browser's file picker and the bytes go to main in bounded pieces; "save" downloads the
 * bytes main verified. Alice's organisation allows files up to 25 MB. She picks a 26 MB file: the composer
 * refuses it with a sentence and nothing is sent. She sends Bob a 20 MB PDF with the attach button and a PNG
 * screenshot by dropping it on the conversation (the drop zone names him); the PDF's progress bar shows while
 * it goes. She cancels a third file while it is handed over: it says so, offers Retry, and never arrives.
 * Bob sees the PDF's card (name, size, type) and the screenshot's preview; he saves the PDF — a progress
 * bar while it comes — and the downloaded bytes are the ones Alice sent. axe finds nothing serious or
 * critical with the cards and the uploads on screen.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Browser, type Page, type Route } from '@playwright/test';
import { PNG } from 'pngjs';
import { POLICY_DEFAULTS } from '../../src/common/policy/values';
import type { WebHost } from '../../src/main/webHost/server';
import { startAppHost } from './harness';
import { auditPage, registerInUi, startDirectMessage } from './steps';

const PREFIX = `ui-files-${randomBytes(3).toString('hex')}`;
const hosts = {} as { alice: WebHost; bob: WebHost };
/** Cross-process steps on a loaded machine. */
const SLOW = { timeout: 60_000 };

test.beforeAll(async () => {
  const home = mkdtempSync(join(tmpdir(), `seed-${PREFIX}-`));
  hosts.alice = await startAppHost(`${PREFIX}-alice`, {
    core: { home },
    policy: { values: { ...POLICY_DEFAULTS, attachmentMaxSize: '25MB' }, managed: { attachmentMaxSize: 'machine' }, warnings: [] },
  });
  hosts.bob = await startAppHost(`${PREFIX}-bob`, { core: { home } });
});
test.afterAll(async () => {
  await hosts.bob?.close();
  await hosts.alice?.close();
});

async function pageFor(browser: Browser, url: string): Promise<Page> {
  // axe-core's Playwright binding needs a page of a context made with browser.newContext().
  const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  await page.goto(url);
  return page;
}

/** A 20 MB PDF: the header, then bytes no one could guess. */
function pdfBytes(): Buffer {
  const bytes = randomBytes(20_000_000);
  Buffer.from('%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n', 'latin1').copy(bytes);
  return bytes;
}

/** A PNG "screenshot" with shapes (its preview is made in main before encryption). */
function screenshot(): Buffer {
  const width = 800;
  const height = 500;
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y += 1)
    for (let x = 0; x < width; x += 1) {
      const i = (y * width + x) * 4;
      data[i] = (x * 255) / width;
      data[i + 1] = (y * 255) / height;
      data[i + 2] = (x ^ y) & 0xff;
      data[i + 3] = 255;
    }
  return PNG.sync.write({ width, height, data });
}

/** Picks files with the composer's attach button (the browser's file picker: browser mode has no native dialog). */
async function attach(page: Page, files: { name: string; mimeType: string; buffer: Buffer }[]): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Attach a file' }).click();
  await (await chooser).setFiles(files);
}

/**
 * Holds the page's requests to one IPC method until released (so a bar or a Cancel can be seen and used
 * before the transfer goes on); answers the release function.
 */
async function hold(page: Page, method: string): Promise<() => Promise<void>> {
  const waiting: Route[] = [];
  let open = false;
  const pattern = `**/__seed/ipc/${method}`;
  await page.route(pattern, (route) => (open ? route.continue() : void waiting.push(route)));
  return async () => {
    open = true;
    for (const route of waiting.splice(0)) await route.continue();
    await page.unroute(pattern);
  };
}

const cardOf = (page: Page, name: string) =>
  page
    .getByRole('log')
    .getByTestId('file-card')
    .filter({ has: page.getByTestId('file-name').getByText(name) });

test('two people exchange a 20 MB PDF and a screenshot, with previews, progress, cancel and a size refusal', async ({ browser }) => {
  test.setTimeout(300_000);
  const a = await pageFor(browser, hosts.alice.url);
  const b = await pageFor(browser, hosts.bob.url);
  await registerInUi(a, 'alice', 'Alice');
  await registerInUi(b, 'bob', 'Bob');
  for (const page of [a, b]) await page.getByTestId('tour-skip').click({ timeout: 10_000 });
  await startDirectMessage(a, 'bob', 'Bob');
  await expect(a.getByTestId('composer-input')).toBeEnabled({ timeout: 15_000 });

  // Over the policy's 25 MB: refused in the composer, in a sentence, before anything is sent.
  await attach(a, [{ name: 'huge.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(26_000_000) }]);
  await expect(a.getByTestId('file-refused')).toContainText(
    '“huge.pdf” was not sent. This file is too large to send: your organisation allows files up to 25 MB.',
  );
  await expect(a.getByTestId('file-upload')).toHaveCount(0);
  await a.getByTestId('file-refused-dismiss').click();

  // The PDF with the attach button: its bar shows while it is handed to main.
  const pdf = pdfBytes();
  const releasePdf = await hold(a, 'fileUploadChunk');
  await attach(a, [{ name: 'report.pdf', mimeType: 'application/pdf', buffer: pdf }]);
  const pdfUpload = a.getByTestId('file-upload').filter({ hasText: 'report.pdf' });
  await expect(pdfUpload.getByRole('progressbar', { name: 'Sending report.pdf' })).toBeVisible(SLOW);
  await auditPage(a, 'an upload on its way');
  await releasePdf();
  await expect(cardOf(a, 'report.pdf')).toBeVisible(SLOW);
  await expect(pdfUpload).toHaveCount(0);

  // The screenshot dropped on the conversation, with text typed first: the text goes with it as its caption
  // (one message) and the composer empties. The drop zone names the recipient.
  await a.getByTestId('composer-input').fill('The login page after the fix');
  const png = screenshot();
  const transfer = await a.evaluateHandle((b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const data = new DataTransfer();
    data.items.add(new File([bytes], 'screenshot.png', { type: 'image/png' }));
    return data;
  }, png.toString('base64'));
  const chat = a.getByTestId('chat');
  await chat.dispatchEvent('dragenter', { dataTransfer: transfer });
  await expect(a.getByTestId('drop-zone')).toHaveText('Drop to send to Bob');
  await chat.dispatchEvent('dragover', { dataTransfer: transfer });
  await chat.dispatchEvent('drop', { dataTransfer: transfer });
  await expect(a.getByTestId('drop-zone')).toHaveCount(0);
  await expect(cardOf(a, 'screenshot.png')).toBeVisible(SLOW);
  await expect(cardOf(a, 'screenshot.png').getByTestId('file-caption')).toHaveText('The login page after the fix');
  await expect(a.getByTestId('composer-input')).toHaveValue('');

  // Cancel while it is handed over: it says so, offers Retry, and nothing is sent.
  const releaseDraft = await hold(a, 'fileUploadChunk');
  await attach(a, [{ name: 'draft.zip', mimeType: 'application/zip', buffer: randomBytes(3_000_000) }]);
  const draft = a.getByTestId('file-upload').filter({ hasText: 'draft.zip' });
  await draft.getByRole('button', { name: 'Cancel sending draft.zip' }).click(SLOW);
  await expect(draft.getByTestId('file-transfer-line')).toHaveText('Cancelled: the file was not sent.');
  await expect(draft.getByRole('button', { name: 'Retry draft.zip' })).toBeVisible();
  await releaseDraft();

  // Bob: the PDF's card and the screenshot's preview.
  const row = b.getByTestId('conversation-row').filter({ hasText: 'Alice' });
  if (!(await row.isVisible())) await b.reload();
  await row.click(SLOW);
  const pdfCard = cardOf(b, 'report.pdf');
  await expect(pdfCard).toBeVisible(SLOW);
  await expect(pdfCard.getByTestId('file-meta')).toHaveText('20 MB · PDF document');
  const shot = cardOf(b, 'screenshot.png');
  await expect(shot.getByRole('img', { name: 'Preview of screenshot.png' })).toBeVisible(SLOW);
  await expect(shot.getByTestId('file-caption')).toHaveText('The login page after the fix');
  await auditPage(b, 'file cards with a preview');

  // Bob saves the PDF: a bar while it comes, then the download holds exactly Alice's bytes.
  const releaseSave = await hold(b, 'fileDownloadChunk');
  const downloaded = b.waitForEvent('download', SLOW);
  await pdfCard.getByRole('button', { name: 'Save report.pdf as…' }).click();
  await expect(pdfCard.getByRole('progressbar', { name: 'Downloading report.pdf' })).toBeVisible(SLOW);
  await releaseSave();
  const file = await downloaded;
  expect(file.suggestedFilename()).toBe('report.pdf');
  const saved = readFileSync(await file.path());
  expect(saved.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect(saved.equals(pdf)).toBe(true);
  await expect(pdfCard.getByTestId('file-transfer-line')).toHaveText('Saved', SLOW);

  // The cancelled file never arrived.
  await expect(b.getByRole('log').getByTestId('file-name').getByText('draft.zip')).toHaveCount(0);
});
