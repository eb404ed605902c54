/**
 * `npm run key-manager` (docs/broadcast.md §4): a key manager started separately on its own port and data
 * dir prints `key manager listening on http://127.0.0.1:<p>`, answers its API, stops on SIGTERM, and
 * refuses to start without a trusted issuer.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, tempDir } from './harness';

const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const CLI = 'src/server/keyManager/cli.ts';

function run(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(TSX, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout?.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => text, exited };
}

describe('key manager runs alone from the CLI', () => {
  afterAll(cleanup);

  it('starts, answers, and stops on SIGTERM', async () => {
    const data = tempDir();
    const km = run([
      '--port',
      '0',
      '--data',
      data,
      '--issuer',
      'http://127.0.0.1:1=http://127.0.0.1:1/.well-known/jwks.json',
      '--issuer',
      'http://127.0.0.1:2',
    ]);
    const deadline = Date.now() + 20_000;
    while (!/key manager listening on (http:\/\/127\.0\.0\.1:\d+)/.test(km.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const url = /key manager listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(km.output())?.[1];
    expect(url, km.output()).toBeDefined();
    const info = (await (await fetch(`${url}/v1/info`)).json()) as { audience: string; trustedIssuers: string[] };
    expect(info).toEqual({ keyManager: true, audience: url, trustedIssuers: ['http://127.0.0.1:1', 'http://127.0.0.1:2'] });
    expect(existsSync(join(data, 'master.key.kms'))).toBe(true);
    expect(existsSync(join(data, 'master.key'))).toBe(false);
    km.child.kill('SIGTERM');
    expect(await km.exited).toBe(0);
  });

  it('refuses to start without a trusted issuer', async () => {
    const km = run(['--port', '0', '--data', tempDir()]);
    expect(await km.exited).toBe(2);
    expect(km.output()).toContain('--issuer');
  });
});
