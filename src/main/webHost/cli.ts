/**
 * `npm run web`: runs the app without Electron — the main-side services in this Node process and the
 * built renderer in any browser on this machine. Prints the URL (with its session token) to open.
 * Options: --port <p> (default: any free port), --profile <name> (default: "default").
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createHandlers } from '../composition';
import { createDispatcher } from '../ipc/dispatch';
import { bootstrapMain } from '../bootstrap';
import { seedHome } from '../profile';
import { startWebHost } from './server';

const { values } = parseArgs({ options: { port: { type: 'string' }, profile: { type: 'string', default: 'default' } } });
const root = resolve(__dirname, '../../..');
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { productName: string; version: string };
const port = values.port === undefined ? 0 : Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`invalid --port ${values.port}`);
  process.exit(2);
}

async function main(): Promise<void> {
  const deps = await bootstrapMain({
    facts: { name: pkg.productName, version: pkg.version, platform: process.platform, runtime: 'node', runtimeVersion: process.versions.node },
    home: seedHome(),
    profile: values.profile,
    network: 'app',
  });
  if ('reason' in deps.core) console.error(`messenger core not started: ${deps.core.reason}`);
  else console.log(`key service ${deps.core.serverUrl}${deps.core.localStack ? ' (embedded local stack)' : ''}`);
  for (const w of deps.policy.current().warnings) console.error(`policy: ${w.message}`);
  const handlers = createHandlers(deps);
  const host = await startWebHost({
    dispatch: createDispatcher(handlers, (e) => console.error('ipc handler failed', e)),
    rendererDir: resolve(root, 'out/renderer'),
    bridgeFile: resolve(root, 'out/web/bridge.js'),
    port,
    events: deps.events,
  });
  console.log(`web host listening on ${host.origin}`);
  console.log(`open ${host.url}`);
  const stop = async () => {
    await host.close();
    if ('close' in deps.core) await deps.core.close();
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop());
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
