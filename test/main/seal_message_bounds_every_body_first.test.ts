/**
 * `sealMessage` bounds every body before any lookup or cryptography (docs/desktop.md, "Bridge"): a
 * compromised renderer cannot make main look a conversation up, fetch keys or encrypt megabytes. Over
 * the real desktop handlers, client core and embedded local stack. "Before any work" shows in the order
 * of refusals: an oversized body is `too_large` even signed out, or for a conversation that does not exist.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BRIDGE_BODY } from '../../src/common/ipc/schemas/messages';
import { desktopProfiles, type DesktopProfile } from './desktopProfiles';

const world = desktopProfiles('seed-seal-bounds');
let signedOut: DesktopProfile;
let alice: DesktopProfile;
let conversationId: string;

const id = () => randomBytes(16).toString('base64url');
const text = (length: number) => ({ id: id(), sentAt: Date.now(), type: 'string', body: 'x'.repeat(length) });
/** A reaction-like JSON body whose `JSON.stringify` is exactly `length` characters. */
const json = (length: number) => ({
  id: id(),
  sentAt: Date.now(),
  type: 'json',
  body: { t: 'reaction', v: 'y'.repeat(length - '{"t":"reaction","v":""}'.length) },
});

beforeAll(async () => {
  signedOut = await world.profile('nobody');
  alice = await world.profile('alice');
  await alice.call('register', { username: `alice${world.suffix}`, displayName: 'Alice', password: 'correct horse battery', deviceName: 'Alice laptop' });
  const bob = await world.profile('bob');
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

describe('sealMessage body bounds', () => {
  it('refuses an oversized text or JSON body with too_large before sign-in or the conversation is even looked at', async () => {
    await expect(signedOut.call('sealMessage', conversationId, text(10))).rejects.toMatchObject({ code: 'not_signed_in' });
    await expect(signedOut.call('sealMessage', conversationId, text(MAX_BRIDGE_BODY + 1))).rejects.toMatchObject({ code: 'too_large' });
    await expect(signedOut.call('sealMessage', conversationId, json(MAX_BRIDGE_BODY + 1))).rejects.toMatchObject({ code: 'too_large' });
    await expect(signedOut.call('sealMessage', conversationId, json(4 * 1024 * 1024))).rejects.toMatchObject({ code: 'too_large' });
    await expect(alice.call('sealMessage', 'conv-does-not-exist', text(MAX_BRIDGE_BODY + 1))).rejects.toMatchObject({ code: 'too_large' });
    await expect(alice.call('sealMessage', 'conv-does-not-exist', json(MAX_BRIDGE_BODY + 1))).rejects.toMatchObject({ code: 'too_large' });
  });

  it('seals bodies at the bound', async () => {
    expect(await alice.call('sealMessage', conversationId, text(MAX_BRIDGE_BODY))).toMatchObject({ v: 1 });
    expect(await alice.call('sealMessage', conversationId, json(MAX_BRIDGE_BODY))).toMatchObject({ v: 1 });
  });
});
