/**
 * The desktop shell in Electron (src/main/desktop/shell.ts; docs/desktop.md §Desktop notifications, §Tray
 * and badge): OS notifications through Electron's `Notification` (the body escaped where Linux
 * notification servers read markup), a `Tray` whose tooltip and Open/Quit menu come from the pure tray
 * model, and `app.setBadgeCount` for the dock/launcher badge. A click on a notification or on Open brings
 * the window back.
 */
import { app, Menu, nativeImage, Notification, Tray, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import { escapeNotificationMarkup } from '../desktop/notificationContent';
import type { DesktopShell } from '../desktop/shell';
import { badgeCount, trayIconSize, trayModel, type TrayMenuEntry } from '../desktop/trayModel';

export interface ElectronShellOptions {
  /** The app window once it exists. */
  window(): BrowserWindow | null;
  iconPath: string;
  platform: NodeJS.Platform;
  log(message: string): void;
}

export interface ElectronShell extends DesktopShell {
  /** Restores, shows and focuses the app window. */
  showWindow(): void;
  /** Creates the tray icon (after `app` is ready); without a readable icon file there is no tray. */
  createTray(): void;
  /** True once the tray icon exists (closing the window then hides it instead of quitting). */
  hasTray(): boolean;
  destroy(): void;
}

/** Shown notifications are kept referenced (else their click can be lost to garbage collection), at most this many. */
const KEPT_NOTIFICATIONS = 20;

export function createElectronShell(opts: ElectronShellOptions): ElectronShell {
  const kept: Notification[] = [];
  let tray: Tray | null = null;
  let unread = 0;

  function showWindow(): void {
    const win = opts.window();
    if (win === null || win.isDestroyed()) return;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  }

  const forget = (note: Notification) => {
    const at = kept.indexOf(note);
    if (at >= 0) kept.splice(at, 1);
  };

  function menuItem(entry: TrayMenuEntry): MenuItemConstructorOptions {
    if (entry.kind === 'separator') return { type: 'separator' };
    return { label: entry.label, click: entry.action === 'open' ? showWindow : () => app.quit() };
  }

  function renderTray(): void {
    if (tray === null) return;
    const model = trayModel(unread);
    tray.setToolTip(model.tooltip);
    tray.setContextMenu(Menu.buildFromTemplate(model.menu.map(menuItem)));
  }

  return {
    showWindow,
    isWindowFocused() {
      const win = opts.window();
      return win !== null && !win.isDestroyed() && win.isVisible() && win.isFocused();
    },
    notify(notification) {
      try {
        if (!Notification.isSupported()) return false;
        const body = opts.platform === 'linux' ? escapeNotificationMarkup(notification.body) : notification.body;
        const note = new Notification({ title: notification.title, body });
        kept.push(note);
        if (kept.length > KEPT_NOTIFICATIONS) kept.shift();
        note.on('click', () => {
          forget(note);
          showWindow();
          notification.onClick();
        });
        note.on('close', () => forget(note));
        note.show();
        return true;
      } catch (e) {
        opts.log(`notification not shown: ${e instanceof Error ? e.message : String(e)}`);
        return false;
      }
    },
    setUnreadCount(count) {
      unread = badgeCount(count);
      app.setBadgeCount(unread);
      renderTray();
    },
    createTray() {
      if (tray !== null) return;
      const size = trayIconSize(opts.platform);
      const image = nativeImage.createFromPath(opts.iconPath);
      if (image.isEmpty()) {
        opts.log(`tray: no icon at ${opts.iconPath}; the app runs without a tray icon`);
        return;
      }
      tray = new Tray(image.resize({ width: size, height: size }));
      tray.on('click', showWindow);
      renderTray();
    },
    hasTray: () => tray !== null,
    destroy() {
      tray?.destroy();
      tray = null;
      for (const note of kept.splice(0)) note.close();
    },
  };
}
