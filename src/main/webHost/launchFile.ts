/**
 * How browser mode hands its single-use link to a browser without putting the token on a command line
 * (other local users can read every process's command line, e.g. through /proc/<pid>/cmdline):
 * the link goes into a small HTML file only this user can read (folder 0700, file 0600) that sends the
 * browser on to the link; a browser is started with that file's path, never with the link. The file is
 * removed once the link is spent (docs/desktop.md §Browser mode).
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const LAUNCH_FILE_NAME = 'open-seed-messenger.html';

/** Writes the launch file for `link` into `dir` (created 0700) as a fresh 0600 file; answers its path. */
export function writeLaunchFile(dir: string, link: string): string {
  const url = new URL(link);
  if (url.protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    throw new Error(`not a loopback link: ${url.origin}`);
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const path = join(dir, LAUNCH_FILE_NAME);
  rmSync(path, { force: true });
  const href = url.href.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  writeFileSync(
    path,
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">` +
      `<meta http-equiv="refresh" content="0;url=${href}"><title>Seed Messenger</title></head>` +
      `<body><p>Opening Seed Messenger… <a href="${href}">Continue</a></p></body></html>\n`,
    { mode: 0o600, flag: 'wx' },
  );
  return path;
}

export function removeLaunchFile(path: string): void {
  rmSync(path, { force: true });
}

/** The command that opens `file` in the default browser on `platform`; its arguments carry the file's URL only. */
export function browserCommand(file: string, platform: NodeJS.Platform, env: NodeJS.ProcessEnv = process.env): { command: string; args: string[] } {
  const target = pathToFileURL(file).href;
  const chosen = env['BROWSER'];
  if (chosen) return { command: chosen, args: [target] };
  if (platform === 'darwin') return { command: 'open', args: [target] };
  if (platform === 'win32') return { command: 'explorer.exe', args: [target] };
  return { command: 'xdg-open', args: [target] };
}

/**
 * Starts the browser on the launch file, detached. Answers a sentence for the person when it could not
 * (no browser command, no display); the app keeps running either way.
 */
export function openInBrowser(file: string, platform: NodeJS.Platform, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  if (platform === 'linux' && !env['DISPLAY'] && !env['WAYLAND_DISPLAY'] && !env['BROWSER']) {
    return Promise.resolve('no display to open a browser on');
  }
  const { command, args } = browserCommand(file, platform, env);
  return new Promise((resolve) => {
    const child = spawn(command, args, { detached: true, stdio: 'ignore', env });
    child.once('error', (e) => resolve(`could not start ${command}: ${e.message}`));
    child.once('spawn', () => {
      child.unref();
      resolve(null);
    });
  });
}
