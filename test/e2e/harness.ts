/**
 * Starts the web host on the built renderer with the real main-side services, for Chromium tests.
 * Requires `npm run build` first and the private keyring session of scripts/with-services.sh.
 * The host's links are single-use (src/main/webHost/server.ts): each read of the returned `url` is a
 * fresh link, so every `page.goto(host.url)` — each test's own browser context — gets its own session cookie.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '@playwright/test';
import { bootstrapMain } from '../../src/main/bootstrap';
import { createHandlers } from '../../src/main/composition';
import { firstPaintSource } from '../../src/main/desktop/firstPaintSource';
import { createDispatcher } from '../../src/main/ipc/dispatch';
import { startWebHost, type WebHost } from '../../src/main/webHost/server';
import type { MethodName } from '../../src/common/ipc/methods';
import type { EffectivePolicy } from '../../src/main/policy/loadEffectivePolicy';
import type { DesktopShell } from '../../src/main/desktop/shell';
import { LOCAL_PUBLISH_KEY, LOCAL_SUBSCRIBE_KEY } from '../../src/localStack/index';
import { startKeyService, type KeyService, type KeyServiceOptions } from '../../src/server/index';
import { startRelay, type RunningRelay } from '../../src/relay/index';

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
  const dispatch = createDispatcher(handlers);
  const host = await startWebHost({ dispatch, firstPaint: firstPaintSource(dispatch, process.platform), rendererDir, bridgeFile, events: deps.events });
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

/**
 * Two app hosts (`<prefix>-alice`, `<prefix>-bob`) joined to a local stack the spec runs itself (key service
 * and relay in this process, published in the home's `stack.json` as src/localStack/index.ts does), so it can
 * stop the relay and start it again on the same port with the same data — what "the network goes away" is.
 */
export function hostsOnOwnStack(prefix: string): {
  hosts: { alice: WebHost; bob: WebHost };
  stopRelay(): Promise<void>;
  startRelayAgain(): Promise<void>;
} {
  const home = mkdtempSync(join(tmpdir(), `seed-${prefix}-`));
  const stackDir = join(home, 'local-stack');
  const secretKey = randomBytes(32).toString('base64url');
  const hosts = {} as { alice: WebHost; bob: WebHost };
  let relay: RunningRelay | undefined;
  let relayPort = 0;
  let keyService: KeyService | undefined;
  const startTheRelay = (port: number) =>
    startRelay({ port, dataDir: join(stackDir, 'relay'), secretKey, publishKey: LOCAL_PUBLISH_KEY, subscribeKey: LOCAL_SUBSCRIBE_KEY });
  test.beforeAll(async () => {
    mkdirSync(stackDir, { recursive: true, mode: 0o700 });
    relay = await startTheRelay(0);
    relayPort = relay.port;
    keyService = await startKeyService({
      port: 0,
      dataDir: join(stackDir, 'keyservice'),
      pubnub: { origin: relay.origin, ssl: false, publishKey: LOCAL_PUBLISH_KEY, subscribeKey: LOCAL_SUBSCRIBE_KEY, secretKey },
    });
    publishStack(stackDir, keyService.url, relay.origin);
    hosts.alice = await startAppHost(`${prefix}-alice`, { core: { home } });
    hosts.bob = await startAppHost(`${prefix}-bob`, { core: { home } });
  });
  test.afterAll(async () => {
    await hosts.bob?.close();
    await hosts.alice?.close();
    await keyService?.close();
    await relay?.close();
  });
  return {
    hosts,
    async stopRelay() {
      // The relay stops: its server closes and nothing answers on its port.
      await relay?.close();
      relay = undefined;
    },
    async startRelayAgain() {
      relay = await startTheRelay(relayPort);
    },
  };
}

/** Publishes a running key service and relay as the home's local stack: its hosts join it as they would join another app's (src/localStack/index.ts). */
function publishStack(stackDir: string, keyServiceUrl: string, relayOrigin: string): void {
  const stack = { keyServiceUrl, relayOrigin, publishKey: LOCAL_PUBLISH_KEY, subscribeKey: LOCAL_SUBSCRIBE_KEY, pid: process.pid };
  writeFileSync(join(stackDir, 'stack.json'), JSON.stringify(stack), { mode: 0o600 });
}

/**
 * A local stack of Seed home `home` that the spec runs itself (key service and relay in this process), its
 * key service configured for an organisation (sign-in methods, the OpenID provider): the hosts of that home
 * join it. `close` stops both.
 */
export async function ownLocalStack(home: string, organisation: KeyServiceOptions['organisation']): Promise<{ close(): Promise<void> }> {
  const stackDir = join(home, 'local-stack');
  mkdirSync(stackDir, { recursive: true, mode: 0o700 });
  const secretKey = randomBytes(32).toString('base64url');
  writeFileSync(join(stackDir, 'secret'), secretKey, { mode: 0o600 });
  const relay = await startRelay({ port: 0, dataDir: join(stackDir, 'relay'), secretKey, publishKey: LOCAL_PUBLISH_KEY, subscribeKey: LOCAL_SUBSCRIBE_KEY });
  const keyService = await startKeyService({
    port: 0,
    dataDir: join(stackDir, 'keyservice'),
    pubnub: { origin: relay.origin, ssl: false, publishKey: LOCAL_PUBLISH_KEY, subscribeKey: LOCAL_SUBSCRIBE_KEY, secretKey },
    organisation,
  });
  publishStack(stackDir, keyService.url, relay.origin);
  return {
    async close() {
      await keyService.close();
      await relay.close();
    },
  };
}
