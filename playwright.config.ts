import { defineConfig } from '@playwright/test';

// The built renderer in Debian's Chromium, driven through the web host (src/main/webHost) against the
// real main-side services. Playwright's own browser download is not possible here, so we point it at
// /usr/bin/chromium (override with CHROMIUM_PATH).
export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results/e2e',
  // Visual regression baselines (ui_screenshots.spec.ts), reviewed and committed; one platform: Linux + Debian's Chromium.
  snapshotPathTemplate: '{testDir}/__screenshots__/{testFilePath}/{arg}{ext}',
  timeout: 60_000,
  workers: 2,
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  use: {
    browserName: 'chromium',
    headless: true,
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
