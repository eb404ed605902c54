/**
 * The renderer store over the real bridge path: contract-built bridge -> main dispatcher -> real services
 * (keychain through gnome-keyring). Only the Electron IPC hop is replaced, by a direct call.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildBridge, createEventRouter } from '../../src/common/ipc/bridge';
import { createHandlers } from '../../src/main/composition';
import { bootstrapMain } from '../../src/main/bootstrap';
import { createDispatcher } from '../../src/main/ipc/dispatch';
import { createBridgeClient, BridgeError } from '../../src/renderer/src/bridge/client';
import { createAppStore } from '../../src/renderer/src/state/store';
import { systemSelectors } from '../../src/renderer/src/state/systemSlice';

function storeOver(dispatch: ReturnType<typeof createDispatcher>) {
  return createAppStore(createBridgeClient(buildBridge((channel, args) => dispatch(channel, args), createEventRouter().subscribe)));
}

const facts = { name: 'Seed Messenger', version: '0.1.0', platform: 'linux', runtime: 'node' as const, runtimeVersion: '20' };

describe('system slice', () => {
  it('loads app info and keychain status from main', async () => {
    const store = storeOver(
      createDispatcher(
        createHandlers(await bootstrapMain({ facts, home: mkdtempSync(join(tmpdir(), 'seed-slice-')), profile: 'slice-test', network: 'none' })),
      ),
    );
    expect(systemSelectors.status(store.getState())).toBe('idle');
    await store.getState().loadSystem();
    const s = store.getState();
    expect(systemSelectors.status(s)).toBe('ready');
    expect(systemSelectors.versionLabel(s)).toBe('Seed Messenger 0.1.0');
    expect(systemSelectors.keychain(s)).toEqual({ available: true, backend: 'Secret Service (libsecret)' });
  });

  it('shows an error state when main answers with an error', async () => {
    const store = storeOver(async () => ({ ok: false, error: { code: 'internal', message: 'appInfo failed' } }));
    await store.getState().loadSystem();
    expect(systemSelectors.status(store.getState())).toBe('error');
    expect(systemSelectors.error(store.getState())).toBe('appInfo failed');
  });

  it('rejects with bridge_unavailable when no bridge is exposed', async () => {
    const client = createBridgeClient(undefined);
    await expect(client.appInfo()).rejects.toBeInstanceOf(BridgeError);
    await expect(client.appInfo()).rejects.toMatchObject({ code: 'bridge_unavailable' });
  });
});
