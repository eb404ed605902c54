/**
 * The tray icon's model (docs/desktop.md §Tray and badge), pure so it is tested without
 * Electron: the tooltip with the unread count, the context menu (Open, Quit), the badge number, and
 * where the icon file is. src/main/electron/shell.ts turns it into Electron's `Tray` and `Menu`.
 */
import { join } from 'node:path';

export const PRODUCT_NAME = 'Seed Messenger';

export type TrayAction = 'open' | 'quit';

export type TrayMenuEntry = { kind: 'item'; action: TrayAction; label: string } | { kind: 'separator' };

export interface TrayModel {
  tooltip: string;
  menu: TrayMenuEntry[];
}

/** Counts above this show as "999+". */
const SHOWN_MAX = 999;

export function unreadText(unread: number): string {
  const n = badgeCount(unread);
  if (n === 0) return 'no unread messages';
  const shown = n > SHOWN_MAX ? `${SHOWN_MAX}+` : String(n);
  return `${shown} unread message${n === 1 ? '' : 's'}`;
}

export function trayModel(unread: number): TrayModel {
  const count = badgeCount(unread);
  return {
    tooltip: count === 0 ? PRODUCT_NAME : `${PRODUCT_NAME} — ${unreadText(count)}`,
    menu: [{ kind: 'item', action: 'open', label: `Open ${PRODUCT_NAME}` }, { kind: 'separator' }, { kind: 'item', action: 'quit', label: 'Quit' }],
  };
}

/**
 * What closing the window does: with a tray icon (or on macOS, where the dock keeps the app) the window
 * only hides, so notifications keep arriving and the tray's Open brings it back; Quit (tray menu, app
 * menu, OS shutdown) really quits. Without a tray on Windows/Linux there would be no way back, so it quits.
 */
export function windowCloseAction(facts: { hasTray: boolean; quitting: boolean; platform: string }): 'hide' | 'close' {
  if (facts.quitting) return 'close';
  return facts.hasTray || facts.platform === 'darwin' ? 'hide' : 'close';
}

/** The number for the dock/taskbar badge: a whole number, 0 (no badge) for anything else. */
export function badgeCount(unread: number): number {
  return Number.isSafeInteger(unread) && unread > 0 ? unread : 0;
}

export interface IconFacts {
  isPackaged: boolean;
  /** `app.getAppPath()`: the project folder when run from source. */
  appPath: string;
  /** `process.resourcesPath`: the packaged app's resources folder. */
  resourcesPath: string;
}

/**
 * The tray icon: `build/icon.png` of the project when run from source; in a packaged app the copy that
 * electron-builder's `extraResources` puts in the resources folder as `icon.png`.
 */
export function trayIconPath(facts: IconFacts): string {
  return facts.isPackaged ? join(facts.resourcesPath, 'icon.png') : join(facts.appPath, 'build', 'icon.png');
}

/** Pixel size of the tray image: 16 on Windows and macOS (menu bar), 22 on Linux status areas. */
export function trayIconSize(platform: string): number {
  return platform === 'linux' ? 22 : 16;
}
