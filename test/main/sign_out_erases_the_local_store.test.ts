/**
 * Sign-out erases what this device read: the encrypted local store (`history.db` and its WAL) and its key
 * in the OS keychain (gnome-keyring under scripts/with-services.sh) are gone, and the account's device
 * keys with them. Real handlers, client core, keychain, key service and relay (embedded local stack).
 * (Revocation learned from the key service erases through the same `forgetDevice` path.)
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import keytar from 'keytar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_FILE, STORE_KEY_ACCOUNT } from '../../src/client';
import { desktopProfiles, type DesktopProfile } from './desktopProfiles';

const world = desktopProfiles('seed-signout-store');
let alice: DesktopProfile;
let bob: DesktopProfile;

beforeAll(async () => {
  alice = await world.profile('alice');
  bob = await world.profile('bob');
}, 60_000);

afterAll(() => world.closeAll());

describe('sign-out erases the local store and its key', { timeout: 60_000 }, () => {
  it('a message Bob opened is stored; after sign-out the file and its keychain item are gone', async () => {
    const password = 'correct horse battery';
    await alice.call('register', { username: `alice${world.suffix}`, displayName: 'Alice', password, deviceName: 'Alice laptop' });
    const b = (await bob.call('register', { username: `bob${world.suffix}`, displayName: 'Bob', password, deviceName: 'Bob laptop' })) as {
      user: { userId: string };
    };
    const conv = (await alice.call('createConversation', { kind: 'direct', memberUserIds: [b.user.userId], historyPolicy: 'shared' })) as {
      conversationId: string;
    };
    const plaintext = { id: randomBytes(16).toString('base64url'), sentAt: Date.now(), type: 'string', body: 'read me, then forget me' };
    const envelope = await alice.call('sealMessage', conv.conversationId, plaintext);
    const received = { timetoken: `${Date.now()}0000` };
    let opened = (await bob.call('openMessage', conv.conversationId, envelope, received)) as { kind: string };
    for (let i = 0; opened.kind === 'pending' && i < 500; i += 1) {
      await new Promise((r) => setTimeout(r, 20));
      opened = (await bob.call('openMessage', conv.conversationId, envelope, received)) as { kind: string };
    }
    expect(opened.kind).toBe('ok');
    expect(await bob.call('historyPage', conv.conversationId, { limit: 10 })).toMatchObject([
      { timetoken: received.timetoken, outcome: { kind: 'ok', plaintext: { body: 'read me, then forget me' } } },
    ]);

    const dir = bob.deps.paths.dir;
    const service = bob.deps.secrets.service;
    expect(existsSync(join(dir, STORE_FILE))).toBe(true);
    expect(await keytar.getPassword(service, STORE_KEY_ACCOUNT)).not.toBeNull();

    expect(await bob.call('signOut')).toMatchObject({ state: 'signedOut' });
    expect(readdirSync(dir).filter((f) => f.startsWith(STORE_FILE))).toEqual([]);
    expect(await keytar.getPassword(service, STORE_KEY_ACCOUNT)).toBeNull();
    expect(await keytar.getPassword(service, 'device-keys')).toBeNull();
    await expect(bob.call('historyPage', conv.conversationId, { limit: 10 })).rejects.toMatchObject({ code: 'not_signed_in' });
  });
});
