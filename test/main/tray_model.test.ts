/** The tray's pure model: tooltip with the unread count, the Open/Quit menu, the badge number, the icon path. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { badgeCount, trayIconPath, trayIconSize, trayModel, unreadText, windowCloseAction } from '../../src/main/desktop/trayModel';

describe('tray model', () => {
  it('tooltip names the app, and the unread count when there is one', () => {
    expect(trayModel(0).tooltip).toBe('Seed Messenger');
    expect(trayModel(1).tooltip).toBe('Seed Messenger — 1 unread message');
    expect(trayModel(42).tooltip).toBe('Seed Messenger — 42 unread messages');
    expect(trayModel(123_456).tooltip).toBe('Seed Messenger — 999+ unread messages');
  });

  it('menu is Open, a separator, Quit', () => {
    expect(trayModel(3).menu).toEqual([
      { kind: 'item', action: 'open', label: 'Open Seed Messenger' },
      { kind: 'separator' },
      { kind: 'item', action: 'quit', label: 'Quit' },
    ]);
  });

  it('badge is a whole number; anything else clears it', () => {
    expect(badgeCount(5)).toBe(5);
    for (const bad of [-1, 0, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) expect(badgeCount(bad)).toBe(0);
    expect(unreadText(-3)).toBe('no unread messages');
  });

  it('icon from the project when run from source, from the resources folder when packaged', () => {
    const facts = { appPath: '/src/seed', resourcesPath: '/opt/Seed Messenger/resources' };
    expect(trayIconPath({ ...facts, isPackaged: false })).toBe(join('/src/seed', 'build', 'icon.png'));
    expect(trayIconPath({ ...facts, isPackaged: true })).toBe(join('/opt/Seed Messenger/resources', 'icon.png'));
    expect(trayIconSize('linux')).toBe(22);
    expect(trayIconSize('win32')).toBe(16);
    expect(trayIconSize('darwin')).toBe(16);
  });

  it('closing the window hides it while a tray (or the macOS dock) can bring it back; Quit really quits', () => {
    expect(windowCloseAction({ hasTray: true, quitting: false, platform: 'win32' })).toBe('hide');
    expect(windowCloseAction({ hasTray: true, quitting: false, platform: 'linux' })).toBe('hide');
    expect(windowCloseAction({ hasTray: false, quitting: false, platform: 'darwin' })).toBe('hide');
    expect(windowCloseAction({ hasTray: false, quitting: false, platform: 'linux' }), 'no tray: no way back, so it quits').toBe('close');
    expect(windowCloseAction({ hasTray: true, quitting: true, platform: 'win32' })).toBe('close');
    expect(windowCloseAction({ hasTray: false, quitting: true, platform: 'darwin' })).toBe('close');
  });
});
