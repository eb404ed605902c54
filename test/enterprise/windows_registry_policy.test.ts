/**
 * Windows policy layers (simulated Windows registry): the HKLM/HKCU loaders run against recorded
 * `reg.exe query` output through the injected command runner, since no registry exists on this machine.
 * Checks the parse, the precedence HKLM > HKCU, the exact command run, and every failure path.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommandResult, CommandRunner, PolicyFacts } from '../../src/main/policy/facts';
import { loadEffectivePolicy } from '../../src/main/policy/loadEffectivePolicy';
import { parseRegQuery } from '../../src/main/policy/regQuery';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');
const HKLM = 'HKLM\\Software\\Policies\\Seed\\Seed Messenger';
const HKCU = 'HKCU\\Software\\Policies\\Seed\\Seed Messenger';
const MISSING: CommandResult = { exitCode: 1, stdout: '', stderr: fixture('reg-query-missing.stderr.txt') };

function recordedRegistry(answers: Record<string, CommandResult>) {
  const calls: { file: string; args: readonly string[] }[] = [];
  const run: CommandRunner = async (file, args) => {
    calls.push({ file, args });
    return answers[args[1] ?? ''] ?? MISSING;
  };
  return { run, calls };
}

function facts(run: CommandRunner): PolicyFacts {
  return {
    platform: 'win32',
    uid: null,
    userName: 'tester',
    runCommand: run,
    appConfigPath: null,
    linuxPolicyFile: '/nonexistent',
    macManagedPreferencesDir: '/nonexistent',
    windowsSystemRoot: 'C:\\Windows',
  };
}

describe('Windows registry policy (simulated Windows registry)', () => {
  it('parses REG_SZ, REG_DWORD and REG_MULTI_SZ values and skips sub-key lines', () => {
    const r = parseRegQuery(fixture('reg-query-hklm.txt'));
    expect(r.values).toEqual([
      { name: 'ServerUrl', type: 'REG_SZ', data: 'https://keys.corp.example' },
      { name: 'LocalModeAllowed', type: 'REG_DWORD', data: 0 },
      { name: 'AllowedSignInMethods', type: 'REG_MULTI_SZ', data: ['oidc', 'device-link'] },
      { name: 'UpdateMode', type: 'REG_SZ', data: 'managed' },
      { name: 'UpdateFeedUrl', type: 'REG_SZ', data: 'https://updates.corp.example/seed' },
      { name: 'NotificationContent', type: 'REG_SZ', data: 'sender-only' },
    ]);
    expect(r.unsupported).toEqual([]);
    expect(parseRegQuery('    Big    REG_QWORD    0x10\n    Empty    REG_MULTI_SZ    \n').values).toEqual([
      { name: 'Big', type: 'REG_QWORD', data: 16 },
      { name: 'Empty', type: 'REG_MULTI_SZ', data: [] },
    ]);
  });

  it('runs the system reg.exe by full path for exactly the two policy keys', async () => {
    const { run, calls } = recordedRegistry({});
    await loadEffectivePolicy(facts(run));
    expect(calls).toEqual([
      { file: 'C:\\Windows\\System32\\reg.exe', args: ['query', HKLM] },
      { file: 'C:\\Windows\\System32\\reg.exe', args: ['query', HKCU] },
    ]);
  });

  it('enforces HKLM over HKCU, matches value names case-insensitively, and marks the source', async () => {
    const { run } = recordedRegistry({
      [HKLM]: { exitCode: 0, stdout: fixture('reg-query-hklm.txt'), stderr: '' },
      [HKCU]: { exitCode: 0, stdout: fixture('reg-query-hkcu.txt'), stderr: '' },
    });
    const r = await loadEffectivePolicy(facts(run));
    expect(r.values).toMatchObject({
      serverUrl: 'https://keys.corp.example',
      localModeAllowed: false,
      allowedSignInMethods: ['oidc', 'device-link'],
      updateMode: 'managed',
      updateFeedUrl: 'https://updates.corp.example/seed',
      notificationContent: 'sender-only',
      logLevel: 'debug',
      requireVerifiedContacts: true,
    });
    expect(r.managed).toEqual({
      serverUrl: 'machine',
      localModeAllowed: 'machine',
      allowedSignInMethods: 'machine',
      updateMode: 'machine',
      updateFeedUrl: 'machine',
      notificationContent: 'machine',
      logLevel: 'user',
      requireVerifiedContacts: 'user',
    });
    expect(r.warnings).toEqual([expect.objectContaining({ code: 'policy_registry_type_unsupported', layer: 'user', key: 'pubnubOrigin' })]);
  });

  it('treats a missing key as "no policy" without a warning', async () => {
    const { run } = recordedRegistry({});
    const r = await loadEffectivePolicy(facts(run));
    expect(r.managed).toEqual({});
    expect(r.warnings).toEqual([]);
  });

  it('reports a reg.exe failure as a warning for that layer and keeps the other layer', async () => {
    const { run } = recordedRegistry({
      [HKLM]: { exitCode: -1, stdout: '', stderr: 'spawn C:\\Windows\\System32\\reg.exe ENOENT' },
      [HKCU]: { exitCode: 0, stdout: fixture('reg-query-hkcu.txt'), stderr: '' },
    });
    const r = await loadEffectivePolicy(facts(run));
    expect(r.values.logLevel).toBe('debug');
    expect(r.managed.serverUrl).toBe('user');
    expect(r.warnings.map((w) => [w.code, w.layer])).toEqual([
      ['policy_store_unreadable', 'machine'],
      ['policy_registry_type_unsupported', 'user'],
    ]);
  });

  it('survives a command runner that throws', async () => {
    const r = await loadEffectivePolicy(facts(() => Promise.reject(new Error('boom'))));
    expect(r.managed).toEqual({});
    expect(r.warnings.map((w) => w.code)).toEqual(['policy_store_unreadable', 'policy_store_unreadable']);
  });
});
