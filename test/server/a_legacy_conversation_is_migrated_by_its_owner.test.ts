/**
 * A conversation made before membership statements existed (docs/protocol.md §15.6, docs/api.md
 * "Migration"), on both databases: it has no chain and works as before — key versions without a
 * membership head are accepted — until its owner's device appends a genesis marked `migrated` that lists
 * exactly its members, roles, kind and history policy as the key service holds them. Any other genesis is
 * refused and stores nothing; once migrated, the conversation needs a rotation and its key versions must
 * name the current head.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ConversationId } from '../../src/common/ids';
import type { MembershipChange } from '../../src/common/protocol/membershipStatement';
import { describeBackends } from './helpers/backends';
import { buildRecord, changeMembership, device, headOf, memberDevicesOf, newActor, rotate, signStatement, type Actor } from './helpers/actors';
import { legacyConversation } from './helpers/legacy';
import { startOn, type Running } from './helpers/service';

describeBackends('a legacy conversation is migrated by its owner', (backend) => {
  let run: Running;
  let alice: Actor;
  let bob: Actor;
  let carol: Actor;
  let conv: ConversationId;

  /** The migrated genesis `by` signs listing `members` (default: the conversation as it is). */
  const genesis = (
    by: Actor,
    members?: { userId: string; role: 'owner' | 'admin' | 'member' }[],
    extra: Partial<Extract<MembershipChange, { type: 'create' }>> = {},
  ) =>
    signStatement(
      by,
      conv,
      {
        type: 'create',
        kind: 'group',
        historyPolicy: 'shared',
        members: (members ?? [
          { userId: alice.userId, role: 'owner' },
          { userId: bob.userId, role: 'admin' },
          { userId: carol.userId, role: 'member' },
        ]) as Extract<MembershipChange, { type: 'create' }>['members'],
        migrated: true,
        ...extra,
      },
      null,
    );
  const append = (by: Actor, statement: unknown) =>
    run.api.post<{ error?: { code: string }; membershipHead: unknown }>(`/v1/conversations/${conv}/membership`, { statement }, device(by).token);

  beforeAll(async () => {
    run = await startOn(backend);
    alice = await newActor(run.api, 'alice');
    bob = await newActor(run.api, 'bob');
    carol = await newActor(run.api, 'carol');
    conv = await legacyConversation(run.store, [
      { userId: alice.userId, role: 'owner' },
      { userId: bob.userId, role: 'admin' },
      { userId: carol.userId, role: 'member' },
    ]);
  });
  afterAll(async () => {
    expect(run.bugs).toEqual([]);
    await run.stop();
  });

  it('has no chain and works as before: key versions without a head are accepted, ones naming a head are not', async () => {
    expect(await headOf(run.api, alice, conv)).toBeNull();
    const chain = await run.api.get(`/v1/conversations/${conv}/membership`, device(bob).token);
    expect(chain.body).toEqual({ statements: [], head: null, nextAfter: null });
    await rotate(run.api, bob, conv, 1);
    const { record } = await buildRecord(device(alice), conv, 2, await memberDevicesOf(run.api, alice, conv), { seq: 0, hash: 'A'.repeat(43) });
    const res = await run.api.post<{ error: { code: string } }>(`/v1/conversations/${conv}/versions`, { record }, device(alice).token);
    expect([res.status, res.body.error.code]).toEqual([409, 'membership_changed']);
  });

  it('refuses a statement other than a genesis, and any genesis that is not the conversation as it is, storing nothing', async () => {
    const notGenesis = await signStatement(alice, conv, { type: 'remove', userId: carol.userId }, { seq: 0, hash: 'A'.repeat(43) });
    const cases: [string, () => Promise<unknown>, number, string][] = [
      ['a statement after a head that does not exist', async () => notGenesis, 409, 'membership_conflict'],
      ['not marked migrated', () => genesis(alice, undefined, { migrated: undefined }), 422, 'migration_mismatch'],
      [
        'a member missing',
        () =>
          genesis(alice, [
            { userId: alice.userId, role: 'owner' },
            { userId: bob.userId, role: 'admin' },
          ]),
        422,
        'migration_mismatch',
      ],
      [
        'a role changed',
        () =>
          genesis(alice, [
            { userId: alice.userId, role: 'owner' },
            { userId: bob.userId, role: 'member' },
            { userId: carol.userId, role: 'member' },
          ]),
        422,
        'migration_mismatch',
      ],
      ['another history policy', () => genesis(alice, undefined, { historyPolicy: 'joined' }), 422, 'migration_mismatch'],
      ['another kind', () => genesis(alice, undefined, { kind: 'direct' }), 422, 'membership_rule'],
      [
        'an admin who makes himself owner',
        () =>
          genesis(bob, [
            { userId: alice.userId, role: 'admin' },
            { userId: bob.userId, role: 'owner' },
            { userId: carol.userId, role: 'member' },
          ]),
        422,
        'migration_mismatch',
      ],
      ['an admin who signs the true membership', () => genesis(bob), 422, 'membership_rule'],
    ];
    for (const [name, make, status, code] of cases) {
      const by = name.startsWith('an admin') ? bob : alice;
      const res = await append(by, await make());
      expect([name, res.status, res.body.error?.code]).toEqual([name, status, code]);
    }
    expect(await headOf(run.api, alice, conv)).toBeNull();
  });

  it("the owner's migrated genesis starts the chain; then key versions must name the head, and changes follow it", async () => {
    const res = await append(alice, await genesis(alice));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const head = await headOf(run.api, alice, conv);
    expect(head?.seq).toBe(0);
    const view = await run.api.get<{ members: { userId: string; role: string }[]; needsRotation: boolean; rotationReason: string }>(
      `/v1/conversations/${conv}`,
      alice.userToken,
    );
    expect(view.body).toMatchObject({ needsRotation: true, rotationReason: 'membership_migrated' });
    expect(Object.fromEntries(view.body.members.map((m) => [m.userId, m.role]))).toEqual({
      [alice.userId]: 'owner',
      [bob.userId]: 'admin',
      [carol.userId]: 'member',
    });
    const again = await append(alice, await genesis(alice));
    expect([again.status, again.body.error?.code]).toEqual([409, 'membership_conflict']);

    const { record } = await buildRecord(device(alice), conv, 2, await memberDevicesOf(run.api, alice, conv), null);
    const unbound = await run.api.post<{ error: { code: string } }>(`/v1/conversations/${conv}/versions`, { record }, device(alice).token);
    expect([unbound.status, unbound.body.error.code]).toEqual([409, 'membership_changed']);
    await rotate(run.api, alice, conv, 2);
    const latest = await run.api.get<{ record: { membership?: unknown } }>(`/v1/conversations/${conv}/versions/latest`, device(carol).token);
    expect(latest.body.record.membership).toEqual(head);

    await changeMembership(run.api, bob, conv, { type: 'remove', userId: carol.userId });
    const after = await run.api.get<{ members: { userId: string }[]; needsRotation: boolean }>(`/v1/conversations/${conv}`, alice.userToken);
    expect(after.body.needsRotation).toBe(true);
    expect(after.body.members.map((m) => m.userId).sort()).toEqual([alice.userId, bob.userId].sort());
  });
});
