/**
 * What the sandboxed preload exposes to the page, with Electron MOCKED (the binary cannot run here):
 * exactly one global, `seed`, holding one function per contract channel — no ipcRenderer, no generic
 * invoke, nothing that returns key material. The snapshot fails when the surface changes.
 */
import { describe, expect, it, vi } from 'vitest';

const exposed = vi.hoisted(() => new Map<string, unknown>());
const invoked = vi.hoisted(() => [] as Array<{ channel: string; args: unknown }>);

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (name: string, api: unknown) => exposed.set(name, api) },
  ipcRenderer: { invoke: async (channel: string, args: unknown) => (invoked.push({ channel, args }), { ok: true, value: null }) },
}));

await import('../../src/preload/index');

describe('preload surface (mocked Electron: the binary cannot run here)', () => {
  it('exposes exactly the contract bridge as window.seed', () => {
    expect([...exposed.keys()]).toEqual(['seed']);
    const api = exposed.get('seed') as Record<string, unknown>;
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.fromEntries(Object.entries(api).map(([k, v]) => [k, typeof v]))).toMatchInlineSnapshot(`
      {
        "appInfo": "function",
        "keychainStatus": "function",
        "policy": "function",
      }
    `);
  });

  it('sends each call on its own prefixed channel', async () => {
    const api = exposed.get('seed') as Record<string, (...a: unknown[]) => Promise<unknown>>;
    await api['appInfo']?.();
    expect(invoked).toEqual([{ channel: 'seed:appInfo', args: [] }]);
  });
});
