/**
 * The command line: `npm run relay -- --port <p> --data <dir>` prints exactly one line when ready, serves the
 * SDK, keeps history on disk across runs, stops cleanly on SIGTERM, takes its caps (`--max-…`), and refuses bad
 * arguments, an unusable data directory and one another relay holds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, client, startTestRelay, tempDir } from './helpers';

const CLI = join(__dirname, '../../src/relay/cli.ts');
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await cleanup();
});

function run(args: string[]): { child: ChildProcess; stdout: () => string; stderr: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  return { child, stdout: () => out, stderr: () => err };
}

async function firstLine(p: { child: ChildProcess; stdout: () => string }): Promise<string> {
  while (!p.stdout().includes('\n')) {
    if (p.child.exitCode !== null) throw new Error('relay exited before it was ready');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return p.stdout();
}

// Each case starts the relay as a child process through tsx (several seconds each on a loaded 2-core machine).
describe('relay command line', { timeout: 120_000 }, () => {
  it('prints one ready line, serves the SDK, and keeps history across a SIGTERM restart', async () => {
    const data = tempDir();
    const first = run(['--port', '0', '--data', data]);
    const line = await firstLine(first);
    const match = /^relay listening on http:\/\/127\.0\.0\.1:(\d+)\n$/.exec(line);
    expect(match).not.toBeNull();
    const origin = `127.0.0.1:${match?.[1]}`;
    const sent = await client({ origin }, 'alice').publish({ channel: 'conv.cli', message: 'kept' });
    first.child.kill('SIGTERM');
    const [code] = (await once(first.child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(first.stdout()).toBe(line);

    const second = run(['--port', match?.[1] ?? '0', '--data', data]);
    await firstLine(second);
    const history = await client({ origin }, 'bob').fetchMessages({ channels: ['conv.cli'] });
    expect(history.channels['conv.cli']?.map((m) => [String(m.timetoken), m.message])).toEqual([[sent.timetoken, 'kept']]);
  });

  it('refuses bad arguments and a data directory in use', async () => {
    const missing = run(['--data', tempDir()]);
    const [code] = (await once(missing.child, 'exit')) as [number | null];
    expect(code).toBe(2);
    expect(missing.stderr()).toContain('--port is required');

    const notADirectory = join(tempDir(), 'file');
    writeFileSync(notADirectory, 'x');
    const unusable = run(['--port', '0', '--data', join(notADirectory, 'data')]);
    const [unusableCode] = (await once(unusable.child, 'exit')) as [number | null];
    expect(unusableCode).toBe(2);
    expect(unusable.stderr()).toContain('invalid_config: cannot open the relay database');

    const holder = await startTestRelay();
    const clash = run(['--port', '0', '--data', holder.dataDir]);
    const [clashCode] = (await once(clash.child, 'exit')) as [number | null];
    expect(clashCode).toBe(2);
    expect(clash.stderr()).toContain('data_dir_in_use');

    const badCap = run(['--port', '0', '--data', tempDir(), '--max-connections', 'lots']);
    const [badCapCode] = (await once(badCap.child, 'exit')) as [number | null];
    expect(badCapCode).toBe(2);
    expect(badCap.stderr()).toContain('--max-connections must be a whole number');
    const zeroCap = run(['--port', '0', '--data', tempDir(), '--max-history-rows', '0']);
    const [zeroCapCode] = (await once(zeroCap.child, 'exit')) as [number | null];
    expect(zeroCapCode).toBe(2);
    expect(zeroCap.stderr()).toContain('invalid relay option limits.historyRows');
  });

  it('takes its caps from the command line', async () => {
    const capped = run(['--port', '0', '--data', tempDir(), '--max-history-rows', '1']);
    const port = /:(\d+)\n$/.exec(await firstLine(capped))?.[1];
    const alice = client({ origin: `127.0.0.1:${port}` }, 'alice');
    await alice.publish({ channel: 'conv.cap', message: 'fits' });
    await expect(alice.publish({ channel: 'conv.cap', message: 'does not' })).rejects.toMatchObject({ status: { statusCode: 507 } });
  });
});
