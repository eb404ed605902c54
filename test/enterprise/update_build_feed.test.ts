/**
 * The release's own update feed (resources/app-update.yml, written by electron-builder when the build
 * had SEED_UPDATE_FEED_URL) and the start-up update plan built from it, with real files.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mergePolicyLayers } from '../../src/common/policy/merge';
import { readBuildFeed } from '../../src/main/update/buildFeed';
import { planUpdates } from '../../src/main/update/planUpdates';

let resources: string;
beforeEach(() => {
  resources = mkdtempSync(join(tmpdir(), 'seed-resources-'));
});
afterEach(() => rmSync(resources, { recursive: true, force: true }));

const perUser = {
  platform: 'win32',
  isPackaged: true,
  execPath: 'C:\\Users\\a\\AppData\\Local\\Programs\\seed-messenger\\SeedMessenger.exe',
  env: {},
  bundleOwnerUid: null,
};

describe('build update feed', () => {
  it('reads the generic https feed electron-builder wrote', async () => {
    writeFileSync(
      join(resources, 'app-update.yml'),
      "provider: generic\nurl: 'https://updates.seed.example/stable'\nchannel: latest\nupdaterCacheDirName: seed-messenger-updater\n",
    );
    expect(await readBuildFeed(resources)).toEqual({ feedUrl: 'https://updates.seed.example/stable', warning: null });
  });

  it('has no feed when the file is absent, and refuses a non-generic or plain-http one', async () => {
    expect(await readBuildFeed(resources)).toEqual({ feedUrl: null, warning: null });
    for (const text of ['provider: github\nowner: x\nrepo: y\n', 'provider: generic\nurl: http://updates.seed.example\n', 'garbage']) {
      writeFileSync(join(resources, 'app-update.yml'), text);
      expect(await readBuildFeed(resources)).toMatchObject({ feedUrl: null, warning: { code: 'update_build_feed_invalid' } });
    }
  });

  it('plans updates from policy, install kind and the build feed', async () => {
    writeFileSync(join(resources, 'app-update.yml'), 'provider: generic\nurl: https://updates.seed.example/stable\n');
    const unmanaged = await planUpdates(mergePolicyLayers({}), perUser, resources);
    expect(unmanaged).toEqual({
      install: 'per-user',
      decision: { enabled: true, feedUrl: 'https://updates.seed.example/stable', source: 'build', apply: 'install' },
      warnings: [],
    });
    const mdm = await planUpdates(mergePolicyLayers({}), { ...perUser, execPath: 'C:\\Program Files\\Seed Messenger\\SeedMessenger.exe' }, resources);
    expect(mdm.decision).toEqual({ enabled: false, reason: 'per-machine-install' });
    const off = await planUpdates(mergePolicyLayers({ user: { updateMode: 'off' } }), perUser, resources);
    expect(off.decision).toEqual({ enabled: false, reason: 'policy-off' });
  });
});
