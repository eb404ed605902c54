/**
 * `npm run web`: runs the app without Electron — the main-side services in this Node process and the
 * built renderer in any browser on this machine. Prints the URL (with its session token) to open.
 * Options: --port <p> (default: any free port), --profile <name> (default: "default").
 * Logs go to `<profile dir>/logs/seed-messenger[.<profile>].log` at the managed `logLevel`
 * (docs/deployment.md §4); the console shows the same start-up problems for the person who ran it.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createHandlers } from '../composition';
import { createDispatcher } from '../ipc/dispatch';
import { bootstrapMain } from '../bootstrap';
import { seedHome } from '../profile';
import { createFileLogger } from '../log/fileLogger';
import { logStartup } from '../log/startup';
import { rendererTransport } from './rendererTransport';
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
  const home = seedHome();
  const deps = await bootstrapMain({
    facts: { name: pkg.productName, version: pkg.version, platform: process.platform, runtime: 'node', runtimeVersion: process.versions.node },
    home,
    profile: values.profile,
    network: 'app',
  });
  const log = createFileLogger({ dir: join(deps.paths.dir, 'logs'), policy: deps.policy, profile: values.profile });
  logStartup(log, deps);
  if ('reason' in deps.messenger) console.error(`messenger core not started: ${deps.messenger.reason}`);
  else console.log(`key service ${deps.messenger.serverUrl}${deps.messenger.localStack ? ' (embedded local stack)' : ''}`);
  for (const w of deps.policy.current().warnings) console.error(`policy: ${w.message}`);
  const handlers = createHandlers(deps);
  const host = await startWebHost({
    dispatch: createDispatcher(handlers, (e) => {
      log.error('ipc_handler_failed', {}, e);
      console.error('ipc handler failed', e);
    }),
    rendererDir: resolve(root, 'out/renderer'),
    bridgeFile: resolve(root, 'out/web/bridge.js'),
    port,
    events: deps.events,
    transport: rendererTransport(deps, home),
    log,
  });
  log.info('web_host_listening', { port: Number(new URL(host.origin).port) });
  console.log(`web host listening on ${host.origin}`);
  console.log(`open ${host.url}`);
  const stop = async () => {
    await host.close();
    if ('close' in deps.messenger) await deps.messenger.close();
    log.info('app_stopped');
    log.close();
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop());
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
