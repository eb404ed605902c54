/**
 * The one BrowserWindow factory. Electron's template defaults turned around: sandboxed renderer, context
 * isolation, no Node integration, one bundled preload, navigation and window.open denied, permission
 * requests denied (Electron security checklist, https://www.electronjs.org/docs/latest/tutorial/security).
 * The packaged renderer loads from `app://seed/index.html` (src/main/electron/appProtocol.ts serves it),
 * never from `file://`; in development from the dev server's URL.
 */
import { BrowserWindow, session, shell } from 'electron';
import { join } from 'node:path';
import { originOf } from '../ipc/senderPolicy';
import { externalLinkDecision, isAllowedNavigation, type ExternalLinkRules } from '../security/navigation';
import { permissionDecision } from '../security/permissions';
import { APP_INDEX_URL, APP_ORIGIN } from '../security/appProtocol';

export interface WindowOptions {
  /** The dev server's URL in development; null loads the packaged renderer from `app://seed`. */
  rendererUrl: string | null;
  preloadFile: string;
  externalLinks: ExternalLinkRules;
}

export function createMainWindow(opts: WindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1100,
    height: 760,
    minWidth: 720,
    minHeight: 480,
    show: false,
    autoHideMenuBar: true,
    webPreferences: {
      preload: opts.preloadFile,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  const appOrigin = opts.rendererUrl ? originOf(opts.rendererUrl) : APP_ORIGIN;
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url, appOrigin)) event.preventDefault();
  });
  win.webContents.on('will-redirect', (event, url) => {
    if (!isAllowedNavigation(url, appOrigin)) event.preventDefault();
  });
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  win.webContents.setWindowOpenHandler(({ url }) => {
    const decision = externalLinkDecision(url, opts.externalLinks);
    if (decision.open) void shell.openExternal(decision.url);
    return { action: 'deny' };
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(opts.rendererUrl ?? APP_INDEX_URL);
  return win;
}

/** Deny every permission request (camera, notifications prompt, geolocation…) by default. */
export function denyAllPermissions(): void {
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => callback(permissionDecision(permission)));
  session.defaultSession.setPermissionCheckHandler((_wc, permission) => permissionDecision(permission));
}

/** The built renderer folder (served as `app://seed`) and preload script, next to the built main. */
export function rendererPaths(mainDir: string): { rendererDir: string; preloadFile: string } {
  return {
    rendererDir: join(mainDir, '../renderer'),
    preloadFile: join(mainDir, '../preload/index.js'),
  };
}
