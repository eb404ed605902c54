/**
 * Shared setup of the spawned-CLI scenarios: a real key service + relay world (test/client/harness.ts), a
 * temporary SEED home, and `cli(profile, args)` running `src/cli/main.ts` in its own process against them.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import type { KeyServiceOptions } from '../../src/server/index';
import { cleanup, PASSWORD, startWorld, type World } from '../client/harness';

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  onStdout?: (text: string) => void;
  onStderr?: (text: string) => void;
  started?: (stop: () => void) => void;
  /** Extra environment (e.g. another SEED_PASSWORD, SEED_NEW_PASSWORD). */
  env?: Record<string, string>;
  /** Receives a function that types a line on the CLI's stdin. */
  stdin?: (type: (line: string) => void) => void;
}

/** Registers beforeAll/afterAll hooks for the world and returns accessors and the CLI runner. */
export function useCliWorld(homePrefix: string, opts: { service?: () => Partial<KeyServiceOptions> } = {}) {
  let world: World | undefined;
  let home = '';
  beforeAll(async () => {
    world = await startWorld(opts.service ? { service: opts.service() } : {});
    home = mkdtempSync(join(tmpdir(), homePrefix));
  });
  afterAll(async () => {
    await cleanup();
    rmSync(home, { recursive: true, force: true });
  });

  function cli(profile: string, args: readonly string[], opts: CliOptions = {}): Promise<Run> {
    const w = world;
    if (!w) throw new Error('the CLI world is not started');
    return new Promise((resolve) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'src/cli/main.ts', '--profile', profile, '--server', w.keyService.url, '--relay', `http://${w.relay.origin}`, ...args],
        {
          cwd: join(__dirname, '../..'),
          env: { ...process.env, SEED_HOME: home, SEED_PASSWORD: PASSWORD, ...opts.env },
        },
      );
      opts.started?.(() => child.kill('SIGINT'));
      opts.stdin?.((line) => child.stdin.write(`${line}\n`));
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        opts.onStdout?.(stdout);
      });
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        opts.onStderr?.(stderr);
      });
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  return { cli, world: () => world as World, home: () => home };
}

/** The last stdout line of a successful `--json` run, parsed. */
export function json<T>(run: Run): T {
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '') as T;
}
