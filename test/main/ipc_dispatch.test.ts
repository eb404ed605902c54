import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/common/errors';
import { contract, methodNames } from '../../src/common/ipc/contract';
import { createDispatcher, type Handlers } from '../../src/main/ipc/dispatch';
import { mergePolicyLayers } from '../../src/common/policy/merge';

const info = { name: 'Seed', version: '1.2.3', platform: 'linux', runtime: 'node' as const, runtimeVersion: '20' };

function handlers(overrides: Partial<Handlers> = {}): Handlers {
  return {
    appInfo: async () => info,
    keychainStatus: async () => ({ available: true, backend: 'Secret Service (libsecret)' }),
    policy: async () => mergePolicyLayers({}),
    ...overrides,
  };
}

describe('IPC dispatcher (main side of the contract)', () => {
  it('answers a valid call with the handler result', async () => {
    await expect(createDispatcher(handlers())('appInfo', [])).resolves.toEqual({ ok: true, value: info });
  });

  it('refuses an unknown channel without calling anything', async () => {
    const r = await createDispatcher(handlers())('constructor', []);
    expect(r).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
  });

  it('refuses arguments that do not match the contract', async () => {
    let called = false;
    const d = createDispatcher(handlers({ appInfo: async () => ((called = true), info) }));
    expect(await d('appInfo', ['extra'])).toMatchObject({ ok: false, error: { code: 'invalid_arguments' } });
    expect(await d('appInfo', 'not-a-tuple')).toMatchObject({ ok: false, error: { code: 'invalid_arguments' } });
    expect(called).toBe(false);
  });

  it('strips result fields the contract does not declare (no accidental key leak)', async () => {
    const leaky = { ...info, privateKey: 'c2VjcmV0' } as typeof info;
    const r = await createDispatcher(handlers({ appInfo: async () => leaky }))('appInfo', []);
    expect(r).toEqual({ ok: true, value: info });
    expect(JSON.stringify(r)).not.toContain('c2VjcmV0');
  });

  it('passes typed errors through and hides the message of unexpected ones', async () => {
    const typed = createDispatcher(handlers({ keychainStatus: async () => Promise.reject(new AppError('keychain_unavailable', 'no bus')) }));
    expect(await typed('keychainStatus', [])).toEqual({ ok: false, error: { code: 'keychain_unavailable', message: 'no bus' } });
    const seen: unknown[] = [];
    const raw = createDispatcher(handlers({ appInfo: async () => Promise.reject(new Error('/home/alice/.secret')) }), (e) => seen.push(e));
    const r = await raw('appInfo', []);
    expect(r).toEqual({ ok: false, error: { code: 'internal', message: 'appInfo failed' } });
    expect(seen).toHaveLength(1);
  });

  it('answers unavailable for a contract method whose service is not in this build', async () => {
    const r = await createDispatcher(handlers())('listConversations', []);
    expect(r).toEqual({ ok: false, error: { code: 'unavailable', message: 'listConversations is not available in this build' } });
  });

  it('defines a schema pair for every channel name', () => {
    expect(Object.keys(contract).sort()).toEqual([...methodNames].sort());
  });
});
