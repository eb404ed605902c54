/**
 * Review M4, with Electron MOCKED (the Electron binary cannot be downloaded or run here): the real entry
 * point src/main/electron/main.ts is started against a recording stand-in for the `electron` module (and
 * `electron-updater`), with the real bootstrap, keychain and profile. A local process that launches the
 * PACKAGED app with `ELECTRON_RENDERER_URL=https://evil.example` must not get that page into the window
 * or trusted as an IPC sender: the window loads `app://seed/index.html` and the refusal is logged with its
 * code. Run from source (not packaged), the development server on loopback is still honoured; a remote
 * URL is refused there too. The decision itself: src/main/security/rendererUrl.ts, tested directly below.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { rendererUrlDecision } from '../../src/main/security/rendererUrl';

type Listener = (...args: unknown[]) => unknown;

const mock = vi.hoisted(() => {
  const state = {
    isPackaged: true,
    dir: '',
    loaded: [] as string[],
    senders: [] as string[][],
    appListeners: new Map<string, Listener>(),
    windowLoaded: null as null | ((url: string) => void),
  };
  /** Anything not modelled below: a callable, constructible stand-in that answers itself. */
  const anything = (): unknown =>
    new Proxy(function () {}, {
      get: (_t, key) => (key === 'then' ? undefined : anything()),
      apply: () => anything(),
      construct: () => anything() as object,
    });
  return { state, anything };
});

vi.mock('electron-updater', () => ({ autoUpdater: mock.anything() }));
vi.mock('electron', () => {
  const { state, anything } = mock;
  const stub = <T extends object>(known: T) =>
    new Proxy(known, { get: (t, key) => (key in t ? (t as Record<string | symbol, unknown>)[key] : anything()) }) as T;
  class BrowserWindow {
    webContents = stub({ on: () => undefined, setWindowOpenHandler: () => undefined, send: () => undefined });
    once() {}
    on() {}
    hide() {}
    async loadURL(url: string) {
      state.loaded.push(url);
      state.windowLoaded?.(url);
    }
  }
  const app = stub({
    get isPackaged() {
      return state.isPackaged;
    },
    getPath: (name: string) => join(state.dir, name),
    getAppPath: () => state.dir,
    getName: () => 'Seed Messenger',
    getVersion: () => '9.9.9',
    requestSingleInstanceLock: () => true,
    whenReady: () => Promise.resolve(),
    on: (name: string, fn: Listener) => void state.appListeners.set(name, fn),
    setPath: () => undefined,
    enableSandbox: () => undefined,
    setAsDefaultProtocolClient: () => true,
  });
  return {
    app,
    BrowserWindow,
    ipcMain: stub({ handle: () => undefined }),
    protocol: stub({ registerSchemesAsPrivileged: () => undefined, handle: () => undefined }),
    session: { defaultSession: stub({ setPermissionRequestHandler: () => undefined, setPermissionCheckHandler: () => undefined }) },
    shell: anything(),
    Menu: anything(),
    Tray: anything(),
    nativeImage: anything(),
    Notification: anything(),
  };
});
vi.mock('../../src/main/electron/ipc', () => ({ registerIpc: (_dispatch: unknown, origins: string[]) => void mock.state.senders.push(origins) }));

async function startMain(isPackaged: boolean, rendererUrl: string): Promise<string> {
  vi.resetModules();
  Object.assign(mock.state, { isPackaged, dir: mkdtempSync(join(tmpdir(), 'seed-main-m4-')), loaded: [], senders: [] });
  mock.state.appListeners.clear();
  // Electron sets process.resourcesPath; plain Node does not.
  Object.assign(process, { resourcesPath: mock.state.dir });
  vi.stubEnv('SEED_HOME', join(mock.state.dir, 'home'));
  vi.stubEnv('ELECTRON_RENDERER_URL', rendererUrl);
  const loaded = new Promise<string>((resolve) => (mock.state.windowLoaded = resolve));
  await import('../../src/main/electron/main');
  return loaded;
}

afterEach(async () => {
  await mock.state.appListeners.get('will-quit')?.();
  vi.unstubAllEnvs();
});

describe('ELECTRON_RENDERER_URL in the Electron entry point', () => {
  it('is ignored by a packaged app: the window loads app://seed and only app://seed may call IPC', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await startMain(true, 'https://evil.example/')).toBe('app://seed/index.html');
    expect(mock.state.senders).toEqual([['app://seed']]);
    expect(errors.mock.calls.flat().join('\n')).toContain('renderer_url_refused: ELECTRON_RENDERER_URL ignored: the app is packaged');
    errors.mockRestore();
  });

  it('is honoured run from source for the development server on loopback', async () => {
    expect(await startMain(false, 'http://localhost:5173')).toBe('http://localhost:5173');
    expect(mock.state.senders).toEqual([['http://localhost:5173']]);
  });
});

describe('rendererUrlDecision', () => {
  it('answers the packaged renderer unless unpackaged and on loopback, with a typed refusal', () => {
    expect(rendererUrlDecision({ isPackaged: true, env: {} })).toEqual({ url: null, refused: null });
    for (const [isPackaged, value] of [
      [true, 'http://localhost:5173'],
      [false, 'https://evil.example'],
      [false, 'http://127.0.0.1.evil.example:5173'],
      [false, 'file:///etc/passwd'],
      [false, 'http://user:pw@localhost:5173'],
      [false, 'not a url'],
    ] as const) {
      const decision = rendererUrlDecision({ isPackaged, env: { ELECTRON_RENDERER_URL: value } });
      expect(decision.url, value).toBeNull();
      expect(decision.refused?.code, value).toBe('renderer_url_refused');
    }
    expect(rendererUrlDecision({ isPackaged: false, env: { ELECTRON_RENDERER_URL: 'http://127.0.0.1:5173' } }).url).toBe('http://127.0.0.1:5173');
  });
});
