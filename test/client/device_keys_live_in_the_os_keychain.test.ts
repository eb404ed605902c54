/**
 * The vault against a real Secret Service (gnome-keyring under scripts/with-services.sh): device and
 * account keys round-trip through the keychain, profiles stay apart, a corrupt entry is a typed error,
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
