/**
 * `npm run dist` where electron-builder cannot work (docs/deployment.md §5): without the Electron release
 * zips and the builder's helper tools it explains what is missing and how to provide it, builds nothing,
 * and exits with status 2. With them provided (or downloads allowed) the preflight passes; signing can be
 * made mandatory for release machines.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = join(__dirname, '..', '..');
const { preflight, EXIT_PREFLIGHT } = (await import(join(repo, 'build/dist.mjs'))) as {
  preflight(o: { argv: string[]; env: Record<string, string>; host: string; version: string }): { problems: string[]; info: string[] };
  EXIT_PREFLIGHT: number;
};
const scratch = mkdtempSync(join(tmpdir(), 'seed-dist-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('npm run dist preflight', () => {
  it('explains what is missing and exits 2 without building anything when Electron is unavailable', () => {
    const r = spawnSync(process.execPath, [join(repo, 'build/dist.mjs'), '--linux'], {
      cwd: repo,
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '', HOME: scratch },
    });
    expect(r.status).toBe(EXIT_PREFLIGHT);
    expect(EXIT_PREFLIGHT).toBe(2);
    expect(r.stderr).toMatch(/The Electron \d+\.\d+\.\d+ binary is not available here/);
    expect(r.stderr).toMatch(/SEED_ELECTRON_DIST/);
    expect(r.stderr).toMatch(/--allow-download/);
    expect(r.stderr).toMatch(/Nothing was built/);
    expect(r.stdout).not.toMatch(/electron-vite|npm run build/);
  });

  it('passes once the Electron zip and the tool cache are provided', () => {
    const dist = join(scratch, 'electron-dist');
    const cache = join(scratch, 'builder-cache');
    mkdirSync(dist, { recursive: true });
    mkdirSync(cache, { recursive: true });
    writeFileSync(join(dist, 'electron-v45.4.1-linux-x64.zip'), '');
    const ok = preflight({ argv: ['--linux', '--x64'], env: { SEED_ELECTRON_DIST: dist, ELECTRON_BUILDER_CACHE: cache }, host: 'linux', version: '45.4.1' });
    expect(ok.problems).toEqual([]);
    const wrongArch = preflight({
      argv: ['--linux', '--arm64'],
      env: { SEED_ELECTRON_DIST: dist, ELECTRON_BUILDER_CACHE: cache },
      host: 'linux',
      version: '45.4.1',
    });
    expect(wrongArch.problems.join()).toMatch(/has no Electron for linux/);
    expect(preflight({ argv: ['--linux', '--allow-download'], env: {}, host: 'linux', version: '45.4.1' }).problems).toEqual([]);
  });

  it('refuses to build macOS or MSI installers on the wrong host', () => {
    const r = preflight({ argv: ['--mac', '--win', '--allow-download'], env: {}, host: 'linux', version: '45.4.1' });
    expect(r.problems).toHaveLength(2);
    expect(r.problems.join('\n')).toMatch(/only be built on macOS[\s\S]*WiX, which runs on Windows/);
  });

  it('makes signing mandatory with SEED_REQUIRE_SIGNING=1 and reports the signing in use', () => {
    const unsigned = preflight({ argv: ['--win', '--allow-download'], env: { SEED_REQUIRE_SIGNING: '1' }, host: 'win32', version: '45.4.1' });
    expect(unsigned.problems).toEqual([expect.stringMatching(/no Windows signing is configured/)]);
    const azure = preflight({
      argv: ['--win', '--allow-download'],
      env: {
        SEED_REQUIRE_SIGNING: '1',
        AZURE_TRUSTED_SIGNING_ENDPOINT: 'https://eus.codesigning.azure.net',
        AZURE_TRUSTED_SIGNING_ACCOUNT: 'a',
        AZURE_TRUSTED_SIGNING_PROFILE: 'p',
        WIN_PUBLISHER_NAME: 'Seed',
      },
      host: 'win32',
      version: '45.4.1',
    });
    expect(azure.problems).toEqual([]);
    expect(azure.info).toContain('Windows signing: azure-trusted-signing');
    const mac = preflight({ argv: ['--mac', '--allow-download'], env: { SEED_REQUIRE_SIGNING: '1', CSC_NAME: 'x' }, host: 'darwin', version: '45.4.1' });
    expect(mac.problems).toEqual([expect.stringMatching(/signing or notarization is not configured/)]);
  });
});
