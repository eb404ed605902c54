/**
 * The desktop's broadcast IPC handlers through the real dispatcher, over the real client core, key service
 * (claims, directory, default key manager at /km) and relay of the embedded local stack: Alice creates a
 * channel and grants Bob and Carol; both follow (the key manager URL is in the view) and read; Alice
 * revokes Carol and publishes again: Bob reads both, Carol's copy of the new one is not readable with a
 * typed code. `broadcastChanged` events announce deliveries; results never carry keys; bad input gets a
 * typed error and changes nothing. Carol unfollows: the channel stays listed, no longer followed.
 */
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desktopProfiles, type DesktopProfile } from './desktopProfiles';

const world = desktopProfiles('seed-desktop-bcast');
const { home, suffix } = world;

interface Profile extends DesktopProfile {
  userId: string;
}

interface ChannelView {
  channelId: string;
  name: string;
  keyManagerUrl: string;
  owner: boolean;
  subscriber: boolean;
  following: boolean;
}
interface Message {
  state: string;
  text?: string;
  keyVersion: number | null;
  errorCode?: string;
}

async function profile(name: string): Promise<Profile> {
  const p = await world.profile(name);
  const session = (await p.call('register', {
    username: `${name}${suffix}`,
    displayName: name,
    password: 'correct horse battery',
    deviceName: `${name} laptop`,
  })) as {
    user: { userId: string };
  };
  return { ...p, userId: session.user.userId };
}

const messages = async (p: DesktopProfile, channelId: string, open = 50) =>
  ((await p.call('channelMessages', { channelId, open })) as { messages: Message[] }).messages;

let alice: Profile;
let bob: Profile;
let carol: Profile;
let channelId: string;

beforeAll(async () => {
  alice = await profile('alice');
  bob = await profile('bob');
  carol = await profile('carol');
}, 90_000);

afterAll(() => world.closeAll());

describe('desktop broadcast handlers over the embedded local stack', { timeout: 60_000 }, () => {
  it('Alice creates a channel on the default key manager and grants Bob and Carol', async () => {
    const serverUrl = 'host' in alice.deps.messenger ? alice.deps.messenger.serverUrl : '';
    const created = (await alice.call('createChannel', { name: 'Company news' })) as ChannelView;
    channelId = created.channelId;
    expect(created).toMatchObject({ name: 'Company news', keyManagerUrl: `${serverUrl}/km`, owner: true, following: true });
    for (const p of [bob, carol]) {
      expect(await alice.call('setChannelRole', { channelId, userId: p.userId, role: 'subscriber', granted: true })).toMatchObject({ channelId, owner: true });
    }
    expect(await alice.call('publishToChannel', { channelId, text: 'all hands at ten' })).toMatchObject({
      channelId,
      timetoken: expect.stringMatching(/^\d{17}$/),
    });
    expect(alice.events.some((e) => e.name === 'broadcastChanged' && (e.payload as { channelId: string }).channelId === channelId)).toBe(true);
  });

  it('Bob and Carol see it in the directory, follow it (key manager shown) and read it', async () => {
    for (const p of [bob, carol]) {
      const listed = (await p.call('listChannels')) as ChannelView[];
      expect(listed).toEqual([expect.objectContaining({ channelId, name: 'Company news', subscriber: true, owner: false, following: false })]);
      const followed = (await p.call('followChannel', { channelId })) as ChannelView;
      expect(followed).toMatchObject({ channelId, following: true, keyManagerUrl: listed[0]?.keyManagerUrl });
      expect((await messages(p, channelId, 0)).map((m) => m.state)).toEqual(['sealed']);
      const read = await messages(p, channelId);
      expect(read).toEqual([expect.objectContaining({ state: 'opened', text: 'all hands at ten', keyVersion: 1, type: 'string' })]);
      expect(JSON.stringify(read)).not.toMatch(/privateKey|wrap|"enc"/);
    }
    const cached = readdirSync(home, { recursive: true, encoding: 'utf8' }).filter((f) => f.includes('broadcast-keys') && f.endsWith(`${channelId}.json`));
    expect(cached, "each follower's profile caches the channel keys it fetched (still wrapped to its device)").toHaveLength(2);
  });

  it('after Alice revokes Carol, Bob reads both messages and Carol cannot read the new one', async () => {
    expect(await alice.call('revokeChannelSubscriber', { channelId, userId: carol.userId })).toEqual({ channelId, userId: carol.userId, keyVersion: 2 });
    const before = bob.events.filter((e) => e.name === 'broadcastChanged').length;
    await alice.call('publishToChannel', { channelId, text: 'carol has left' });

    await expect.poll(async () => (await messages(bob, channelId, 0)).length, { timeout: 20_000 }).toBe(2);
    expect(bob.events.filter((e) => e.name === 'broadcastChanged').length).toBeGreaterThan(before);
    expect((await messages(bob, channelId)).map((m) => [m.state, m.text, m.keyVersion])).toEqual([
      ['opened', 'all hands at ten', 1],
      ['opened', 'carol has left', 2],
    ]);

    await expect.poll(async () => (await messages(carol, channelId, 0)).length, { timeout: 20_000 }).toBe(2);
    const carols = await messages(carol, channelId);
    expect(carols.map((m) => [m.state, m.text ?? null, m.keyVersion, m.errorCode ?? null])).toEqual([
      ['opened', 'all hands at ten', 1, null],
      ['notReadable', null, 2, 'subscriber_revoked'],
    ]);
    const carolsView = ((await carol.call('listChannels')) as ChannelView[]).find((c) => c.channelId === channelId);
    expect(carolsView).toMatchObject({ subscriber: false, following: true });
  });

  it('bad input and refusals are typed errors that change nothing', async () => {
    await expect(alice.call('createChannel', { name: 'x', keyManagerUrl: 'ftp://km.example.com' })).rejects.toMatchObject({ code: 'invalid_arguments' });
    await expect(alice.call('createChannel', { name: '   ' })).rejects.toMatchObject({ code: 'invalid_arguments' });
    await expect(alice.call('setChannelRole', { channelId, userId: bob.userId, role: 'owner', granted: true })).rejects.toMatchObject({
      code: 'invalid_arguments',
    });
    await expect(bob.call('setChannelRole', { channelId, userId: carol.userId, role: 'subscriber', granted: true })).rejects.toMatchObject({
      code: 'not_channel_owner',
    });
    await expect(bob.call('revokeChannelSubscriber', { channelId, userId: alice.userId })).rejects.toMatchObject({ code: 'role_missing' });
    await expect(carol.call('channelMessages', { channelId: 'NoSuchChannel0000000000', open: 1 })).rejects.toMatchObject({ code: 'channel_unknown' });
    await expect(bob.call('publishToChannel', { channelId, text: 'not a publisher' })).rejects.toMatchObject({ code: 'role_missing' });
    expect(((await alice.call('listChannels')) as ChannelView[]).map((c) => c.channelId)).toEqual([channelId]);
    expect((await messages(bob, channelId)).map((m) => m.text)).toEqual(['all hands at ten', 'carol has left']);
  });

  it('Bob, granted publisher while following, publishes and Alice reads it', async () => {
    await alice.call('setChannelRole', { channelId, userId: bob.userId, role: 'publisher', granted: true });
    expect(await bob.call('publishToChannel', { channelId, text: 'from bob' })).toMatchObject({ channelId });
    await expect.poll(async () => (await messages(alice, channelId, 0)).length, { timeout: 20_000 }).toBe(3);
    expect((await messages(alice, channelId)).map((m) => m.text)).toEqual(['all hands at ten', 'carol has left', 'from bob']);
  });

  it('Carol unfollows: listed but not followed, its messages gone from her view; again is a no-op', async () => {
    const before = carol.events.filter((e) => e.name === 'broadcastChanged').length;
    expect(await carol.call('unfollowChannel', channelId)).toBeNull();
    expect(carol.events.filter((e) => e.name === 'broadcastChanged').length).toBe(before + 1);
    expect(((await carol.call('listChannels')) as ChannelView[]).find((c) => c.channelId === channelId)).toMatchObject({ following: false });
    await expect(messages(carol, channelId, 0)).rejects.toMatchObject({ code: 'channel_unknown' });
    expect(await carol.call('unfollowChannel', channelId)).toBeNull();
    expect(carol.events.filter((e) => e.name === 'broadcastChanged').length).toBe(before + 1);
    await expect(carol.call('unfollowChannel', '../../etc')).rejects.toMatchObject({ code: 'invalid_arguments' });
    expect((await messages(bob, channelId, 0)).length).toBe(3);
  });

  it('after a restart Bob follows the channel again by himself and reads it; Carol, who unfollowed, does not', async () => {
    for (const p of [bob, carol]) if ('close' in p.deps.messenger) await p.deps.messenger.close();
    const [bob2, carol2] = [await world.profile('bob'), await world.profile('carol')];
    expect(await bob2.call('session')).toMatchObject({ state: 'signedIn', user: { userId: bob.userId } });
    await expect
      .poll(async () => ((await bob2.call('listChannels')) as ChannelView[]).find((c) => c.channelId === channelId)?.following, { timeout: 20_000 })
      .toBe(true);
    await expect.poll(async () => (await messages(bob2, channelId, 0)).length, { timeout: 20_000 }).toBe(3);
    expect((await messages(bob2, channelId)).map((m) => m.text)).toEqual(['all hands at ten', 'carol has left', 'from bob']);
    await carol2.call('session');
    expect(((await carol2.call('listChannels')) as ChannelView[]).find((c) => c.channelId === channelId)).toMatchObject({ following: false });
  });
});
