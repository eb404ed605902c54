/**
 * Starts the web host on the built renderer with the real main-side services, for Chromium tests.
 * Requires `npm run build` first and the private keyring session of scripts/with-services.sh.
 * The host's links are single-use (src/main/webHost/server.ts): each read of the returned `url` is a
 * fresh link, so every `page.goto(host.url)` — each test's own browser context — gets its own session cookie.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '@playwright/test';
import { bootstrapMain } from '../../src/main/bootstrap';
import { createHandlers } from '../../src/main/composition';
import { createDispatcher } from '../../src/main/ipc/dispatch';
import { startWebHost, type WebHost } from '../../src/main/webHost/server';
import type { MethodName } from '../../src/common/ipc/methods';
import type { EffectivePolicy } from '../../src/main/policy/loadEffectivePolicy';
import type { DesktopShell } from '../../src/main/desktop/shell';

const root = join(__dirname, '../..');

export interface AppHostOptions {
  /** A fixed effective policy instead of the machine's (e.g. one whose `managed` marks a setting). */
  policy?: EffectivePolicy;
  /** Channels this host answers as `unavailable`, as a build without their service would. */
  withoutChannels?: readonly MethodName[];
  /** Start the messenger core over the embedded local stack of `home` (hosts sharing a home share the stack). */
  core?: { home: string };
  /** The desktop shell main notifies through (e.g. a `RecordingShell` the spec reads); default: a fresh recording one. */
  shell?: DesktopShell;
  /** The "system browser" main opens for company sign-in (the SSO spec hands the URL to a Chromium page). */
  openBrowser?: (url: string) => Promise<void>;
}

export async function startAppHost(profile: string, options: AppHostOptions = {}): Promise<WebHost> {
  const rendererDir = join(root, 'out/renderer');
  const bridgeFile = join(root, 'out/web/bridge.js');
  if (!existsSync(join(rendererDir, 'index.html')) || !existsSync(bridgeFile)) {
    throw new Error('built renderer missing: run `npm run build` first');
  }
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { productName: string; version: string };
  const deps = await bootstrapMain({
    facts: { name: pkg.productName, version: pkg.version, platform: process.platform, runtime: 'node', runtimeVersion: process.versions.node },
    home: options.core?.home ?? mkdtempSync(join(tmpdir(), 'seed-e2e-home-')),
    profile,
    network: options.core ? 'app' : 'none',
  });
  const fixed = options.policy;
  if (fixed !== undefined) deps.policy = { current: () => fixed, reload: async () => fixed };
  const handlers = createHandlers({ ...deps, shell: options.shell, openBrowser: options.openBrowser });
  for (const channel of options.withoutChannels ?? []) delete handlers[channel];
  const host = await startWebHost({ dispatch: createDispatcher(handlers), rendererDir, bridgeFile, events: deps.events });
  return {
    get url() {
      return host.newLink();
    },
    newLink: host.newLink,
    origin: host.origin,
    async close() {
      await host.close();
      if ('close' in deps.messenger) await deps.messenger.close();
    },
  };
}

/**
 * Two app hosts (profiles `<prefix>-alice` and `<prefix>-bob`) sharing one embedded local stack, started
 * before the spec's tests and closed after them. The returned object is filled in `beforeAll`.
 */
export function twoProfileHosts(prefix: string): { alice: WebHost; bob: WebHost } {
  const hosts = {} as { alice: WebHost; bob: WebHost };
  test.beforeAll(async () => {
    const home = mkdtempSync(join(tmpdir(), `seed-${prefix}-`));
    hosts.alice = await startAppHost(`${prefix}-alice`, { core: { home } });
    hosts.bob = await startAppHost(`${prefix}-bob`, { core: { home } });
  });
  test.afterAll(async () => {
    await hosts.bob?.close();
    await hosts.alice?.close();
  });
  return hosts;
}
