/**
 * Adding members under each history policy and catching up a member's new device (docs/api.md: an `add`
 * statement to `appendMembership` carries wraps of the versions the history policy grants, `shared` all,
 * `joined` the current one on; "Key versions": no version from before joining under `joined`, `403
 * before_membership`); the owner changes the history policy by a `history` statement; a direct
 * conversation; the owner's successor when the owner leaves.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBackends } from './helpers/backends';
import {
  addDevice,
  appendStatement,
  changeMembership,
  createGroup,
  device,
  devicesOf,
  freshConversationId,
  genesisOf,
  newActor,
  openWrap,
  rotate,
  wrapsFor,
  type Actor,
  type FetchedVersion,
} from './helpers/actors';
import { startOn, type Running } from './helpers/service';
import type { ConversationId } from '../../src/common/ids';

describeBackends('history policy, adding members, new devices', (backend) => {
  let run: Running;
  let alice: Actor;
  let bob: Actor;

  beforeAll(async () => {
    run = await startOn(backend);
    alice = await newActor(run.api, 'alice');
    bob = await newActor(run.api, 'bob');
  });
  afterAll(async () => {
    expect(run.bugs).toEqual([]);
    await run.stop();
  });

  async function conversationWithTwoVersions(policy: 'shared' | 'joined') {
    const conv = await createGroup(run.api, alice, [bob], policy);
    const v1 = await rotate(run.api, alice, conv, 1);
    const v2 = await rotate(run.api, alice, conv, 2);
    return { conv, keys: [v1.key, v2.key] as const };
  }

  it('shared: the new member must get wraps of every version (422 otherwise) and can then read all of them', async () => {
    const { conv, keys } = await conversationWithTwoVersions('shared');
    const carol = await newActor(run.api, 'carol', 2);
    const carolDevices = await devicesOf(run.api, alice.userToken, carol.userId);
    const onlyCurrent = await wrapsFor(conv, [{ version: 2, key: keys[1] }], carolDevices, device(alice));
    const add = { type: 'add', userId: carol.userId, role: 'member' } as const;
    const short = await appendStatement(run.api, alice, conv, add, { wraps: onlyCurrent });
    expect(short.status).toBe(422);
    expect(short.body).toMatchObject({ error: { code: 'wraps_mismatch' } });
    const all = await wrapsFor(
      conv,
      [
        { version: 1, key: keys[0] },
        { version: 2, key: keys[1] },
      ],
      carolDevices,
      device(alice),
    );
    const ok = await appendStatement(run.api, alice, conv, add, { wraps: all });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    for (const d of carol.devices) {
      const list = await run.api.get<{ versions: FetchedVersion[] }>(`/v1/conversations/${conv}/versions`, d.token);
      expect(list.body.versions.map((v) => v.version)).toEqual([1, 2]);
      for (const [i, v] of list.body.versions.entries()) expect(Buffer.from(await openWrap(d, conv, v)).equals(Buffer.from(keys[i]!))).toBe(true);
    }
  });

  it('joined: the new member gets only the current version; older ones are 403 and not listed', async () => {
    const { conv, keys } = await conversationWithTwoVersions('joined');
    const dave = await newActor(run.api, 'dave');
    const daveDevices = await devicesOf(run.api, alice.userToken, dave.userId);
    const tooMany = await wrapsFor(
      conv,
      [
        { version: 1, key: keys[0] },
        { version: 2, key: keys[1] },
      ],
      daveDevices,
      device(alice),
    );
    const add = { type: 'add', userId: dave.userId, role: 'member' } as const;
    expect((await appendStatement(run.api, alice, conv, add, { wraps: tooMany })).status).toBe(422);
    const current = await wrapsFor(conv, [{ version: 2, key: keys[1] }], daveDevices, device(alice));
    await changeMembership(run.api, alice, conv, add, { wraps: current });
    const d = device(dave);
    expect((await run.api.get(`/v1/conversations/${conv}/versions/1`, d.token)).status).toBe(403);
    const list = await run.api.get<{ versions: FetchedVersion[] }>(`/v1/conversations/${conv}/versions`, d.token);
    expect(list.body.versions.map((v) => v.version)).toEqual([2]);
    const v3 = await rotate(run.api, dave, conv, 3);
    const aliceV3 = await run.api.get<FetchedVersion>(`/v1/conversations/${conv}/versions/3`, device(alice).token);
    expect(Buffer.from(await openWrap(device(alice), conv, aliceV3.body)).equals(Buffer.from(v3.key))).toBe(true);
  });

  it('a member’s new device has no wraps until a member device adds them; the next rotation must include it', async () => {
    const { conv, keys } = await conversationWithTwoVersions('shared');
    const phone = await addDevice(run.api, bob, 'phone');
    expect((await run.api.get(`/v1/conversations/${conv}/versions/latest`, phone.token)).status).toBe(404);
    const phoneInfo = (await devicesOf(run.api, alice.userToken, bob.userId)).filter((d) => d.deviceId === phone.deviceId);
    const wraps = await wrapsFor(
      conv,
      [
        { version: 1, key: keys[0] },
        { version: 2, key: keys[1] },
      ],
      phoneInfo,
      device(bob),
    );
    const added = await run.api.post(`/v1/conversations/${conv}/wraps`, { wraps }, device(bob).token);
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect((await run.api.post(`/v1/conversations/${conv}/wraps`, { wraps }, device(bob).token)).status).toBe(409);
    const latest = await run.api.get<FetchedVersion>(`/v1/conversations/${conv}/versions/latest`, phone.token);
    expect(Buffer.from(await openWrap(phone, conv, latest.body)).equals(Buffer.from(keys[1]))).toBe(true);
    const v3 = await rotate(run.api, alice, conv, 3);
    const phoneV3 = await run.api.get<FetchedVersion>(`/v1/conversations/${conv}/versions/3`, phone.token);
    expect(Buffer.from(await openWrap(phone, conv, phoneV3.body)).equals(Buffer.from(v3.key))).toBe(true);
  });

  it('answers the version valid at a timestamp by acceptance time', async () => {
    const { conv } = await conversationWithTwoVersions('shared');
    const d = device(alice);
    const v1 = await run.api.get<FetchedVersion & { acceptedAt: number }>(`/v1/conversations/${conv}/versions/1`, d.token);
    const v2 = await run.api.get<FetchedVersion & { acceptedAt: number }>(`/v1/conversations/${conv}/versions/2`, d.token);
    const at = async (t: number) => run.api.get<FetchedVersion>(`/v1/conversations/${conv}/versions/at/${t}`, d.token);
    expect((await at(v1.body.acceptedAt - 1)).status).toBe(404);
    expect((await at(v1.body.acceptedAt)).body.version).toBe(v2.body.acceptedAt === v1.body.acceptedAt ? 2 : 1);
    expect((await at(v2.body.acceptedAt)).body.version).toBe(2);
    expect((await at(v2.body.acceptedAt + 3_600_000)).body.version).toBe(2);
  });

  it('the owner changes the history policy; members added after it get versions by the new one', async () => {
    const { conv, keys } = await conversationWithTwoVersions('shared');
    expect((await appendStatement(run.api, bob, conv, { type: 'history', historyPolicy: 'joined' })).body).toMatchObject({
      error: { code: 'membership_rule' },
    });
    await changeMembership(run.api, alice, conv, { type: 'history', historyPolicy: 'joined' });
    const view = await run.api.get<{ historyPolicy: string }>(`/v1/conversations/${conv}`, bob.userToken);
    expect(view.body.historyPolicy).toBe('joined');
    const frank = await newActor(run.api, 'frank');
    const current = await wrapsFor(conv, [{ version: 2, key: keys[1] }], await devicesOf(run.api, alice.userToken, frank.userId), device(alice));
    await changeMembership(run.api, alice, conv, { type: 'add', userId: frank.userId, role: 'member' }, { wraps: current });
    expect((await run.api.get(`/v1/conversations/${conv}/versions/1`, device(frank).token)).status).toBe(403);
  });

  it('a direct conversation has two members, no name, and refuses additions', async () => {
    const erin = await newActor(run.api, 'erin');
    const create = async (members: Actor[], name?: string) => {
      const conversationId = freshConversationId();
      const genesis = await genesisOf(
        alice,
        conversationId,
        members.map((actor) => ({ actor, role: 'member' })),
        'direct',
      );
      return run.api.post<{ conversationId: string; kind: string }>('/v1/conversations', { genesis, ...(name ? { name } : {}) }, device(alice).token);
    };
    const res = await create([bob]);
    expect(res.status).toBe(201);
    const conv = res.body.conversationId as ConversationId;
    const add = await appendStatement(run.api, alice, conv, { type: 'add', userId: erin.userId, role: 'member' }, { wraps: [] });
    expect(add.status).toBe(422);
    expect(add.body).toMatchObject({ error: { code: 'membership_rule' } });
    expect((await run.api.call('PATCH', `/v1/conversations/${conv}`, { token: alice.userToken, body: { name: 'x' } })).status).toBe(409);
    expect((await create([bob, erin])).body).toMatchObject({ error: { code: 'bad_direct' } });
    expect((await create([bob], 'a name')).body).toMatchObject({ error: { code: 'bad_direct' } });
  });

  it('when the owner leaves, an admin (else the longest member) becomes owner and rotation is needed', async () => {
    const carol = await newActor(run.api, 'carol2');
    const conv = await createGroup(run.api, alice, [bob, carol]);
    await changeMembership(run.api, alice, conv, { type: 'role', userId: carol.userId, role: 'admin' });
    await changeMembership(run.api, alice, conv, { type: 'leave' });
    const view = await run.api.get<{ members: { userId: string; role: string }[]; needsRotation: boolean; rotationReason: string }>(
      `/v1/conversations/${conv}`,
      bob.userToken,
    );
    expect(view.body.members.find((m) => m.userId === carol.userId)?.role).toBe('owner');
    expect(view.body).toMatchObject({ needsRotation: true, rotationReason: 'member_left' });
  });
});
