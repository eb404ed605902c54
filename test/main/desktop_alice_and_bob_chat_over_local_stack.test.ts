/**
 * The desktop IPC handlers over the real client core, key service and relay (the embedded local stack)
 * and the real keychain: two profiles on one machine register, Alice opens a DM with Bob, seals a message
 * through the contract, Bob opens it; a stranger's forged envelope is rejected; events announce keys and
 * sessions. Only the renderer is absent (its side is the Chromium suite).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desktopProfiles, type DesktopProfile } from './desktopProfiles';

const world = desktopProfiles('seed-desktop');
const { suffix } = world;
type Profile = DesktopProfile;
const profile = (name: string) => world.profile(name);

/** Opens like the renderer does: a pending outcome is retried when main announces the key version. */
async function openEventually(p: Profile, conversationId: string, envelope: unknown): Promise<unknown> {
  const first = (await p.call('openMessage', conversationId, envelope)) as { kind: string; keyVersion?: number };
  if (first.kind !== 'pending') return first;
  const deadline = Date.now() + 10_000;
  while (!p.events.some((e) => e.name === 'keyAvailable' && (e.payload as { conversationId: string }).conversationId === conversationId)) {
    if (Date.now() > deadline) throw new Error('key never became available');
    await new Promise((r) => setTimeout(r, 20));
  }
  return p.call('openMessage', conversationId, envelope);
}

let alice: Profile;
let bob: Profile;

beforeAll(async () => {
  alice = await profile('alice');
  bob = await profile('bob');
}, 60_000);

afterAll(() => world.closeAll());

describe('desktop handlers: Alice and Bob chat over the embedded local stack', () => {
  it('both profiles share one local stack', () => {
    expect('host' in alice.deps.messenger && alice.deps.messenger.localStack).toBe(true);
    expect('host' in bob.deps.messenger && bob.deps.messenger.serverUrl).toBe('host' in alice.deps.messenger && alice.deps.messenger.serverUrl);
  });

  it('registers both and announces the session', async () => {
    expect(await alice.call('session')).toMatchObject({ state: 'signedOut', localStack: true });
    const a = await alice.call('register', { username: `alice${suffix}`, displayName: 'Alice', password: 'correct horse battery', deviceName: 'Alice laptop' });
    expect(a).toMatchObject({ state: 'signedIn', user: { username: `alice${suffix}`, displayName: 'Alice' }, deviceName: 'Alice laptop' });
    await bob.call('register', { username: `bob${suffix}`, displayName: 'Bob', password: 'correct horse battery', deviceName: 'Bob desktop' });
    expect(alice.events.some((e) => e.name === 'sessionChanged')).toBe(true);
    await expect(
      alice.call('register', { username: `again${suffix}`, displayName: 'X', password: 'correct horse battery', deviceName: 'x' }),
    ).rejects.toMatchObject({
      code: 'already_signed_in',
    });
  });

  it('Alice opens a DM with Bob, seals through the contract, Bob opens it', async () => {
    const found = (await alice.call('searchUsers', `bob${suffix}`)) as Array<{ userId: string }>;
    expect(found).toHaveLength(1);
    const bySuffix = (await alice.call('searchUsers', suffix)) as Array<{ username: string }>;
    expect(
      bySuffix.map((u) => u.username),
      'a partial match finds Bob, never Alice herself',
    ).toEqual([`bob${suffix}`]);
    expect(await alice.call('searchUsers', `zz${suffix}`)).toEqual([]);
    const conv = (await alice.call('createConversation', { kind: 'direct', memberUserIds: [found[0]!.userId] })) as {
      conversationId: string;
      name: string;
      keyVersion: number;
      myRole: string;
    };
    expect(conv).toMatchObject({ name: 'Bob', keyVersion: 1, myRole: 'owner' });
    // Both devices are new installs with X-Wing keys: the security info says post-quantum (docs/protocol.md §5.1).
    expect(conv).toMatchObject({ postQuantum: 'protected' });
    const plaintext = { id: randomBytes(16).toString('base64url'), sentAt: Date.now(), type: 'string', body: 'hi Bob <script>alert(1)</script>' };
    const envelope = (await alice.call('sealMessage', conv.conversationId, plaintext)) as Record<string, unknown>;
    expect(JSON.stringify(envelope)).not.toContain('hi Bob');
    const opened = await openEventually(bob, conv.conversationId, envelope);
    expect(opened).toMatchObject({ kind: 'ok', plaintext: { body: 'hi Bob <script>alert(1)</script>', type: 'string' }, keyVersion: 1 });
    const page = (await bob.call('openMessages', conv.conversationId, [envelope, { ...envelope, sig: 'AAAA' }])) as { kind: string }[];
    expect(
      page.map((o) => o.kind),
      'a page opens in one call, each envelope on its own',
    ).toEqual(['ok', 'rejected']);
    const bobsList = (await bob.call('listConversations')) as Array<{ conversationId: string; name: string }>;
    expect(bobsList.map((c) => [c.conversationId, c.name])).toEqual([[conv.conversationId, 'Alice']]);
  });

  it('a tampered envelope is rejected with a code, never shown as text', async () => {
    const [conv] = (await alice.call('listConversations')) as Array<{ conversationId: string }>;
    const envelope = (await alice.call('sealMessage', conv!.conversationId, {
      id: randomBytes(16).toString('base64url'),
      sentAt: 1,
      type: 'string',
      body: 'secret',
    })) as Record<string, string>;
    const ct = envelope['ciphertext'] ?? envelope['ct'];
    const field = envelope['ciphertext'] !== undefined ? 'ciphertext' : 'ct';
    // Change the second-to-last character (always a full 6 bits of ciphertext) to a different one.
    const at = ct!.length - 2;
    const tampered = { ...envelope, [field]: `${ct!.slice(0, at)}${ct![at] === 'A' ? 'B' : 'A'}${ct!.slice(at + 1)}` };
    const opened = await openEventually(bob, conv!.conversationId, tampered);
    expect(opened).toMatchObject({ kind: 'rejected' });
    expect(JSON.stringify(opened)).not.toContain('secret');
  });

  it("gives the renderer's PubNub client an origin and an Access Manager token, never a key", async () => {
    const t = (await alice.call('transportConfig')) as Record<string, unknown>;
    expect(t).toMatchObject({ ssl: false, publishKey: 'pub-c-seed-local', subscribeKey: 'sub-c-seed-local' });
    expect(t['origin']).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(typeof t['token']).toBe('string');
    expect(Object.keys(t).sort()).toEqual(['origin', 'publishKey', 'ssl', 'subscribeKey', 'token', 'userId']);
  });

  it('signing out unlinks the device: keys leave the keychain and the conversation rotates before Bob sends', async () => {
    const [conv] = (await bob.call('listConversations')) as Array<{ conversationId: string; keyVersion: number }>;
    expect(await alice.call('signOut')).toMatchObject({ state: 'signedOut' });
    expect(await alice.deps.secrets.get('device-keys')).toBeNull();
    await expect(alice.call('listConversations')).rejects.toMatchObject({ code: 'not_signed_in' });
    const envelope = (await bob.call('sealMessage', conv!.conversationId, {
      id: randomBytes(16).toString('base64url'),
      sentAt: 2,
      type: 'string',
      body: 'after',
    })) as {
      keyVersion: number;
    };
    expect(envelope.keyVersion).toBe(conv!.keyVersion + 1);
  });

  it('bad input gets a typed error and changes nothing', async () => {
    await expect(bob.call('createConversation', { kind: 'direct', memberUserIds: ['../etc'] })).rejects.toMatchObject({ code: 'invalid_arguments' });
    await expect(bob.call('openMessage', 'not-an-id!', {})).rejects.toMatchObject({ code: 'invalid_arguments' });
    expect(((await bob.call('listConversations')) as unknown[]).length).toBe(1);
  });
});
