/**
 * A private relay (src/relay) in a child process on an ephemeral loopback port, so the relay's work does
 * not share an event loop with the clients being measured. Started through the relay's own CLI.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { LoadScriptError } from './errors';

export interface RelayProcess {
  /** `127.0.0.1:<port>`, for the SDK's `origin` with `ssl: false`. */
  readonly origin: string;
  stop(): Promise<void>;
}

/** PubNub keys for a relay with Access Manager on (the secret key turns it on). */
export interface RelayKeys {
  readonly publishKey: string;
  readonly subscribeKey: string;
  readonly secretKey: string;
}

/** Starts the relay with its history under `dataDir`; resolves once it prints its listening line. */
export function startRelayProcess(dataDir: string, timeoutMs = 20_000, keys?: RelayKeys): Promise<RelayProcess> {
  const keyArgs = keys ? ['--publish-key', keys.publishKey, '--subscribe-key', keys.subscribeKey, '--secret-key', keys.secretKey] : [];
  const child = spawn(path.join('node_modules', '.bin', 'tsx'), ['src/relay/cli.ts', '--port', '0', '--data', dataDir, ...keyArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new LoadScriptError('timeout', `the relay did not start within ${timeoutMs / 1000} s: ${err.trim().slice(-300)}`));
    }, timeoutMs);
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /relay listening on http:\/\/([^\s/]+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve({ origin: m[1], stop });
      }
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      reject(new LoadScriptError('exit', `the relay exited with ${code}: ${err.trim().slice(-300)}`));
    });
  });
}
