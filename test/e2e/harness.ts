/**
 * Starts the web host on the built renderer with the real main-side services, for Chromium tests.
 * Requires `npm run build` first and the private keyring session of scripts/with-services.sh.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHandlers } from '../../src/main/composition';
import { nodePolicyFacts } from '../../src/main/policy/facts';
import { loadEffectivePolicy } from '../../src/main/policy/loadEffectivePolicy';
import { createDispatcher } from '../../src/main/ipc/dispatch';
import { createKeytarStore } from '../../src/main/keychain/keychain';
import { startWebHost, type WebHost } from '../../src/main/webHost/server';

const root = join(__dirname, '../..');

export async function startAppHost(profile: string): Promise<WebHost> {
  const rendererDir = join(root, 'out/renderer');
  const bridgeFile = join(root, 'out/web/bridge.js');
  if (!existsSync(join(rendererDir, 'index.html')) || !existsSync(bridgeFile)) {
    throw new Error('built renderer missing: run `npm run build` first');
  }
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { productName: string; version: string };
  const handlers = createHandlers({
    facts: { name: pkg.productName, version: pkg.version, platform: process.platform, runtime: 'node', runtimeVersion: process.versions.node },
    secrets: createKeytarStore(`seed-messenger.e2e-${profile}`),
    policy: await loadEffectivePolicy(nodePolicyFacts(null)),
  });
  return startWebHost({ dispatch: createDispatcher(handlers), rendererDir, bridgeFile });
}
