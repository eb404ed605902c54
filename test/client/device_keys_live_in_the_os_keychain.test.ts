/**
 * The vault against a real Secret Service (gnome-keyring under scripts/with-services.sh): device and
 * account keys (the X-Wing key as its seed) round-trip through the keychain, profiles stay apart, a
 * corrupt entry is a typed error,
 * and without a keychain saving keys fails with a typed error — there is no plaintext fallback.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateAccountIdentity, generateDeviceKeys } from '../../src/common/protocol/identity';
import { createKeychainVault, InMemoryVaultForTests } from '../../src/client/vault';
import { createKeytarStore } from '../../src/client/keychain/keychain';
import { provider } from './harness';

const service = `seed-messenger.vault-${randomBytes(4).toString('hex')}`;

describe('device keys live in the OS keychain', () => {
  it('saves, loads, rotates the refresh token and clears, per profile', async () => {
    const vault = createKeychainVault(createKeytarStore(service));
    const other = createKeychainVault(createKeytarStore(`${service}.other`));
    expect(await vault.load()).toBeNull();
    const secrets = { account: await generateAccountIdentity(provider), device: await generateDeviceKeys(provider), refreshToken: 'refresh-1' };
    await vault.save(secrets);
    expect(await vault.load()).toEqual(secrets);
    expect(await other.load()).toBeNull();
    await vault.saveRefreshToken('refresh-2');
    expect((await vault.load())?.refreshToken).toBe('refresh-2');
    await vault.clear();
    expect(await vault.load()).toBeNull();
  });

  it('keeps the X-Wing key as its 32-byte seed, loads entries made before X-Wing, refuses a bad seed', async () => {
    const store = createKeytarStore(`${service}.xwing`);
    const vault = createKeychainVault(store);
    const device = await generateDeviceKeys(provider);
    const secrets = { account: await generateAccountIdentity(provider), device, refreshToken: 'r' };
    await vault.save(secrets);
    const raw = (await store.get('device-keys')) ?? '';
    const entry = JSON.parse(raw) as { xwing: string };
    expect(Buffer.from(entry.xwing, 'base64url')).toEqual(Buffer.from(device.xwing!.privateKey));
    // The 1,216-byte public key is derived at load, not stored: the entry fits Windows' 2,560-byte credential blob.
    expect(raw.length).toBeLessThan(2560);
    expect((await vault.load())?.device.xwing).toEqual(device.xwing);
    const { xwing: _seed, ...before } = entry;
    await store.set('device-keys', JSON.stringify(before));
    expect((await vault.load())?.device).toEqual({ x25519: device.x25519, ed25519: device.ed25519 });
    await store.set('device-keys', JSON.stringify({ ...entry, xwing: entry.xwing.slice(0, 20) }));
    await expect(vault.load()).rejects.toMatchObject({ code: 'vault_corrupt' });
    await vault.clear();
  });

  it('reports an unreadable entry as vault_corrupt', async () => {
    const store = createKeytarStore(`${service}.corrupt`);
    await store.set('device-keys', '{"v":1,"account":"nope"}');
    await expect(createKeychainVault(store).load()).rejects.toMatchObject({ code: 'vault_corrupt' });
    await store.delete('device-keys');
  });

  it('the in-memory vault is only for tests and says so', async () => {
    const vault = new InMemoryVaultForTests();
    expect(InMemoryVaultForTests.name).toMatch(/ForTests$/);
    expect(await vault.load()).toBeNull();
  });

  it('without a keychain, saving keys fails with keychain_unavailable (no plaintext fallback)', () => {
    const script = `
        const { createKeychainVault } = require(${JSON.stringify(join(__dirname, '../../src/client/vault.ts'))});
        const { createKeytarStore } = require(${JSON.stringify(join(__dirname, '../../src/client/keychain/keychain.ts'))});
        const vault = createKeychainVault(createKeytarStore('seed-messenger.nobus'));
        vault.save({ account: { privateKey: new Uint8Array(32), publicKey: new Uint8Array(32) },
          device: { x25519: { privateKey: new Uint8Array(32), publicKey: new Uint8Array(32) }, ed25519: { privateKey: new Uint8Array(32), publicKey: new Uint8Array(32) } },
          refreshToken: 'r' }).then(() => console.log('STORED'), (e) => console.log(e.code));
      `;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], {
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' },
      encoding: 'utf8',
    });
    expect(out.trim()).toBe('keychain_unavailable');
  });
});
