/**
 * Electron entry point: single-instance lock, secure defaults, the main window, and the IPC handlers
 * backed by the Node-side services. Everything here is glue; the services live outside src/main/electron
 * so they run and are tested without the Electron binary.
 */
import { app } from 'electron';
import { join } from 'node:path';
import { createHandlers } from '../composition';
import { createDispatcher } from '../ipc/dispatch';
import { EVENT_CHANNEL } from '../../common/ipc/eventNames';
import { originOf } from '../ipc/senderPolicy';
import { bootstrapMain } from '../bootstrap';
import { profilePaths, seedHome } from '../profile';
import { createMainWindow, denyAllPermissions, rendererPaths } from './window';
import { registerIpc } from './ipc';
import { startUpdates } from './updates';

const profile = process.argv.find((a) => a.startsWith('--profile='))?.slice('--profile='.length) ?? 'default';

// One Chromium profile folder per app profile, so two profiles can run side by side.
app.setPath('userData', join(app.getPath('appData'), 'Seed Messenger', profilePaths(seedHome(), profile).profile));

if (!app.requestSingleInstanceLock()) {
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
      home: seedHome(),
      profile,
      network: 'app',
    });
    if ('reason' in deps.core) console.error(`messenger core not started: ${deps.core.reason}`);
    for (const w of deps.policy.current().warnings) console.error(`policy: ${w.message}`);
    const handlers = createHandlers(deps);
    registerIpc(createDispatcher(handlers, (e) => console.error('ipc handler failed', e)), [
      rendererUrl ? originOf(rendererUrl) : 'file://',
    ]);
    const window = createMainWindow({ rendererUrl, ...rendererPaths(__dirname), externalLinks: { allowedHosts: [] } });
    deps.events.attach((message) => window.webContents.send(EVENT_CHANNEL, message));
    await startUpdates(deps.policy.current());
    app.on('will-quit', () => void ('close' in deps.core ? deps.core.close() : undefined));
  });
  app.on('window-all-closed', () => app.quit());
}
