/**
 * The log file honours the `logLevel` setting live: the user's own app config (the real policy loader
 * over a real config.json) changes it on reload, a machine policy IT sets wins over it, and the start-up
 * records name policy warnings by code.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { mergePolicyLayers } from '../../src/common/policy/merge';
import { createFileLogger } from '../../src/main/log/fileLogger';
import { createConsoleLogger, createLogger, type LogSink } from '../../src/main/log/logger';
import { logStartup } from '../../src/main/log/startup';
import { nodePolicyFacts } from '../../src/main/policy/facts';
import { loadEffectivePolicy } from '../../src/main/policy/loadEffectivePolicy';
import { createPolicyHolder } from '../../src/main/services/policyHolder';
import type { MainDeps } from '../../src/main/composition';

const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

function everyLevel(log: ReturnType<typeof createFileLogger>, tag: string): void {
  log.error('probe', { tag });
  log.warn('probe', { tag });
  log.info('probe', { tag });
  log.debug('probe', { tag });
}

describe('logger level follows the managed logLevel', () => {
  it('writes info and above by default, then follows the user config after a policy reload', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seed-loglevel-'));
    const appConfig = join(dir, 'config.json');
    const policy = await createPolicyHolder(() => loadEffectivePolicy(nodePolicyFacts(appConfig)));
    const log = createFileLogger({ dir: join(dir, 'logs'), policy });
    everyLevel(log, 'default');
    writeFileSync(appConfig, JSON.stringify({ logLevel: 'debug' }));
    await policy.reload();
    everyLevel(log, 'debug');
    writeFileSync(appConfig, JSON.stringify({ logLevel: 'error' }));
    await policy.reload();
    everyLevel(log, 'error');
    log.close();
    const written = lines(join(dir, 'logs/seed-messenger.log')).map((l) => `${String(l['tag'])}:${String(l['level'])}`);
    expect(written).toEqual(['default:error', 'default:warn', 'default:info', 'debug:error', 'debug:warn', 'debug:info', 'debug:debug', 'error:error']);
  });

  it('keeps the level IT set by machine policy whatever the user config says', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seed-loglevel-'));
    const policy = await createPolicyHolder(async () => mergePolicyLayers({ machine: { logLevel: 'warn' }, appConfig: { logLevel: 'debug' } }));
    const log = createFileLogger({ dir, policy, profile: 'bob' });
    everyLevel(log, 'managed');
    log.close();
    expect(lines(join(dir, 'seed-messenger.bob.log')).map((l) => l['level'])).toEqual(['error', 'warn']);
  });

  it('records start-up: runtime, each policy warning by code, and why the core did not start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seed-logstart-'));
    const policy = await createPolicyHolder(async () => mergePolicyLayers({ machine: { updateMode: 'sometimes', serverUrl: 'http://keys.example' } }));
    const log = createFileLogger({ dir, policy });
    const deps = {
      facts: { name: 'Seed', version: '1.2.3', platform: 'linux', runtime: 'electron', runtimeVersion: '45' },
      policy,
      messenger: { reason: 'no server is configured' },
    };
    logStartup(log, deps as Pick<MainDeps, 'facts' | 'policy' | 'messenger'>);
    log.close();
    const records = lines(join(dir, 'seed-messenger.log'));
    expect(records[0]).toMatchObject({ level: 'info', event: 'app_started', version: '1.2.3', runtime: 'electron' });
    const warnings = records.filter((r) => r['event'] === 'policy_warning' && r['code'] === 'policy_invalid_value');
    expect(warnings.map((w) => `${String(w['setting'])}@${String(w['layer'])}:${String(w['level'])}`).sort()).toEqual([
      'serverUrl@machine:warn',
      'updateMode@machine:warn',
    ]);
    expect(warnings.every((w) => typeof w['detail'] === 'string' && (w['detail'] as string).length > 0)).toBe(true);
    expect(records.at(-1)).toMatchObject({ level: 'warn', event: 'core_not_started', reason: 'no server is configured' });
  });

  it('writes the same records to the console fallback, and a failing sink never reaches the caller', async () => {
    const policy = await createPolicyHolder(async () => mergePolicyLayers({}));
    const seen: string[] = [];
    const capture: LogSink = { write: (l) => void seen.push(l), close: () => undefined };
    createLogger({ policy, sink: capture, now: () => new Date(0) }).warn('probe', { n: 1 });
    expect(seen).toEqual(['{"time":"1970-01-01T00:00:00.000Z","level":"warn","event":"probe","n":1}\n']);
    const broken: LogSink = {
      write: () => {
        throw new Error('disk gone');
      },
      close: () => undefined,
    };
    expect(createLogger({ policy, sink: broken }).error('probe')).toBeUndefined();
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      createConsoleLogger({ policy }).info('console_probe', { id: 'Abc_def-1234567890ABCD' });
      expect(stderr).toHaveBeenCalledTimes(1);
      expect(JSON.parse(String(stderr.mock.calls[0]?.[0]))).toMatchObject({ level: 'info', event: 'console_probe', id: 'Abc_def-1234567890ABCD' });
    } finally {
      stderr.mockRestore();
    }
  });
});
