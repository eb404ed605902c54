/**
 * Membership statements at the key service (docs/api.md "Conversations and members", docs/protocol.md
 * §15), on both databases: a conversation is created only from a genesis its creator's device signed; a
 * statement is stored only when the caller made it with its session device, it extends the current head,
 * its signature verifies and the rules allow it — each refusal has its code and stores nothing. Members
 * read the chain page by page and it verifies from the genesis with the account keys they trust; a key
 * version made for an older head is 409 `membership_changed`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flipB64u } from '../crypto/fixtures';
import type { ConversationId } from '../../src/common/ids';
import { extendMembership } from '../../src/common/protocol/membershipChain';
import type { MembershipHead } from '../../src/common/protocol/membershipHead';
import { membershipHash, type MembershipChange, type MembershipStatement } from '../../src/common/protocol/membershipStatement';
import { describeBackends } from './helpers/backends';
import {
  buildRecord,
  changeMembership,
  createGroup,
  crypto,
  device,
  devicesOf,
  freshConversationId,
  genesisOf,
  headOf,
  memberDevicesOf,
  newActor,
  rotate,
  signStatement,
  wrapsFor,
  type Actor,
} from './helpers/actors';
import { startOn, type Running } from './helpers/service';

interface Page {
  statements: MembershipStatement[];
  head: MembershipHead | null;
  nextAfter: number | null;
}

describeBackends('membership statements are checked before they are stored', (backend) => {
  let run: Running;
  let alice: Actor;
  let bob: Actor;
  let carol: Actor;
  let mallory: Actor;
  let conv: ConversationId;
  let versionOneKey: Uint8Array;

  const post = (by: Actor, statement: unknown, opts: { deviceIndex?: number; wraps?: unknown[]; conversation?: ConversationId } = {}) =>
    run.api.post<{ error: { code: string } }>(
      `/v1/conversations/${opts.conversation ?? conv}/membership`,
      { statement, ...(opts.wraps ? { wraps: opts.wraps } : {}) },
      device(by, opts.deviceIndex ?? 0).token,
    );
  const chain = async (as: Actor = alice, query = '') => (await run.api.get<Page>(`/v1/conversations/${conv}/membership${query}`, device(as).token)).body;
  /** Signs `change` by `by` after the current head. */
  const next = async (by: Actor, change: MembershipChange, deviceIndex = 0) => signStatement(by, conv, change, await headOf(run.api, alice, conv), deviceIndex);
  /** Expects the refusal and that nothing was stored. */
  const refused = async (reply: Promise<{ status: number; body: { error: { code: string } } }>, status: number, code: string) => {
    const before = await chain();
    const res = await reply;
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(await chain()).toEqual(before);
  };

  beforeAll(async () => {
    run = await startOn(backend);
    alice = await newActor(run.api, 'alice', 2);
    bob = await newActor(run.api, 'bob');
    carol = await newActor(run.api, 'carol');
    mallory = await newActor(run.api, 'mallory');
    conv = await createGroup(run.api, alice, [bob, carol]);
    await changeMembership(run.api, alice, conv, { type: 'role', userId: bob.userId, role: 'admin' });
    versionOneKey = (await rotate(run.api, alice, conv, 1)).key;
  });
  afterAll(async () => {
    expect(run.bugs).toEqual([]);
    await run.stop();
  });

  describe('creating a conversation', () => {
    it('stores the genesis as seq 0 and takes kind, history policy, members and roles from it', async () => {
      const id = freshConversationId();
      const genesis = await genesisOf(
        alice,
        id,
        [
          { actor: bob, role: 'admin' },
          { actor: carol, role: 'member' },
        ],
        'group',
        'joined',
      );
      const res = await run.api.post<{ conversationId: string; historyPolicy: string; members: { userId: string; role: string }[]; membershipHead: unknown }>(
        '/v1/conversations',
        { genesis, name: 'from a genesis' },
        device(alice).token,
      );
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body).toMatchObject({ conversationId: id, historyPolicy: 'joined', membershipHead: { seq: 0, hash: await membershipHash(crypto, genesis) } });
      expect(Object.fromEntries(res.body.members.map((m) => [m.userId, m.role]))).toEqual({
        [alice.userId]: 'owner',
        [bob.userId]: 'admin',
        [carol.userId]: 'member',
      });
      const again = await run.api.post<{ error: { code: string } }>('/v1/conversations', { genesis, name: 'again' }, device(alice).token);
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('conversation_id_taken');
    });

    it("refuses a genesis that is not the caller's, not signed, against the rules, or for members that do not exist", async () => {
      const create = (genesis: unknown, token = device(alice).token, name: string | null = 'refused') =>
        run.api.post<{ error: { code: string } }>('/v1/conversations', { genesis, ...(name === null ? {} : { name }) }, token);
      const members = [{ actor: bob, role: 'member' as const }];
      const good = await genesisOf(alice, freshConversationId(), members);
      const cases: [string, Promise<{ status: number; body: { error: { code: string } } }>, number, string][] = [
        ['a session without a device', create(good, alice.passwordToken), 403, 'device_session_required'],
        ["bob's genesis posted by alice", create(await genesisOf(bob, freshConversationId(), [{ actor: alice, role: 'member' }])), 422, 'actor_not_caller'],
        ["signed by alice's other device", create(await signStatement(alice, freshConversationId(), good.change, null, 1)), 422, 'actor_not_caller'],
        ['signature flipped', create({ ...good, signature: flipB64u(good.signature) }), 422, 'bad_signature'],
        [
          'members unsorted',
          create({ ...good, change: { ...good.change, members: [...(good.change as { members: unknown[] }).members].reverse() } }),
          422,
          'malformed',
        ],
        [
          'a migrated genesis',
          create(await signStatement(alice, freshConversationId(), { ...(good.change as object), migrated: true } as MembershipChange, null)),
          422,
          'migration_mismatch',
        ],
        [
          'the creator is not the owner',
          create(
            await signStatement(
              alice,
              freshConversationId(),
              {
                type: 'create',
                kind: 'group',
                historyPolicy: 'shared',
                members: [
                  { userId: alice.userId, role: 'admin' },
                  { userId: bob.userId, role: 'owner' },
                ],
              },
              null,
            ),
          ),
          422,
          'membership_rule',
        ],
        [
          'a member who does not exist',
          create(
            await signStatement(
              alice,
              freshConversationId(),
              {
                type: 'create',
                kind: 'group',
                historyPolicy: 'shared',
                members: [
                  { userId: alice.userId, role: 'owner' },
                  { userId: 'no-such-user-01' as Actor['userId'], role: 'member' },
                ],
              },
              null,
            ),
          ),
          422,
          'unknown_user',
        ],
        ['a group without a name', create(good, device(alice).token, null), 422, 'name_required'],
        [
          'not a genesis',
          create(await signStatement(alice, freshConversationId(), { type: 'leave' }, { seq: 0, hash: await membershipHash(crypto, good) })),
          422,
          'malformed',
        ],
      ];
      for (const [name, reply, status, code] of cases) {
        const res = await reply;
        expect([name, res.status, res.body.error?.code]).toEqual([name, status, code]);
      }
      const list = await run.api.get<{ conversations: unknown[] }>('/v1/conversations', alice.userToken);
      expect(list.body.conversations).toHaveLength(2);
    });
  });

  describe('appending', () => {
    it('refuses a statement the caller did not make: another actor, or another device of the caller (422 actor_not_caller)', async () => {
      await refused(post(alice, await next(bob, { type: 'add', userId: mallory.userId, role: 'member' })), 422, 'actor_not_caller');
      await refused(post(alice, await next(alice, { type: 'add', userId: mallory.userId, role: 'member' }, 1)), 422, 'actor_not_caller');
    });

    it('refuses a statement that does not extend the current head (409 membership_conflict)', async () => {
      const head = (await headOf(run.api, alice, conv))!;
      const first = (await chain()).statements[0]!;
      const stale = { seq: 0, hash: await membershipHash(crypto, first) };
      const change: MembershipChange = { type: 'add', userId: mallory.userId, role: 'member' };
      await refused(post(alice, await signStatement(alice, conv, change, stale)), 409, 'membership_conflict');
      await refused(post(alice, await signStatement(alice, conv, change, { seq: head.seq, hash: stale.hash })), 409, 'membership_conflict');
      await refused(post(alice, await signStatement(alice, conv, change, { seq: head.seq + 1, hash: head.hash })), 409, 'membership_conflict');
      await refused(post(alice, await genesisOf(alice, conv, [{ actor: bob, role: 'member' }])), 409, 'membership_conflict');
    });

    it('refuses a statement whose signature does not verify (422 bad_signature)', async () => {
      const s = await next(alice, { type: 'add', userId: mallory.userId, role: 'member' });
      await refused(post(alice, { ...s, signature: flipB64u(s.signature) }), 422, 'bad_signature');
      await refused(post(alice, { ...s, change: { ...s.change, role: 'admin' } }), 422, 'bad_signature');
    });

    it('refuses what the rules forbid (422 membership_rule)', async () => {
      await refused(post(carol, await next(carol, { type: 'add', userId: mallory.userId, role: 'member' })), 422, 'membership_rule');
      await refused(post(bob, await next(bob, { type: 'remove', userId: alice.userId })), 422, 'membership_rule');
      await refused(post(bob, await next(bob, { type: 'role', userId: carol.userId, role: 'admin' })), 422, 'membership_rule');
      await refused(post(alice, await next(alice, { type: 'remove', userId: alice.userId })), 422, 'membership_rule');
      await refused(post(alice, await next(alice, { type: 'add', userId: carol.userId, role: 'member' })), 422, 'membership_rule');
      await refused(post(alice, await next(alice, { type: 'remove', userId: mallory.userId })), 422, 'membership_rule');
    });

    it('refuses wraps on a change that is not an add, an add of nobody, and a statement for another conversation', async () => {
      const wraps = await wrapsFor(conv, [{ version: 1, key: versionOneKey }], await devicesOf(run.api, alice.userToken, mallory.userId), device(alice));
      await refused(post(alice, await next(alice, { type: 'role', userId: carol.userId, role: 'admin' }), { wraps }), 422, 'wraps_mismatch');
      await refused(post(alice, await next(alice, { type: 'add', userId: mallory.userId, role: 'member' })), 422, 'wraps_mismatch');
      await refused(post(alice, await next(alice, { type: 'add', userId: 'no-such-user-01' as Actor['userId'], role: 'member' })), 422, 'unknown_user');
      const elsewhere = await createGroup(run.api, alice, [bob]);
      const foreign = await signStatement(alice, elsewhere, { type: 'remove', userId: bob.userId }, await headOf(run.api, alice, elsewhere));
      await refused(post(alice, foreign), 422, 'wrong_conversation');
      await refused(
        run.api.post<{ error: { code: string } }>(`/v1/conversations/${conv}/membership`, { statement: foreign }, alice.passwordToken),
        403,
        'device_session_required',
      );
    });

    it('a non-member can neither append nor read', async () => {
      await refused(post(mallory, await next(mallory, { type: 'add', userId: mallory.userId, role: 'member' })), 403, 'not_a_member');
      expect((await run.api.get(`/v1/conversations/${conv}/membership`, device(mallory).token)).status).toBe(403);
    });
  });

  it('serves the chain page by page with its head, and it verifies from the genesis with the account keys members trust', async () => {
    await changeMembership(run.api, alice, conv, { type: 'remove', userId: carol.userId });
    await changeMembership(run.api, bob, conv, { type: 'leave' });
    const all = await chain();
    expect(all.statements.map((s) => [s.seq, s.change.type])).toEqual([
      [0, 'create'],
      [1, 'role'],
      [2, 'remove'],
      [3, 'leave'],
    ]);
    expect(all.head).toEqual(await headOf(run.api, alice, conv));
    expect(all.nextAfter).toBeNull();
    const first = await chain(alice, '?limit=2');
    expect(first.statements.map((s) => s.seq)).toEqual([0, 1]);
    expect(first.nextAfter).toBe(1);
    const rest = await chain(alice, `?after=${first.nextAfter}&limit=2`);
    expect(rest.statements.map((s) => s.seq)).toEqual([2, 3]);
    expect(rest.nextAfter).toBeNull();
    expect((await run.api.get(`/v1/conversations/${conv}/membership?limit=1001`, device(alice).token)).status).toBe(400);
    expect((await run.api.get(`/v1/conversations/${conv}/membership?after=-2`, device(alice).token)).status).toBe(400);

    const trusted = new Map([alice, bob, carol].map((a) => [a.userId as string, a.account.publicKey]));
    const { state } = await extendMembership(crypto, {
      conversationId: conv,
      from: null,
      statements: all.statements,
      servedHead: all.head,
      signerOf: async (actor, actorDevice) => {
        const res = await run.api.get<{ device: { certificate: unknown } }>(`/v1/devices/${actorDevice}`, alice.userToken);
        return { certificate: res.body.device.certificate, accountKey: trusted.get(actor)! };
      },
    });
    expect(Object.fromEntries([...state.members].map(([u, m]) => [u, m.role]))).toEqual({ [alice.userId]: 'owner' });
    const view = await run.api.get<{ members: { userId: string }[] }>(`/v1/conversations/${conv}`, alice.userToken);
    expect(view.body.members.map((m) => m.userId)).toEqual([alice.userId]);
  });

  it('a key version made for an older head is 409 membership_changed; one for the current head is accepted', async () => {
    const old = await headOf(run.api, alice, conv);
    await changeMembership(run.api, alice, conv, { type: 'history', historyPolicy: 'joined' });
    const recipients = await memberDevicesOf(run.api, alice, conv);
    const view = await run.api.get<{ currentVersion: number }>(`/v1/conversations/${conv}`, alice.userToken);
    const version = view.body.currentVersion + 1;
    for (const head of [old, null]) {
      const { record } = await buildRecord(device(alice), conv, version, recipients, head);
      const res = await run.api.post<{ error: { code: string } }>(`/v1/conversations/${conv}/versions`, { record }, device(alice).token);
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('membership_changed');
    }
    const { record } = await buildRecord(device(alice), conv, version, recipients, await headOf(run.api, alice, conv));
    expect((await run.api.post(`/v1/conversations/${conv}/versions`, { record }, device(alice).token)).status).toBe(201);
  });
});
