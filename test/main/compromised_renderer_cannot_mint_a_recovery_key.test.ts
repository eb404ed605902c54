/**
 * A compromised renderer on Alice's desktop tries to mint (or replace) a recovery key to carry off: a
 * recovery key opens the account identity key and every backed-up conversation key (docs/threat-model.md,
 * "A compromised renderer"; docs/desktop.md "Recovery key"). Real desktop handlers, client core, key service
 * and relay of an embedded local stack, real keychain; the page drives the bridge dispatch directly, as
 * injected script would.
 *
 * - Without the account password, or with a wrong one, `createRecoveryKey` and `rotateRecoveryKey` are
 *   refused (`invalid_arguments`, `recovery_password_wrong`) and nothing changes: the account has no key
 *   backup, then the one the person made stays the current one (the old key still verifies).
 * - A second `createRecoveryKey` does not silently replace the key (`recovery_key_exists`).
 * - With the password (phished by a fake prompt, say) the Electron build still asks the person in a native
 *   dialog (a scripted MOCK here: the Electron binary cannot run in the tests); a "no" makes nothing
 *   (`recovery_key_cancelled`), and a wrong password never reaches the dialog.
 * - No other answer, no event and no file of the profile carries the key's text: main shows it once.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatRecoveryKey } from '../../src/common/protocol/recovery';
import { keyReleaseDialogText, type KeyReleaseConfirmation, type KeyReleaseRequest } from '../../src/main/desktop/keyRelease';
import { createNodeCryptoProvider } from '../../src/node/crypto/nodeProvider';
import { desktopProfiles, type DesktopProfile } from './desktopProfiles';

/** The native dialog's stand-in: answers from a script, records what it was asked. */
class MockKeyReleaseDialog implements KeyReleaseConfirmation {
  readonly asked: KeyReleaseRequest[] = [];
  readonly answers: boolean[] = [];
  async confirm(request: KeyReleaseRequest): Promise<boolean> {
    this.asked.push(request);
    return this.answers.shift() ?? false;
  }
}

const world = desktopProfiles('seed-recovery-mint');
const password = 'correct horse battery';
let alice: DesktopProfile;

const provider = createNodeCryptoProvider();
const someKey = async () => formatRecoveryKey(provider, provider.randomBytes(32));
const status = async () => (await alice.call('recoveryStatus')) as { state: string; backupVersion: number | null };

/** Every file under `dir`, as text. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [readFileSync(path).toString('latin1')];
  });
}

beforeAll(async () => {
  alice = await world.profile('alice');
  await alice.call('register', { username: `alice${world.suffix}`, displayName: 'Alice', password, deviceName: 'Alice laptop' });
}, 90_000);

afterAll(() => world.closeAll());

describe('a compromised renderer minting a recovery key', () => {
  it('without the password, or with a wrong one, makes none: the account still has no key backup', async () => {
    await expect(alice.call('createRecoveryKey')).rejects.toMatchObject({ code: 'invalid_arguments' });
    await expect(alice.call('createRecoveryKey', {})).rejects.toMatchObject({ code: 'invalid_arguments' });
    await expect(alice.call('createRecoveryKey', { password: '' })).rejects.toMatchObject({ code: 'invalid_arguments' });
    await expect(alice.call('createRecoveryKey', { password: 'not the password' })).rejects.toMatchObject({ code: 'recovery_password_wrong' });
    await expect(alice.call('rotateRecoveryKey', { password: 'not the password' })).rejects.toMatchObject({ code: 'recovery_password_wrong' });
    expect(await status()).toMatchObject({ state: 'none', backupVersion: null });
    // Asked of the key service afresh: there is no backup a key could open.
    await expect(alice.call('verifyRecoveryKey', await someKey())).rejects.toMatchObject({ code: 'no_recovery_key' });
  }, 60_000);

  it('cannot replace the key the person made without the password; the first key stays the current one', async () => {
    const made = (await alice.call('createRecoveryKey', { password })) as { recoveryKey: string; backupVersion: number };
    expect(made.backupVersion).toBe(1);
    expect(made.recoveryKey).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){13}$/);
    expect(await status()).toMatchObject({ state: 'unconfirmed', backupVersion: 1 });

    await expect(alice.call('createRecoveryKey', { password })).rejects.toMatchObject({ code: 'recovery_key_exists' });
    await expect(alice.call('rotateRecoveryKey', { password: 'not the password' })).rejects.toMatchObject({ code: 'recovery_password_wrong' });
    await expect(alice.call('rotateRecoveryKey', {})).rejects.toMatchObject({ code: 'invalid_arguments' });
    await expect(alice.call('verifyRecoveryKey', await someKey())).rejects.toMatchObject({ code: 'recovery_key_invalid' });
    expect(await status()).toMatchObject({ state: 'unconfirmed', backupVersion: 1 });
    // The key service still serves backup version 1, which the person's key opens.
    expect(await alice.call('verifyRecoveryKey', made.recoveryKey.toLowerCase())).toMatchObject({ state: 'confirmed', backupVersion: 1 });

    // Main kept no copy: no event and no file of the profile holds the key's text, dashed or not.
    const plain = made.recoveryKey.replace(/-/g, '');
    expect(JSON.stringify(alice.events)).not.toContain(made.recoveryKey);
    for (const text of filesUnder(alice.deps.paths.dir)) {
      expect(text).not.toContain(made.recoveryKey);
      expect(text).not.toContain(plain);
    }

    // With the password the person replaces it: the old key is then refused as replaced.
    const next = (await alice.call('rotateRecoveryKey', { password })) as { recoveryKey: string; backupVersion: number };
    expect(next.backupVersion).toBe(2);
    expect(await status()).toMatchObject({ state: 'replaced', backupVersion: 2 });
    await expect(alice.call('verifyRecoveryKey', made.recoveryKey)).rejects.toMatchObject({ code: 'recovery_key_outdated' });
    expect(await alice.call('verifyRecoveryKey', next.recoveryKey)).toMatchObject({ state: 'confirmed', backupVersion: 2 });
  }, 90_000);
});

describe('a compromised renderer that has the password (Electron build, native dialog MOCKED)', () => {
  it('makes no key when the person says no outside the page; a wrong password never reaches the dialog', async () => {
    const dialog = new MockKeyReleaseDialog();
    const bob = await world.profile('bob', { keyRelease: dialog });
    await bob.call('register', { username: `bob${world.suffix}`, displayName: 'Bob', password, deviceName: 'Bob laptop' });
    const bobStatus = async () => (await bob.call('recoveryStatus')) as { state: string };

    await expect(bob.call('createRecoveryKey', { password: 'not the password' })).rejects.toMatchObject({ code: 'recovery_password_wrong' });
    expect(dialog.asked).toEqual([]);
    await expect(bob.call('rotateRecoveryKey', { password })).rejects.toMatchObject({ code: 'no_recovery_key' });
    expect(dialog.asked).toEqual([]);

    dialog.answers.push(false);
    await expect(bob.call('createRecoveryKey', { password })).rejects.toMatchObject({ code: 'recovery_key_cancelled' });
    expect(dialog.asked).toEqual([{ kind: 'recoveryKey', replace: false }]);
    expect(keyReleaseDialogText({ kind: 'recoveryKey', replace: false })).toMatchObject({
      message: 'Make a recovery key for your account?',
      buttons: ['Cancel', 'Make recovery key'],
    });
    expect(await bobStatus()).toMatchObject({ state: 'none' });

    dialog.answers.push(true);
    const made = (await bob.call('createRecoveryKey', { password })) as { recoveryKey: string };
    dialog.answers.push(false);
    await expect(bob.call('rotateRecoveryKey', { password })).rejects.toMatchObject({ code: 'recovery_key_cancelled' });
    expect(dialog.asked.at(-1)).toEqual({ kind: 'recoveryKey', replace: true });
    expect(await bob.call('verifyRecoveryKey', made.recoveryKey)).toMatchObject({ state: 'confirmed', backupVersion: 1 });
  }, 90_000);
});
