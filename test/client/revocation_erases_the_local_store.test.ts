/**
 * A device revoked from another one erases what it read: once the account's signed revocation statement
 * verifies (docs/client.md "Revoked devices"), the laptop's encrypted local store (`history.db` and its WAL)
 * and its key in the OS keychain (gnome-keyring under scripts/with-services.sh) are gone, with the device
 * keys. Real key service, relay and keychain; the laptop's vault is the in-memory one of the harness.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import keytar from 'keytar';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationId, DeviceId, MessageId, UserId } from '../../src/common/ids';
import { createKeytarStore } from '../../src/client/keychain/keychain';
import { createKeychainStoreKey, STORE_KEY_ACCOUNT } from '../../src/client/store';
import { STORE_FILE } from '../../src/client/store/localHistory';
import { cleanup, newClient, PASSWORD, registered, startWorld, waitFor } from './harness';

afterEach(cleanup);

const service = `seed-messenger.revoked-${randomBytes(4).toString('hex')}`;

describe('revocation erases the local store', () => {
  it('the revoked laptop deletes history.db and its keychain item', async () => {
    const world = await startWorld();
    const alice = await registered(world, 'alice');
    const laptop = await newClient(world, 'laptop', { localStoreKey: createKeychainStoreKey(createKeytarStore(service)) });
    const { offer, waitUntilLinked } = await laptop.startDeviceLink({ username: alice.session().username, password: PASSWORD });
    const linked = waitUntilLinked(() => undefined, { pollMs: 50 });
    const claim = await alice.claimDeviceLink(offer.code);
    await alice.approveDeviceLink(claim.linkId, { pollMs: 50 });
    await linked;

    const conversationId = `conv-${randomBytes(8).toString('hex')}` as ConversationId;
    await laptop.storeOpened([
      {
        conversationId,
        timetoken: '17300000000000000',
        outcome: {
          kind: 'ok',
          plaintext: { id: randomBytes(16).toString('base64url') as MessageId, sentAt: Date.now(), type: 'string', body: 'read on the laptop' },
          senderDevice: alice.session().deviceId as DeviceId,
          senderUser: alice.session().userId as UserId,
          keyVersion: 1,
        },
      },
    ]);
    expect(await laptop.storedHistory(conversationId, { limit: 5 })).toHaveLength(1);
    const profileDir = (laptop as unknown as { deps: { dataDir: string } }).deps.dataDir;
    const dbPath = `${profileDir}/${STORE_FILE}`;
    expect(existsSync(dbPath)).toBe(true);
    expect(await keytar.getPassword(service, STORE_KEY_ACCOUNT)).not.toBeNull();

    let told = 0;
    laptop.onRevoked(() => told++);
    await alice.revokeDevice(laptop.session().deviceId);
    await laptop.checkAccess().catch(() => undefined);
    await waitFor('the laptop forgets its keys', () => told === 1 && !laptop.isSignedIn);
    expect(readdirSync(dirname(dbPath)).filter((f) => f.startsWith(STORE_FILE))).toEqual([]);
    expect(await keytar.getPassword(service, STORE_KEY_ACCOUNT)).toBeNull();
  });
});
