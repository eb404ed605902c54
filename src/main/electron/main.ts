/**
 * Electron entry point: single-instance lock, secure defaults, the main window, and the IPC handlers
 * backed by the Node-side services. Everything here is glue; the services live outside src/main/electron
 * so they run and are tested without the Electron binary.
 */
import { app } from 'electron';
import { createHandlers, keychainServiceName } from '../composition';
import { createDispatcher } from '../ipc/dispatch';
import { originOf } from '../ipc/senderPolicy';
import { createKeytarStore } from '../keychain/keychain';
import { createMainWindow, denyAllPermissions, rendererPaths } from './window';
import { registerIpc } from './ipc';

const profile = process.argv.find((a) => a.startsWith('--profile='))?.slice('--profile='.length) ?? 'default';

if (!app.requestSingleInstanceLock({ profile })) {
  app.quit();
} else {
  app.enableSandbox();
  void app.whenReady().then(() => {
    denyAllPermissions();
    const rendererUrl = process.env['ELECTRON_RENDERER_URL'] ?? null;
    const handlers = createHandlers({
      facts: {
        name: app.getName(),
        version: app.getVersion(),
        platform: process.platform,
        runtime: 'electron',
        runtimeVersion: process.versions.electron ?? 'unknown',
      },
      secrets: createKeytarStore(keychainServiceName(profile)),
    });
    registerIpc(createDispatcher(handlers, (e) => console.error('ipc handler failed', e)), [
      rendererUrl ? originOf(rendererUrl) : 'file://',
    ]);
    createMainWindow({ rendererUrl, ...rendererPaths(__dirname) });
  });
  app.on('window-all-closed', () => app.quit());
}
