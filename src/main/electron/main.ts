/**
 * Electron entry point: single-instance lock, secure defaults, the main window, and the IPC handlers
 * backed by the Node-side services. Everything here is glue; the services live outside src/main/electron
 * so they run and are tested without the Electron binary.
 */
import { app } from 'electron';
import { join } from 'node:path';
import { createHandlers } from '../composition';
import { createDispatcher } from '../ipc/dispatch';
import { createEventHub } from '../ipc/eventHub';
import { EVENT_CHANNEL } from '../../common/ipc/eventNames';
import { originOf } from '../ipc/senderPolicy';
import { bootstrapMain } from '../bootstrap';
import { createMainWindow, denyAllPermissions, rendererPaths } from './window';
import { registerIpc } from './ipc';

const profile = process.argv.find((a) => a.startsWith('--profile='))?.slice('--profile='.length) ?? 'default';

if (!app.requestSingleInstanceLock({ profile })) {
  app.quit();
} else {
  app.enableSandbox();
  void app.whenReady().then(async () => {
    denyAllPermissions();
    const rendererUrl = process.env['ELECTRON_RENDERER_URL'] ?? null;
    const deps = await bootstrapMain({
      facts: {
        name: app.getName(),
        version: app.getVersion(),
        platform: process.platform,
        runtime: 'electron',
        runtimeVersion: process.versions.electron ?? 'unknown',
      },
      home: join(app.getPath('userData'), 'profiles'),
      profile,
    });
    for (const w of deps.policy.current().warnings) console.error(`policy: ${w.message}`);
    const handlers = createHandlers(deps);
    registerIpc(createDispatcher(handlers, (e) => console.error('ipc handler failed', e)), [
      rendererUrl ? originOf(rendererUrl) : 'file://',
    ]);
    const window = createMainWindow({ rendererUrl, ...rendererPaths(__dirname), externalLinks: { allowedHosts: [] } });
    const events = createEventHub();
    events.attach((message) => window.webContents.send(EVENT_CHANNEL, message));
  });
  app.on('window-all-closed', () => app.quit());
}
