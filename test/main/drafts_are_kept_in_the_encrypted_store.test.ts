/**
 * Issue [chat], drafts (docs/desktop.md "Drafts"): the composer's unsent text is kept by main in the
 * profile's encrypted local store, survives a restart of main, and is deleted when the composer is emptied —
 * its bytes gone from the decrypted pages too (`secure_delete`). The file on disk never holds it in clear.
 * A compromised renderer cannot keep a draft for a conversation this device does not know, nor an oversized
 * one: typed errors, nothing kept. Real parts: key service (SQLite), relay, keychain (gnome-keyring),
 * contract dispatcher, main handlers, client core.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import keytar from 'keytar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_FILE, STORE_KEY_ACCOUNT } from '../../src/client';
import { fromBase64Url } from '../../src/common/encoding/base64url';
import type { ConversationId } from '../../src/common/ids';
import { MAX_DRAFT } from '../../src/common/ipc/schemas/chat';
import { createHandlers } from '../../src/main/composition';
import { createDispatcher } from '../../src/main/ipc/dispatch';
import { profilePaths } from '../../src/main/profile';
import { startRelay, type RunningRelay } from '../../src/relay/index';
import { startKeyService, type KeyService } from '../../src/server/index';
import { decryptedStoreBytes } from '../client/sqlcipherScan';
import { endSession, openMainSession, type OwnStackSession } from './ownStackSessions';

const home = mkdtempSync(join(tmpdir(), 'seed-drafts-'));
const suffix = randomBytes(3).toString('hex');
const keys = { publishKey: 'pub-c-drafts', subscribeKey: 'sub-c-drafts', secretKey: randomBytes(32).toString('base64url') };
let relay: RunningRelay;
let keyService: KeyService;
let alice: OwnStackSession;
let group: ConversationId;

const open = (name: string) =>
  openMainSession(name, {
    home,
    profile: `${name}-${suffix}`,
    keyServiceUrl: keyService.url,
    relayUrl: relay.origin,
    log: { error: () => undefined, warn: () => undefined },
  });

async function storeBytes(): Promise<Buffer> {
  const paths = profilePaths(home, `alice-${suffix}`);
  const key = await keytar.getPassword(paths.keychainService, STORE_KEY_ACCOUNT);
  if (key === null) throw new Error('no store key');
  return decryptedStoreBytes(join(paths.dir, STORE_FILE), fromBase64Url(key));
}

beforeAll(async () => {
  relay = await startRelay({ port: 0, dataDir: join(home, 'relay'), ...keys });
  keyService = await startKeyService({ port: 0, dataDir: join(home, 'keyservice'), pubnub: { origin: relay.origin, ssl: false, ...keys } });
  alice = await open('alice');
  const bob = await open('bob');
  await alice.bridge.register({ username: `alice${suffix}`, displayName: 'Alice', password: 'correct horse battery', deviceName: 'Alice laptop' });
  const b = await bob.bridge.register({ username: `bob${suffix}`, displayName: 'Bob', password: 'correct horse battery', deviceName: 'Bob laptop' });
  if (b.state !== 'signedIn') throw new Error('bob not signed in');
  group = (await alice.bridge.createConversation({ kind: 'group', name: 'Plans', memberUserIds: [b.user.userId], historyPolicy: 'shared' }))
    .conversationId as ConversationId;
  await alice.bridge.listConversations();
  await endSession(bob);
}, 120_000);

afterAll(async () => {
  await endSession(alice).catch(() => undefined);
  await keyService?.close();
  await relay?.close();
});

describe('drafts', () => {
  it('are kept encrypted across a restart of main and leave the store when emptied', async () => {
    const secret = `half-written ${randomBytes(6).toString('hex')}`;
    await alice.bridge.saveDraft(group, secret);
    expect(await alice.bridge.listDrafts()).toEqual([{ conversationId: group, text: secret }]);
    // The file on disk never holds it in clear; decrypted with the keychain's key, it does (the control).
    const file = readFileSync(join(profilePaths(home, `alice-${suffix}`).dir, STORE_FILE));
    expect(file.includes(secret)).toBe(false);
    expect((await storeBytes()).includes(secret)).toBe(true);

    await endSession(alice);
    alice = await open('alice');
    expect(await alice.bridge.listDrafts()).toEqual([{ conversationId: group, text: secret }]);

    const next = `${secret} — rewritten`;
    await alice.bridge.saveDraft(group, next);
    expect(await alice.bridge.listDrafts()).toEqual([{ conversationId: group, text: next }]);
    await alice.bridge.saveDraft(group, '');
    expect(await alice.bridge.listDrafts()).toEqual([]);
    await endSession(alice);
    expect((await storeBytes()).includes('half-written')).toBe(false);
    alice = await open('alice');
  });

  it('a compromised renderer cannot keep a draft for an unknown conversation or an oversized one; nothing is kept', async () => {
    const raw = createDispatcher(createHandlers(alice.deps));
    const refused = async (channel: string, args: unknown[]) => {
      const r = await raw(channel, args);
      expect(r.ok).toBe(false);
      return r.ok ? '' : r.error.code;
    };
    expect(await refused('saveDraft', [randomBytes(16).toString('base64url'), 'text for a stranger'])).toBe('draft_unknown_conversation');
    expect(await refused('saveDraft', [group, 'x'.repeat(MAX_DRAFT + 1)])).toBe('invalid_arguments');
    expect(await refused('saveDraft', ['../etc', 'text'])).toBe('invalid_arguments');
    expect(await refused('saveDraft', [group, 42])).toBe('invalid_arguments');
    expect(await alice.bridge.listDrafts()).toEqual([]);
  });
});
