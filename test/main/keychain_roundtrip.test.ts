/**
 * The keychain wrapper against a real Secret Service: gnome-keyring on the private D-Bus session that
 * scripts/with-services.sh starts. Nothing is mocked.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createKeytarStore, InvalidSecretNameError, KeychainUnavailableError } from '../../src/client/keychain/keychain';

const service = `seed-messenger.test-${randomBytes(4).toString('hex')}`;

describe('keychain wrapper over keytar + gnome-keyring', () => {
  it('requires the private Secret Service session', () => {
    expect(process.env['DBUS_SESSION_BUS_ADDRESS'], 'run under scripts/with-services.sh').toBeTruthy();
  });

  it('stores, reads back, overwrites and deletes a secret', async () => {
    const store = createKeytarStore(service);
    const secret = randomBytes(32).toString('base64url');
    expect(await store.get('device.x25519')).toBeNull();
    await store.set('device.x25519', secret);
    expect(await store.get('device.x25519')).toBe(secret);
    await store.set('device.x25519', 'replaced');
    expect(await store.get('device.x25519')).toBe('replaced');
    expect(await store.delete('device.x25519')).toBe(true);
    expect(await store.get('device.x25519')).toBeNull();
    expect(await store.delete('device.x25519')).toBe(false);
  });

  it('keeps two services (profiles) apart', async () => {
    const a = createKeytarStore(`${service}.a`);
    const b = createKeytarStore(`${service}.b`);
    await a.set('account.identity', 'alpha');
    expect(await b.get('account.identity')).toBeNull();
    await a.delete('account.identity');
  });

  it('rejects a bad account name with a typed error and writes nothing', async () => {
    const store = createKeytarStore(service);
    await expect(store.set('../etc/passwd', 'x')).rejects.toBeInstanceOf(InvalidSecretNameError);
    await expect(store.set('', 'x')).rejects.toMatchObject({ code: 'invalid_secret_name' });
    expect(() => createKeytarStore('bad service')).toThrow(InvalidSecretNameError);
  });

  it('fails with KeychainUnavailableError, not a plaintext fallback, when no Secret Service is reachable', () => {
    const script = `
      const { createKeytarStore } = require(${JSON.stringify(join(__dirname, '../../src/client/keychain/keychain.ts'))});
      createKeytarStore('seed-messenger.nobus').set('device.x25519', 'secret').then(
        () => console.log('STORED'),
        (e) => console.log(e.constructor.name + ':' + e.code));
    `;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], {
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' },
      encoding: 'utf8',
    });
    expect(out.trim()).toBe(`${KeychainUnavailableError.name}:keychain_unavailable`);
  });
});
