/**
 * The chat-action IPC methods (docs/desktop.md "Replies, edits and deletes"; src/main/desktop/chatActionHandlers.ts)
 * over the real desktop handlers, client core and embedded local stack, as a compromised renderer would call
 * them: `sealChatAction` refuses a type it does not know (`invalid_arguments`), a body off its type's shape
 * (`malformed`) and an oversized body before any work (`too_large`); `messageVersions` answers the previous
 * versions of an edited message to its author only (`not_author`); and a forged edit of Bob's message that
 * Alice's page seals and Bob's main opens changes nothing in Bob's store.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BRIDGE_BODY } from '../../src/common/ipc/schemas/messages';
import { desktopProfiles, receivedClock, type DesktopProfile } from './desktopProfiles';

const world = desktopProfiles('seed-chat-actions');
let alice: DesktopProfile;
let bob: DesktopProfile;
let conversationId: string;

const id = () => randomBytes(16).toString('base64url');
const received = receivedClock();

beforeAll(async () => {
  alice = await world.profile('alice');
  await alice.call('register', { username: `alice${world.suffix}`, displayName: 'Alice', password: 'correct horse battery', deviceName: 'Alice laptop' });
  bob = await world.profile('bob');
  const b = (await bob.call('register', {
    username: `bob${world.suffix}`,
    displayName: 'Bob',
    password: 'correct horse battery',
    deviceName: 'Bob laptop',
  })) as {
    user: { userId: string };
  };
  conversationId = ((await alice.call('createConversation', { kind: 'direct', memberUserIds: [b.user.userId] })) as { conversationId: string }).conversationId;
}, 60_000);

afterAll(() => world.closeAll());

describe('chat actions over the bridge', () => {
  it('sealChatAction refuses an unknown type, a body off its shape and an oversized body', async () => {
    const target = id();
    const edit = (body: unknown) => ({ id: id(), sentAt: Date.now(), type: 'json', body });
    await expect(alice.call('sealChatAction', conversationId, edit({ target, text: 'x' }), 'control')).rejects.toMatchObject({ code: 'invalid_arguments' });
    await expect(alice.call('sealChatAction', conversationId, edit({ target, text: 'x', admin: true }), 'edit')).rejects.toMatchObject({ code: 'malformed' });
    await expect(alice.call('sealChatAction', conversationId, { id: id(), sentAt: 1, type: 'string', body: 'x' }, 'delete')).rejects.toMatchObject({
      code: 'malformed',
    });
    await expect(alice.call('sealChatAction', conversationId, edit({ target, text: 'x'.repeat(MAX_BRIDGE_BODY + 1) }), 'edit')).rejects.toMatchObject({
      code: 'too_large',
    });
  });

  it("only the author sees previous versions, and a forged edit of Bob's message changes nothing in Bob's store", async () => {
    const original = id();
    const sealedOriginal = await bob.call('sealMessage', conversationId, { id: original, sentAt: Date.now(), type: 'string', body: 'bob wrote this' });
    const sealedEdit = await bob.call(
      'sealChatAction',
      conversationId,
      { id: id(), sentAt: Date.now() + 1, type: 'json', body: { target: original, text: 'bob fixed this' } },
      'edit',
    );
    const forged = await alice.call(
      'sealChatAction',
      conversationId,
      { id: id(), sentAt: Date.now() + 2, type: 'json', body: { target: original, text: 'alice was here' } },
      'edit',
    );
    for (const profile of [alice, bob]) {
      expect(await profile.call('openMessage', conversationId, sealedOriginal, received())).toMatchObject({ kind: 'ok' });
      expect(await profile.call('openMessage', conversationId, sealedEdit, received())).toMatchObject({ kind: 'ok', chat: { kind: 'edit' } });
    }
    await bob.call('openMessage', conversationId, forged, received());

    expect(((await bob.call('messageVersions', conversationId, original)) as { text: string }[]).map((v) => v.text)).toEqual([
      'bob wrote this',
      'bob fixed this',
    ]);
    await expect(alice.call('messageVersions', conversationId, original)).rejects.toMatchObject({ code: 'not_author' });
    const page = (await bob.call('historyPage', conversationId, { limit: 10 })) as { outcome: { plaintext?: { body: unknown }; state?: unknown } }[];
    expect(page.map((m) => m.outcome.plaintext?.body)).toEqual(['bob fixed this']);
    expect(page[0]!.outcome.state).toMatchObject({ edited: {} });
  });
});
