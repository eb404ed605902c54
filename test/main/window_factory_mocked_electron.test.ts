/**
 * The BrowserWindow factory and IPC registration, with Electron MOCKED: the Electron binary cannot be
 * downloaded or run on these machines. The mock records what the factory asks Electron for; the real
 * decisions (navigation, links, permissions, senders) are the pure modules tested on their own.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';

const recorded = vi.hoisted(() => ({
  windows: [] as Array<{
    options: Record<string, unknown>;
    handlers: Map<string, (...a: unknown[]) => void>;
    openHandler?: (d: { url: string }) => unknown;
    loaded?: string;
  }>,
  opened: [] as string[],
  permissionRequest: undefined as undefined | ((wc: unknown, permission: string, cb: (ok: boolean) => void) => void),
  permissionCheck: undefined as undefined | ((wc: unknown, permission: string) => boolean),
  ipc: new Map<string, (event: unknown, args: unknown) => Promise<unknown>>(),
}));

vi.mock('electron', () => {
  class BrowserWindow {
    webContents: Record<string, unknown>;
    constructor(options: Record<string, unknown>) {
      const entry: (typeof recorded.windows)[number] = { options, handlers: new Map() };
      recorded.windows.push(entry);
      this.webContents = {
        on: (name: string, fn: (...a: unknown[]) => void) => entry.handlers.set(name, fn),
        setWindowOpenHandler: (fn: (d: { url: string }) => unknown) => (entry.openHandler = fn),
      };
      Object.assign(this, {
        once: () => undefined,
        loadURL: async (u: string) => (entry.loaded = u),
        loadFile: async (f: string) => (entry.loaded = f),
      });
    }
  }
  return {
    BrowserWindow,
    shell: { openExternal: async (url: string) => void recorded.opened.push(url) },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (fn: typeof recorded.permissionRequest) => (recorded.permissionRequest = fn),
        setPermissionCheckHandler: (fn: typeof recorded.permissionCheck) => (recorded.permissionCheck = fn),
      },
    },
    ipcMain: { handle: (channel: string, fn: (event: unknown, args: unknown) => Promise<unknown>) => recorded.ipc.set(channel, fn) },
  };
});

const { createMainWindow, denyAllPermissions } = await import('../../src/main/electron/window');
const { methodNames } = await import('../../src/common/ipc/methods');
const { registerIpc } = await import('../../src/main/electron/ipc');

beforeEach(() => {
  recorded.windows.length = 0;
  recorded.opened.length = 0;
  recorded.ipc.clear();
});

function makeWindow() {
  createMainWindow({ rendererUrl: null, preloadFile: '/opt/app/out/preload/index.js', externalLinks: { allowedHosts: [] } });
  const w = recorded.windows[0];
  if (!w) throw new Error('no window created');
  return w;
}

describe('window factory (mocked Electron: the binary cannot run here)', () => {
  it('creates a sandboxed, context-isolated window without Node integration', () => {
    const w = makeWindow();
    expect(w.options['webPreferences']).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      preload: '/opt/app/out/preload/index.js',
    });
    expect(w.loaded).toBe('app://seed/index.html');
  });

  it('loads the dev server URL when one is given, and keeps navigation on its origin', () => {
    createMainWindow({ rendererUrl: 'http://localhost:5173/', preloadFile: '/p.js', externalLinks: { allowedHosts: [] } });
    const w = recorded.windows[0];
    expect(w?.loaded).toBe('http://localhost:5173/');
    const prevented: string[] = [];
    const event = (url: string) => ({ preventDefault: () => prevented.push(url) });
    w?.handlers.get('will-navigate')?.(event('app://seed/index.html'), 'app://seed/index.html');
    w?.handlers.get('will-navigate')?.(event('http://localhost:5173/#/chat'), 'http://localhost:5173/#/chat');
    expect(prevented).toEqual(['app://seed/index.html']);
  });

  it('prevents navigation away from the app and refuses webviews', () => {
    const w = makeWindow();
    const prevented: string[] = [];
    const event = (url: string) => ({ preventDefault: () => prevented.push(url) });
    w.handlers.get('will-navigate')?.(event('https://evil.example/'), 'https://evil.example/');
    w.handlers.get('will-navigate')?.(event('app://seed/index.html#/chat'), 'app://seed/index.html#/chat');
    w.handlers.get('will-navigate')?.(event('file:///opt/app/out/renderer/index.html'), 'file:///opt/app/out/renderer/index.html');
    w.handlers.get('will-navigate')?.(event('app://other/index.html'), 'app://other/index.html');
    w.handlers.get('will-redirect')?.(event('http://127.0.0.1:1/'), 'http://127.0.0.1:1/');
    w.handlers.get('will-attach-webview')?.(event('webview'));
    expect(prevented).toEqual(['https://evil.example/', 'file:///opt/app/out/renderer/index.html', 'app://other/index.html', 'http://127.0.0.1:1/', 'webview']);
  });

  it('denies every window.open and hands only https links to the OS browser', () => {
    const w = makeWindow();
    expect(w.openHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(w.openHandler?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(recorded.opened).toEqual(['https://example.com/']);
  });

  it('denies permission requests and checks', () => {
    denyAllPermissions();
    const answers: boolean[] = [];
    recorded.permissionRequest?.({}, 'media', (ok) => answers.push(ok));
    expect(answers).toEqual([false]);
    expect(recorded.permissionCheck?.({}, 'notifications')).toBe(false);
  });
});

describe('IPC registration (mocked Electron: the binary cannot run here)', () => {
  const mainFrame = { url: 'app://seed/index.html' };
  const dispatched: string[] = [];
  const dispatch = async (channel: string) => (dispatched.push(channel), { ok: true as const, value: 'fine' });

  it('registers exactly the contract methods, each on its channel under the app prefix', async () => {
    registerIpc(dispatch, ['app://seed']);
    expect([...recorded.ipc.keys()].sort()).toEqual(methodNames.map((n) => `seed:${n}`).sort());
  });

  it('refuses a forged sender (sub-frame or foreign page) before dispatching', async () => {
    registerIpc(dispatch, ['app://seed']);
    const handler = recorded.ipc.get('seed:appInfo');
    dispatched.length = 0;
    const subFrame = { url: 'app://seed/index.html' };
    const forged = await handler?.({ senderFrame: subFrame, sender: { mainFrame } }, []);
    expect(forged).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    for (const url of ['https://evil.example/', 'file:///opt/app/out/renderer/index.html', 'app://other/index.html']) {
      const foreignMain = { url };
      const foreign = await handler?.({ senderFrame: foreignMain, sender: { mainFrame: foreignMain } }, []);
      expect(foreign).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    }
    const gone = await handler?.({ senderFrame: null, sender: { mainFrame } }, []);
    expect(gone).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    expect(dispatched).toEqual([]);
    expect(await handler?.({ senderFrame: mainFrame, sender: { mainFrame } }, [])).toEqual({ ok: true, value: 'fine' });
    expect(dispatched).toEqual(['appInfo']);
  });
});
