/**
 * The log file on disk: a 32-byte key (base64, base64url or hex) never reaches it, whatever field or error
 * carries it; fields named like content or secrets are redacted; errors keep their code and message but
 * not their stack; the file is owner-only and rotates at its size cap, keeping two older files.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/common/errors';
import { mergePolicyLayers } from '../../src/common/policy/merge';
import { createFileLogger, LogConfigError } from '../../src/main/log/fileLogger';
import type { LogSink } from '../../src/main/log/logger';
import { createPolicyHolder } from '../../src/main/services/policyHolder';

const debugPolicy = () => createPolicyHolder(async () => mergePolicyLayers({ machine: { logLevel: 'debug' } }));
const readAll = (dir: string) =>
  readdirSync(dir)
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('');

describe('log file contents', () => {
  it('never writes a 32-byte key, in base64, base64url or hex, from any field or error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seed-logredact-'));
    const log = createFileLogger({ dir, policy: await debugPolicy() });
    const key = randomBytes(32);
    const forms = [key.toString('base64'), key.toString('base64url'), key.toString('hex'), key.toString('hex').toUpperCase()];
    for (const form of forms) {
      log.info('key_probe', { conversationId: 'Abc_def-1234567890ABCD', detail: `unwrapped ${form} for v3`, raw: form });
      log.error('key_probe_failed', { code: 'unwrap_failed' }, new Error(`bad key ${form}`));
      // A key in the `code` field is no error code: still redacted.
      log.warn('key_probe_code', { code: form });
    }
    // An error code longer than a secret run is kept whole in `code` (it would read "[redacted]" otherwise).
    log.warn('policy_probe', { code: 'policy_sign_in_method_not_allowed' });
    log.close();
    const text = readAll(dir);
    for (const form of forms) {
      expect(text).not.toContain(form);
      expect(text).not.toContain(form.slice(0, 24));
    }
    expect(text).toContain('[redacted]');
    expect(text).toContain('Abc_def-1234567890ABCD');
    expect(text).toContain('"code":"policy_sign_in_method_not_allowed"');
  });

  it('redacts fields named like content or secrets, drops malformed or reserved names, and cuts long strings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seed-logfields-'));
    const log = createFileLogger({ dir, policy: await debugPolicy() });
    log.info('fields_probe', {
      messageText: 'meet me at the usual place',
      body: 'hello bob',
      password: 'hunter2hunter2',
      sessionToken: 'abc',
      privateKey: 'k',
      'bad name': 1,
      level: 'debug',
      long: 'word '.repeat(100),
      count: 3,
      ok: true,
      nothing: null,
      notFinite: Number.POSITIVE_INFINITY,
    });
    log.info('Not An Event!', {});
    log.close();
    const [fields, event] = readFileSync(join(dir, 'seed-messenger.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(fields).toMatchObject({
      messageText: '[redacted]',
      body: '[redacted]',
      password: '[redacted]',
      sessionToken: '[redacted]',
      privateKey: '[redacted]',
    });
    expect(fields).toMatchObject({ level: 'info', count: 3, ok: true, nothing: null, notFinite: null, dropped: 2 });
    expect(fields?.['bad name']).toBeUndefined();
    expect(String(fields?.['long']).length).toBeLessThanOrEqual(121);
    expect(JSON.stringify(fields)).not.toContain('usual place');
    expect(JSON.stringify(fields)).not.toContain('hunter2');
    expect(event?.['event']).toBe('invalid_event_name');
  });

  it('logs an error as its code and message, never its stack', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seed-logerr-'));
    const log = createFileLogger({ dir, policy: await debugPolicy() });
    log.error('ipc_handler_failed', { channel: 'sendMessage' }, new AppError('key_version_missing', 'no key version 4 for this conversation', 'not_found'));
    log.warn('disk_problem', {}, Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }));
    log.close();
    const [typed, node] = readFileSync(join(dir, 'seed-messenger.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(typed?.['error']).toEqual({ code: 'key_version_missing', message: 'no key version 4 for this conversation' });
    expect(node?.['error']).toEqual({ code: 'eacces', message: 'EACCES: permission denied' });
    expect(readAll(dir)).not.toMatch(/\bat .*\.ts:\d+/);
  });
});

describe('log file on disk', () => {
  it('is created owner-only (0600) in an owner-only folder, and an existing looser file is tightened', async () => {
    const root = mkdtempSync(join(tmpdir(), 'seed-logmode-'));
    const dir = join(root, 'logs');
    const log = createFileLogger({ dir, policy: await debugPolicy() });
    log.info('mode_probe');
    log.close();
    expect(statSync(join(dir, 'seed-messenger.log')).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    chmodSync(join(dir, 'seed-messenger.log'), 0o644);
    const again = createFileLogger({ dir, policy: await debugPolicy() });
    again.info('mode_probe');
    again.close();
    expect(statSync(join(dir, 'seed-messenger.log')).mode & 0o777).toBe(0o600);
  });

  it('rotates at the size cap, keeps two older files (all 0600) and drops the oldest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seed-logrotate-'));
    const log = createFileLogger({ dir, policy: await debugPolicy(), maxBytes: 4096 });
    for (let i = 0; i < 200; i += 1) log.info('rotation_probe', { seq: i, pad: 'x'.repeat(80) });
    log.close();
    expect(readdirSync(dir).sort()).toEqual(['seed-messenger.1.log', 'seed-messenger.2.log', 'seed-messenger.log']);
    const seqs = (f: string) =>
      readFileSync(join(dir, f), 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { seq: number }).seq);
    const current = seqs('seed-messenger.log');
    const one = seqs('seed-messenger.1.log');
    const two = seqs('seed-messenger.2.log');
    expect(current.at(-1)).toBe(199);
    expect(one.at(-1)).toBe((current[0] ?? 0) - 1);
    expect(two.at(-1)).toBe((one[0] ?? 0) - 1);
    expect(two[0]).toBeGreaterThan(0);
    for (const f of readdirSync(dir)) {
      expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(4096);
      expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
    }
  });

  it('refuses to open a symbolic link planted as the log file, and falls back instead of failing the caller', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seed-loglink-'));
    const target = join(dir, 'elsewhere.txt');
    writeFileSync(target, 'untouched');
    symlinkSync(target, join(dir, 'seed-messenger.log'));
    const seen: string[] = [];
    const fallback: LogSink = { write: (l) => void seen.push(l), close: () => undefined };
    const log = createFileLogger({ dir, policy: await debugPolicy(), fallback });
    log.info('link_probe');
    log.close();
    expect(readFileSync(target, 'utf8')).toBe('untouched');
    expect(seen.map((l) => (JSON.parse(l) as { event: string }).event)).toEqual(['log_file_unavailable', 'link_probe']);
  });

  it('refuses a bad configuration with a typed error', async () => {
    const policy = await debugPolicy();
    expect(() => createFileLogger({ dir: '/tmp', policy, profile: '../etc' })).toThrow(LogConfigError);
    expect(() => createFileLogger({ dir: '/tmp', policy, maxBytes: 10 })).toThrow(LogConfigError);
    expect(() => createFileLogger({ dir: '/tmp', policy, keep: 100 })).toThrow(LogConfigError);
    expect(() => createFileLogger({ dir: ' ', policy })).toThrow(LogConfigError);
  });
});
