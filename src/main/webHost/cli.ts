/**
 * `npm run web`: runs the app without Electron — the main-side services in this Node process and the
 * built renderer in any browser on this machine. It issues one single-use link (src/main/webHost/server.ts)
 * and hands it over without putting it on any command line (src/main/webHost/launchFile.ts): it writes a
 * 0600 launch file in the profile folder and prints that file's address and the link itself for pasting
 * into the address bar; with --open it starts the default browser on the file (never on the link).
 * Options: --port <p> (default: any free port), --profile <name> (default: "default"), --open.
 * Logs go to `<profile dir>/logs/seed-messenger[.<profile>].log` at the managed `logLevel`
 * (docs/deployment.md §4); the console shows the same start-up problems for the person who ran it.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createHandlers } from '../composition';
import { createDispatcher } from '../ipc/dispatch';
import { firstPaintSource } from '../desktop/firstPaintSource';
import { bootstrapMain } from '../bootstrap';
import { seedHome } from '../profile';
import { createFileLogger } from '../log/fileLogger';
import { logStartup } from '../log/startup';
import { openInBrowser, removeLaunchFile, writeLaunchFile } from './launchFile';
import { rendererTransport } from './rendererTransport';
import { startWebHost } from './server';

const { values } = parseArgs({
  options: { port: { type: 'string' }, profile: { type: 'string', default: 'default' }, open: { type: 'boolean', default: false } },
});
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
  const handlers = createHandlers({ ...deps, log });
  let launchFile: string | null = null;
  const dispatch = createDispatcher(handlers, (e) => {
    log.error('ipc_handler_failed', {}, e);
    console.error('ipc handler failed', e);
  });
  const host = await startWebHost({
    dispatch,
    firstPaint: firstPaintSource(dispatch, process.platform),
    rendererDir: resolve(root, 'out/renderer'),
    bridgeFile: resolve(root, 'out/web/bridge.js'),
    port,
    events: deps.events,
    transport: rendererTransport(deps, home),
    log,
    onLinkUsed: () => {
      if (launchFile !== null) removeLaunchFile(launchFile);
      console.log('The link was opened; it works only once. Ctrl-C stops the app.');
    },
  });
  log.info('web_host_listening', { port: Number(new URL(host.origin).port) });
  console.log(`web host listening on ${host.origin}`);
  launchFile = writeLaunchFile(join(deps.paths.dir, 'browser-mode'), host.url);
  console.log('Open this file in your browser (it sends the browser on to a single-use link):');
  console.log(`  ${pathToFileURL(launchFile).href}`);
  console.log('or paste this single-use link into the address bar (never pass it to a browser on its command line,');
  console.log('where other users of this machine can read it):');
  console.log(`  ${host.url}`);
  if (values.open) {
    const problem = await openInBrowser(launchFile, process.platform);
    if (problem !== null) console.log(`Could not open a browser (${problem}); open the file above yourself.`);
  }
  const stop = async () => {
    if (launchFile !== null) removeLaunchFile(launchFile);
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
