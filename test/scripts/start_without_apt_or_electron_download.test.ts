/**
 * The start scripts on machines unlike this one, run as real bash against a temporary copy of the
 * project with STUBBED commands (named below; the real ones would install packages or need the internet):
 * - scripts/system-deps.sh on a machine without apt (macOS, Windows, Fedora, unknown) says what to install
 *   with that system's tools and exits 0 instead of failing on `apt-get`;
 * - scripts/npm-deps.sh no longer forces ELECTRON_SKIP_BINARY_DOWNLOAD: npm install runs without it, then
 *   electron's own installer is tried; when the download fails (stub installer: ENOTFOUND, as offline here)
 *   the script still succeeds and says the desktop window is unavailable and browser mode is used; when it
 *   works, it says the desktop window opens;
 * - scripts/start.sh opens the desktop app when the binary is there, and otherwise says so and starts
 *   browser mode with `--open` (the link reaches the browser through a file, never the command line).
 * Stubs: `npm`, `npx` (record their arguments and environment), `uname`, `dnf`, and
 * node_modules/electron/install.js (fails or succeeds on demand).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '../..');
const which = (tool: string) => spawnSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
/** Tools the scripts need besides the stubs; apt-get and dpkg-query are deliberately not among them. */
const TOOLS = ['bash', 'cat', 'grep', 'cut', 'mktemp', 'rm', 'mkdir', 'dirname', 'id', 'node', 'env'];

function project(stubs: Record<string, string>): { dir: string; bin: string; run(script: string, ...args: string[]): { status: number | null; out: string } } {
  const dir = mkdtempSync(join(tmpdir(), 'seed-scripts-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  mkdirSync(join(dir, 'scripts'));
  for (const s of ['start.sh', 'system-deps.sh', 'npm-deps.sh']) copyFileSync(join(root, 'scripts', s), join(dir, 'scripts', s));
  for (const tool of TOOLS) symlinkSync(which(tool), join(bin, tool));
  for (const [name, body] of Object.entries(stubs)) {
    writeFileSync(join(bin, name), `#!${which('bash')}\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  writeFileSync(join(dir, 'package-lock.json'), '{}');
  return {
    dir,
    bin,
    run(script, ...args) {
      const r = spawnSync(join(bin, 'bash'), [join(dir, 'scripts', script), ...args], { cwd: dir, env: { PATH: bin, HOME: dir }, encoding: 'utf8' });
      return { status: r.status, out: `${r.stdout}${r.stderr}` };
    },
  };
}

const recordingNpm = `echo "npm $* ELECTRON_SKIP_BINARY_DOWNLOAD=\${ELECTRON_SKIP_BINARY_DOWNLOAD-unset}" >> calls.txt
if [ "$1" = install ]; then mkdir -p node_modules/electron && echo '{}' > node_modules/.package-lock.json; fi`;
const recordingNpx = 'echo "npx $*" >> calls.txt';

function electronInstaller(dir: string, works: boolean): void {
  mkdirSync(join(dir, 'node_modules/electron'), { recursive: true });
  writeFileSync(
    join(dir, 'node_modules/electron/install.js'),
    works
      ? "require('fs').writeFileSync(require('path').join(__dirname, 'path.txt'), 'electron');"
      : "console.error('Error: getaddrinfo ENOTFOUND github.com'); process.exit(1);",
  );
}

describe('scripts/system-deps.sh without apt', () => {
  it.each([
    ['Darwin', 'brew install'],
    ['MINGW64_NT-10.0', 'winget install'],
    ['Linux', 'sudo dnf install libsecret-devel'],
    ['SunOS', 'the equivalents of the Debian packages: libsecret-1-dev'],
  ])('on %s says what to install (%s) and does not fail', (system, hint) => {
    const stubs: Record<string, string> = { uname: `echo ${system}`, sudo: 'echo "sudo $*" >> calls.txt; exit 1' };
    if (hint.includes('dnf')) stubs['dnf'] = 'exit 0';
    const p = project(stubs);
    const r = p.run('system-deps.sh');
    expect(r.out).toContain(`system-deps: no apt on this machine (${system})`);
    expect(r.out).toContain(hint);
    expect(r.status).toBe(0);
    expect(existsSync(join(p.dir, 'calls.txt'))).toBe(false);
  });
});

describe('scripts/npm-deps.sh and the Electron binary', () => {
  it('installs without forcing ELECTRON_SKIP_BINARY_DOWNLOAD, and a failed download is reported, not fatal', () => {
    const p = project({ npm: recordingNpm });
    electronInstaller(p.dir, false);
    const r = p.run('npm-deps.sh');
    expect(r.status).toBe(0);
    expect(readFileSync(join(p.dir, 'calls.txt'), 'utf8')).toBe('npm install --no-audit --no-fund ELECTRON_SKIP_BINARY_DOWNLOAD=unset\n');
    expect(r.out).toContain('npm-deps: the Electron binary could not be downloaded (Error: getaddrinfo ENOTFOUND github.com).');
    expect(r.out).toContain('the desktop window is unavailable on this machine; npm start uses browser mode instead');
    expect(existsSync(join(p.dir, 'node_modules/electron/path.txt'))).toBe(false);
  });

  it('where the download works, installs the binary and says the desktop window opens', () => {
    const p = project({ npm: recordingNpm });
    electronInstaller(p.dir, true);
    const r = p.run('npm-deps.sh');
    expect(r.status).toBe(0);
    expect(r.out).toContain('npm-deps: Electron binary installed: npm start opens the desktop window.');
    expect(readFileSync(join(p.dir, 'node_modules/electron/path.txt'), 'utf8')).toBe('electron');
  });
});

describe('scripts/start.sh', () => {
  const stubbed = () => {
    const p = project({ npm: recordingNpm, npx: recordingNpx, uname: 'echo Darwin' });
    return p;
  };

  it('without the Electron binary says the desktop window is unavailable and starts browser mode with --open', () => {
    const p = stubbed();
    electronInstaller(p.dir, false);
    const r = p.run('start.sh', '--profile', 'bob');
    expect(r.status).toBe(0);
    expect(r.out).toContain('The desktop window is unavailable: the Electron binary is not installed');
    expect(r.out).toContain('BROWSER MODE');
    expect(r.out).not.toMatch(/one-time/i);
    const calls = readFileSync(join(p.dir, 'calls.txt'), 'utf8').trim().split('\n');
    expect(calls.at(-1)).toBe('npx tsx src/main/webHost/cli.ts --open --profile bob');
  });

  it('with the Electron binary opens the desktop app', () => {
    const p = stubbed();
    electronInstaller(p.dir, true);
    const r = p.run('start.sh', '--profile', 'bob');
    expect(r.status).toBe(0);
    expect(r.out).not.toContain('BROWSER MODE');
    const calls = readFileSync(join(p.dir, 'calls.txt'), 'utf8').trim().split('\n');
    expect(calls.at(-1)).toBe('npx electron-vite preview -- --profile bob');
  });
});
