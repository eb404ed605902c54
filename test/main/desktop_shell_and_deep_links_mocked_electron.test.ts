/**
 * The Electron glue of notifications, tray, badge and deep links, with Electron MOCKED: the Electron
 * binary cannot be downloaded or run on these machines. The mock records what the glue asks Electron
 * for; the decisions (content, tray model, link parsing) are the pure modules tested on their own.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

type Listener = (...args: unknown[]) => void;

const recorded = vi.hoisted(() => ({
  supported: true,
  notifications: [] as Array<{ options: { title: string; body: string }; listeners: Map<string, Listener>; shown: boolean; closed: boolean }>,
  trays: [] as Array<{
    image: unknown;
    tooltip?: string;
    menu?: Array<{ label?: string; type?: string; click?: () => void }>;
    listeners: Map<string, Listener>;
    destroyed: boolean;
  }>,
  badge: [] as number[],
  quit: 0,
  protocolClients: [] as unknown[][],
  appListeners: new Map<string, Listener>(),
}));

vi.mock('electron', () => {
  class Notification {
    static isSupported = () => recorded.supported;
    private readonly entry: (typeof recorded.notifications)[number];
    constructor(options: { title: string; body: string }) {
      this.entry = { options, listeners: new Map(), shown: false, closed: false };
      recorded.notifications.push(this.entry);
    }
    on(name: string, fn: Listener) {
      this.entry.listeners.set(name, fn);
      return this;
    }
    show() {
      this.entry.shown = true;
    }
    close() {
      this.entry.closed = true;
    }
  }
  class Tray {
    private readonly entry: (typeof recorded.trays)[number];
    constructor(image: unknown) {
      this.entry = { image, listeners: new Map(), destroyed: false };
      recorded.trays.push(this.entry);
    }
    setToolTip(text: string) {
      this.entry.tooltip = text;
    }
    setContextMenu(menu: { items: (typeof recorded.trays)[number]['menu'] }) {
      this.entry.menu = menu.items;
    }
    on(name: string, fn: Listener) {
      this.entry.listeners.set(name, fn);
      return this;
    }
    destroy() {
      this.entry.destroyed = true;
    }
  }
  return {
    Notification,
    Tray,
    Menu: { buildFromTemplate: (items: unknown[]) => ({ items }) },
    nativeImage: {
      createFromPath: (path: string) => ({
        path,
        isEmpty: () => !existsSync(path),
        resize: (size: { width: number; height: number }) => ({ path, size }),
      }),
    },
    app: {
      setBadgeCount: (n: number) => (recorded.badge.push(n), true),
      quit: () => void (recorded.quit += 1),
      setAsDefaultProtocolClient: (...args: unknown[]) => (recorded.protocolClients.push(args), true),
      on: (name: string, fn: Listener) => void recorded.appListeners.set(name, fn),
    },
  };
});

const { createElectronShell } = await import('../../src/main/electron/shell');
const { installDeepLinks } = await import('../../src/main/electron/deepLinks');

const root = join(__dirname, '../..');

function fakeWindow() {
  const calls: string[] = [];
  let focused = false;
  return {
    calls,
    focus(value: boolean) {
      focused = value;
    },
    window: {
      isDestroyed: () => false,
      isVisible: () => true,
      isFocused: () => focused,
      isMinimized: () => true,
      restore: () => void calls.push('restore'),
      show: () => void calls.push('show'),
      focus: () => void calls.push('focus'),
    },
  };
}

beforeEach(() => {
  recorded.supported = true;
  recorded.notifications.length = 0;
  recorded.trays.length = 0;
  recorded.badge.length = 0;
  recorded.quit = 0;
  recorded.protocolClients.length = 0;
  recorded.appListeners.clear();
});

function shellWith(platform: NodeJS.Platform, iconPath = join(root, 'build/icon.png')) {
  const w = fakeWindow();
  const logs: string[] = [];
  const shell = createElectronShell({ window: () => w.window as never, iconPath, platform, log: (m) => logs.push(m) });
  return { shell, w, logs };
}

describe('Electron shell (mocked Electron: the binary cannot run here)', () => {
  it('shows a notification whose click brings the window back, then calls back', () => {
    const { shell, w } = shellWith('darwin');
    let clicked = 0;
    expect(shell.notify({ title: 'Bob', body: 'New message', onClick: () => (clicked += 1) })).toBe(true);
    const note = recorded.notifications[0];
    expect(note).toMatchObject({ options: { title: 'Bob', body: 'New message' }, shown: true });
    note?.listeners.get('click')?.();
    expect(clicked).toBe(1);
    expect(w.calls).toEqual(['restore', 'show', 'focus']);
  });

  it('escapes the body on Linux, where notification servers read markup', () => {
    const { shell } = shellWith('linux');
    shell.notify({ title: 'Bob <b>', body: '<a href="x">y</a>', onClick: () => undefined });
    expect(recorded.notifications[0]?.options).toEqual({ title: 'Bob <b>', body: '&lt;a href=&quot;x&quot;&gt;y&lt;/a&gt;' });
  });

  it('reports unsupported platforms and focus honestly', () => {
    const { shell, w } = shellWith('win32');
    expect(shell.isWindowFocused()).toBe(false);
    w.focus(true);
    expect(shell.isWindowFocused()).toBe(true);
    recorded.supported = false;
    expect(shell.notify({ title: 't', body: 'b', onClick: () => undefined })).toBe(false);
    expect(recorded.notifications).toEqual([]);
  });

  it('tray: icon from the project, tooltip with the unread count, Open and Quit; badge count', () => {
    const { shell, w } = shellWith('linux');
    shell.createTray();
    const tray = recorded.trays[0];
    expect(tray?.image).toEqual({ path: join(root, 'build/icon.png'), size: { width: 22, height: 22 } });
    expect(tray?.tooltip).toBe('Seed Messenger');
    shell.setUnreadCount(3);
    expect(recorded.badge).toEqual([3]);
    expect(recorded.trays[0]?.tooltip).toBe('Seed Messenger — 3 unread messages');
    const menu = recorded.trays[0]?.menu ?? [];
    expect(menu.map((m) => m.label ?? m.type)).toEqual(['Open Seed Messenger', 'separator', 'Quit']);
    menu[0]?.click?.();
    expect(w.calls).toEqual(['restore', 'show', 'focus']);
    menu[2]?.click?.();
    expect(recorded.quit).toBe(1);
    shell.destroy();
    expect(recorded.trays[0]?.destroyed).toBe(true);
  });

  it('without an icon file there is no tray, and the log says why', () => {
    const { shell, logs } = shellWith('linux', join(root, 'build/no-such-icon.png'));
    shell.createTray();
    expect(recorded.trays).toEqual([]);
    expect(logs.join('\n')).toContain('no-such-icon.png');
  });
});

describe('deep links glue (mocked Electron: the binary cannot run here)', () => {
  const argv = process.argv;
  const defaultApp = process.defaultApp;
  afterEach(() => {
    process.argv = argv;
    Object.defineProperty(process, 'defaultApp', { value: defaultApp, configurable: true });
  });

  function install(args: string[], profile = 'default') {
    process.argv = args;
    Object.defineProperty(process, 'defaultApp', { value: false, configurable: true });
    const logs: string[] = [];
    const links = installDeepLinks({ profile, log: (m) => logs.push(m) });
    const got: unknown[] = [];
    const shown: number[] = [];
    return { links, logs, got, shown, target: { navigate: (n: unknown) => void got.push(n), showWindow: () => void shown.push(1) } };
  }

  it('registers the scheme, queues the cold-start link until the renderer listens, then routes later ones', () => {
    const t = install(['/opt/seed/seed-messenger', 'seed-messenger://conversation/conv-abc-123']);
    expect(recorded.protocolClients).toEqual([['seed-messenger']]);
    expect(t.got).toEqual([]);
    t.links.ready(t.target);
    expect(t.got).toEqual([{ kind: 'conversation', conversationId: 'conv-abc-123' }]);

    recorded.appListeners.get('second-instance')?.({}, ['/opt/seed/seed-messenger', 'seed-messenger://link-device?code=7K3M9P2QRT']);
    expect(t.got.at(-1)).toEqual({ kind: 'link-device', code: '7K3M9P2QRT' });
    expect(t.shown.length).toBeGreaterThan(0);

    let prevented = 0;
    recorded.appListeners.get('open-url')?.({ preventDefault: () => (prevented += 1) }, 'seed-messenger://conversation/conv-from-mac');
    expect(prevented).toBe(1);
    expect(t.got.at(-1)).toEqual({ kind: 'conversation', conversationId: 'conv-from-mac' });
  });

  it('logs a refused link and delivers nothing; a second instance without a link only shows the window', () => {
    const t = install(['/opt/seed/seed-messenger', 'seed-messenger://conversation/../../../etc/passwd']);
    t.links.ready(t.target);
    let prevented = 0;
    recorded.appListeners.get('open-url')?.({ preventDefault: () => (prevented += 1) }, 'seed-messenger://evil?x=1');
    recorded.appListeners.get('second-instance')?.({}, ['/opt/seed/seed-messenger']);
    expect(prevented).toBe(1);
    expect(t.got).toEqual([]);
    expect(t.shown).toEqual([1]);
    expect(t.logs).toHaveLength(2);
    expect(t.logs.every((l) => l.includes('invalid_deep_link'))).toBe(true);
  });

  it('a second profile does not register the scheme', () => {
    install(['/opt/seed/seed-messenger', '--profile=bob'], 'bob');
    expect(recorded.protocolClients).toEqual([]);
  });
});
