/**
 * Runs another engineer's load script (bench/relay-load.ts, bench/keyservice-load.ts) as a child
 * process with a time bound, and reads the JSON it prints on its last line. The child runs in its own
 * process group so a timeout ends everything it started.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { LoadScriptError } from './errors';

export interface ScriptResult {
  readonly json: unknown;
  readonly durationMs: number;
  readonly stderrTail: string;
}

const TAIL = 4000;
const tail = (text: string): string => (text.length > TAIL ? text.slice(-TAIL) : text);

/** Parses the last non-empty line of `stdout` as JSON. */
export function lastLineJson(stdout: string): unknown {
  const last = stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .pop();
  if (last === undefined) throw new LoadScriptError('no_json', 'the script printed nothing');
  try {
    return JSON.parse(last);
  } catch {
    throw new LoadScriptError('no_json', `the last line is not JSON: ${last.slice(0, 200)}`);
  }
}

/** Runs `npx tsx <script> [args]` from the repository root, killed after `timeoutMs`. */
export function runJsonScript(
  script: string,
  opts: { timeoutMs: number; env: NodeJS.ProcessEnv; args?: readonly string[]; onStderr?: (text: string) => void },
): Promise<ScriptResult> {
  if (!existsSync(script)) return Promise.reject(new LoadScriptError('missing', `${script} does not exist yet`));
  const tsx = path.join('node_modules', '.bin', 'tsx');
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, [script, ...(opts.args ?? [])], { detached: true, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => (stdout = (stdout + d.toString()).slice(-256 * 1024)));
    child.stderr.on('data', (d: Buffer) => {
      stderr = tail(stderr + d.toString());
      opts.onStderr?.(d.toString());
    });
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        /* the group has already exited */
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      setTimeout(() => killGroup('SIGKILL'), 3000).unref();
    }, opts.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new LoadScriptError('exit', `${script} could not start: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const durationMs = Date.now() - started;
      if (timedOut) return reject(new LoadScriptError('timeout', `${script} did not finish within ${Math.round(opts.timeoutMs / 1000)} s`));
      if (code !== 0) {
        const why = tail(stderr).trim().split('\n').slice(-3).join(' / ');
        return reject(new LoadScriptError('exit', `${script} exited with ${code ?? signal}${why ? `: ${why}` : ''}`));
      }
      try {
        resolve({ json: lastLineJson(stdout), durationMs, stderrTail: tail(stderr) });
      } catch (err) {
        reject(err);
      }
    });
  });
}
