/**
 * Auto-update under policy (docs/deployment.md §3): off or IT-managed for MDM installs, switchable by
 * policy, never pointed at a feed by the renderer. The decision is a pure function of policy, install kind
 * and build feed; the service applies it to an updater (a recording stand-in for electron-updater's
 * autoUpdater, which needs the Electron binary) and exposes no way to pass a feed.
 */
import type { AppUpdater } from 'electron-updater';
import { describe, expect, it } from 'vitest';
import { mergePolicyLayers } from '../../src/common/policy/merge';
import { detectInstallKind, type InstallFacts } from '../../src/main/update/installKind';
import { decideUpdates } from '../../src/main/update/updateDecision';
import { createUpdateService, type Updater } from '../../src/main/update/updateService';

const BUILD_FEED = 'https://updates.seed.example/stable';
const IT_FEED = 'https://updates.corp.example/seed';

/** Compile-time proof that electron-updater's AppUpdater is an `Updater`. */
const _fits = (u: AppUpdater): Updater => u;

function recordingUpdater(fail = false) {
  const calls: unknown[] = [];
  const updater: Updater = {
    autoDownload: true,
    autoInstallOnAppQuit: true,
    setFeedURL: (o) => void calls.push(['setFeedURL', o]),
    checkForUpdates: async () => {
      calls.push(['checkForUpdates']);
      if (fail) throw new Error('network unreachable');
      return null;
    },
  };
  return { updater, calls };
}

describe('update decision', () => {
  it('keeps per-machine (MDM) installs off unless policy manages updates', () => {
    const none = mergePolicyLayers({});
    expect(decideUpdates({ policy: none, install: 'per-machine', buildFeedUrl: BUILD_FEED })).toEqual({ enabled: false, reason: 'per-machine-install' });
    const it_ = mergePolicyLayers({ machine: { updateMode: 'managed', updateFeedUrl: IT_FEED } });
    expect(decideUpdates({ policy: it_, install: 'per-machine', buildFeedUrl: BUILD_FEED })).toEqual({
      enabled: true,
      feedUrl: IT_FEED,
      source: 'policy',
      apply: 'notify-only',
    });
  });

  it('lets policy switch updates off, to the IT feed, or to the build feed', () => {
    const cases = [
      [{ updateMode: 'off' }, { enabled: false, reason: 'policy-off' }],
      [
        { updateMode: 'managed', updateFeedUrl: IT_FEED },
        { enabled: true, feedUrl: IT_FEED, source: 'policy', apply: 'install' },
      ],
      [{ updateMode: 'managed' }, { enabled: false, reason: 'feed-missing' }],
      [{ updateMode: 'vendor' }, { enabled: true, feedUrl: BUILD_FEED, source: 'build', apply: 'install' }],
    ] as const;
    for (const [machine, expected] of cases) {
      expect(decideUpdates({ policy: mergePolicyLayers({ machine }), install: 'per-user', buildFeedUrl: BUILD_FEED })).toEqual(expected);
    }
  });

  it('uses the build feed for unmanaged per-user installs, and stays off without one', () => {
    const none = mergePolicyLayers({});
    expect(decideUpdates({ policy: none, install: 'per-user', buildFeedUrl: BUILD_FEED })).toMatchObject({ enabled: true, source: 'build' });
    expect(decideUpdates({ policy: none, install: 'per-user', buildFeedUrl: null })).toEqual({ enabled: false, reason: 'no-build-feed' });
    expect(decideUpdates({ policy: none, install: 'per-user', buildFeedUrl: 'http://plain.example' })).toEqual({ enabled: false, reason: 'no-build-feed' });
  });

  it('never self-updates development runs or deb/rpm installs, whatever the policy says', () => {
    const it_ = mergePolicyLayers({ machine: { updateMode: 'managed', updateFeedUrl: IT_FEED } });
    expect(decideUpdates({ policy: it_, install: 'development', buildFeedUrl: BUILD_FEED })).toEqual({ enabled: false, reason: 'development' });
    expect(decideUpdates({ policy: it_, install: 'package-manager', buildFeedUrl: BUILD_FEED })).toEqual({ enabled: false, reason: 'package-manager' });
  });

  it('ignores an update feed from the user app config (the renderer-writable layer)', () => {
    const policy = mergePolicyLayers({ appConfig: { updateMode: 'managed', updateFeedUrl: 'https://evil.example/feed' } });
    expect(decideUpdates({ policy, install: 'per-user', buildFeedUrl: BUILD_FEED })).toMatchObject({ feedUrl: BUILD_FEED, source: 'build' });
  });
});

describe('install kind', () => {
  const base: InstallFacts = { platform: 'win32', isPackaged: true, execPath: '', env: {}, bundleOwnerUid: null };
  it('recognises per-machine, per-user, package-manager and development installs', () => {
    expect(detectInstallKind({ ...base, execPath: 'C:\\Program Files\\Seed Messenger\\SeedMessenger.exe' })).toBe('per-machine');
    expect(detectInstallKind({ ...base, execPath: 'D:\\Apps\\Seed Messenger\\SeedMessenger.exe', env: { ProgramFiles: 'D:\\Apps' } })).toBe('per-machine');
    expect(detectInstallKind({ ...base, execPath: 'C:\\Users\\a\\AppData\\Local\\Programs\\seed-messenger\\SeedMessenger.exe' })).toBe('per-user');
    expect(detectInstallKind({ ...base, isPackaged: false, execPath: 'C:\\Program Files\\x.exe' })).toBe('development');
    const mac = { ...base, platform: 'darwin', execPath: '/Applications/Seed Messenger.app/Contents/MacOS/Seed Messenger' };
    expect(detectInstallKind({ ...mac, bundleOwnerUid: 0 })).toBe('per-machine');
    expect(detectInstallKind({ ...mac, bundleOwnerUid: 501 })).toBe('per-user');
    const linux = { ...base, platform: 'linux' };
    expect(detectInstallKind({ ...linux, execPath: '/opt/Seed Messenger/seed-messenger' })).toBe('package-manager');
    expect(detectInstallKind({ ...linux, execPath: '/tmp/.mount_seed/seed-messenger', env: { APPIMAGE: '/home/a/Seed.AppImage' } })).toBe('per-user');
  });

  it('cannot be talked out of per-machine by an environment variable', () => {
    const exe = 'C:\\Program Files\\Seed Messenger\\SeedMessenger.exe';
    expect(detectInstallKind({ ...base, execPath: exe, env: { ProgramFiles: 'Z:\\Nowhere', ProgramW6432: 'Z:\\Nowhere' } })).toBe('per-machine');
  });
});

describe('update service', () => {
  it('sets the decided feed once and checks without taking any feed from the caller', async () => {
    const { updater, calls } = recordingUpdater();
    const service = createUpdateService({ enabled: true, feedUrl: IT_FEED, source: 'policy', apply: 'notify-only' }, updater);
    expect(updater.autoDownload).toBe(false);
    expect(updater.autoInstallOnAppQuit).toBe(false);
    expect(service.checkNow.length).toBe(0);
    const sneaky = service.checkNow as unknown as (feed: string) => ReturnType<typeof service.checkNow>;
    expect(await sneaky('https://evil.example/feed')).toEqual({ state: 'checked', source: 'policy', apply: 'notify-only' });
    expect(calls).toEqual([['setFeedURL', { provider: 'generic', url: IT_FEED, channel: 'latest' }], ['checkForUpdates']]);
  });

  it('never touches the updater when updates are off', async () => {
    const { updater, calls } = recordingUpdater();
    const service = createUpdateService({ enabled: false, reason: 'per-machine-install' }, updater);
    expect(await service.checkNow()).toEqual({ state: 'off', reason: 'per-machine-install' });
    expect(calls).toEqual([]);
    expect(updater.autoDownload).toBe(true);
  });

  it('reports a failed check instead of throwing', async () => {
    const { updater } = recordingUpdater(true);
    const service = createUpdateService({ enabled: true, feedUrl: BUILD_FEED, source: 'build', apply: 'install' }, updater);
    expect(await service.checkNow()).toMatchObject({ state: 'failed', detail: 'network unreachable' });
    expect(updater.autoDownload).toBe(true);
  });
});
