/**
 * Electron entry point: single-instance lock, secure defaults, the main window, the IPC handlers backed
 * by the Node-side services, the desktop shell (notifications, tray, badge) and deep links. Everything
 * here is glue; the services live outside src/main/electron so they run and are tested without the
 * Electron binary.
 */
import { app, shell as electronShell, type BrowserWindow } from 'electron';
import { join } from 'node:path';
import { createHandlers } from '../composition';
import { createDispatcher } from '../ipc/dispatch';
import { EVENT_CHANNEL } from '../../common/ipc/eventNames';
import { originOf } from '../ipc/senderPolicy';
import { bootstrapMain } from '../bootstrap';
import { onFirstCall } from '../desktop/deepLinkRouter';
import { firstPaintSource } from '../desktop/firstPaintSource';
import { ssoBrowser } from '../desktop/ssoBrowser';
import { trayIconPath, windowCloseAction } from '../desktop/trayModel';
import { profilePaths, seedHome } from '../profile';
import { APP_ORIGIN } from '../security/appProtocol';
import { rendererUrlDecision } from '../security/rendererUrl';
import { rendererTransport } from '../webHost/rendererTransport';
import { createFileLogger } from '../log/fileLogger';
import type { Logger } from '../log/logger';
import { logStartup } from '../log/startup';
import { handleAppProtocol, registerAppScheme } from './appProtocol';
import { createMainWindow, denyAllPermissions, rendererPaths } from './window';
import { installDeepLinks } from './deepLinks';
import { registerIpc } from './ipc';
import { createFileDialogs } from './fileDialogs';
import { createKeyReleaseDialog } from './keyReleaseDialog';
import { createElectronShell } from './shell';
import { startUpdates } from './updates';

const profile = process.argv.find((a) => a.startsWith('--profile='))?.slice('--profile='.length) ?? 'default';
// The shell and deep links log before the log file is open (it needs the policy); until then: stderr.
let logger: Logger | null = null;
const log = (message: string) => (logger ? logger.warn('shell', { message }) : console.error(message));

// One Chromium profile folder per app profile, so two profiles can run side by side.
app.setPath('userData', join(app.getPath('appData'), 'Seed Messenger', profilePaths(seedHome(), profile).profile));

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.enableSandbox();
  registerAppScheme();
  const deepLinks = installDeepLinks({ profile, log });
  let window: BrowserWindow | null = null;
  const shell = createElectronShell({
    window: () => window,
    iconPath: trayIconPath({ isPackaged: app.isPackaged, appPath: app.getAppPath(), resourcesPath: process.resourcesPath }),
    platform: process.platform,
    log,
  });
  void app.whenReady().then(async () => {
    denyAllPermissions();
    // The dev server's URL only when not packaged (src/main/security/rendererUrl.ts, review M4).
    const renderer = rendererUrlDecision({ isPackaged: app.isPackaged, env: process.env });
    if (renderer.refused !== null) log(`${renderer.refused.code}: ${renderer.refused.message}`);
    const rendererUrl = renderer.url;
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
    const fileLog = createFileLogger({ dir: app.getPath('logs'), policy: deps.policy, profile });
    logger = fileLog;
    logStartup(fileLog, deps);
    const handlers = createHandlers({
      ...deps,
      shell,
      keyRelease: createKeyReleaseDialog(() => window),
      fileDialogs: createFileDialogs(() => window),
      openBrowser: ssoBrowser((url) => electronShell.openExternal(url)),
      log: fileLog,
    });
    const dispatch = createDispatcher(handlers, (e) => fileLog.error('ipc_handler_failed', {}, e));
    const listening = () => deepLinks.ready({ navigate: (navigate) => deps.events.emit('navigate', navigate), showWindow: shell.showWindow });
    registerIpc(onFirstCall(dispatch, 'session', listening), [rendererUrl ? originOf(rendererUrl) : APP_ORIGIN]);
    const paths = rendererPaths(__dirname);
    handleAppProtocol({
      rendererDir: paths.rendererDir,
      transport: rendererTransport(deps, seedHome()),
      firstPaint: firstPaintSource(dispatch, process.platform),
    });
    window = createMainWindow({ rendererUrl, preloadFile: paths.preloadFile, externalLinks: { allowedHosts: [] } });
    const win = window;
    deps.events.attach((message) => win.webContents.send(EVENT_CHANNEL, message));
    shell.createTray();
    let quitting = false;
    app.on('before-quit', () => (quitting = true));
    win.on('close', (event) => {
      if (windowCloseAction({ hasTray: shell.hasTray(), quitting, platform: process.platform }) !== 'hide') return;
      event.preventDefault();
      win.hide();
    });
    app.on('activate', shell.showWindow);
    await startUpdates(deps.policy.current());
    app.on('will-quit', () => {
      shell.destroy();
      void ('close' in deps.messenger ? deps.messenger.close() : undefined);
      fileLog.close();
    });
  });
  app.on('window-all-closed', () => app.quit());
}
