/**
 * Concurrent membership changes (docs/api.md `appendMembership`), on both databases: the owner and an admin
 * each sign an add after the same head and post at once — on PostgreSQL through two service instances
 * sharing the database, as behind a load balancer. Exactly one is stored; the other is 409
 * `membership_conflict` with nothing of it stored (no statement, no member, no wrap), and succeeds once it
 * is signed again after the head it re-read. The chain stays gapless and the member table follows it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ConversationId } from '../../src/common/ids';
import type { MembershipStatement } from '../../src/common/protocol/membershipStatement';
import { startKeyService, type KeyService } from '../../src/server/index';
import { describeBackends } from './helpers/backends';
import { Api } from './helpers/client';
import { changeMembership, createGroup, device, devicesOf, headOf, newActor, rotate, signStatement, wrapsFor, type Actor } from './helpers/actors';
import { startOn, TEST_JWT_SECRET, type Running } from './helpers/service';

describeBackends('two admins change members at once', (backend) => {
  let run: Running;
  let second: KeyService | null = null;
  let apis: Api[];

  beforeAll(async () => {
    run = await startOn(backend);
    apis = [run.api];
    if (run.store.databaseUrl) {
      second = await startKeyService({
        dataDir: run.store.dataDir,
        databaseUrl: run.store.databaseUrl,
        jwtSecret: TEST_JWT_SECRET,
        rateLimits: { perIp: { limit: 100_000, windowMs: 60_000 } },
      });
      apis.push(new Api(second.url));
    }
  });
  afterAll(async () => {
    expect(run.bugs).toEqual([]);
    await second?.close();
    await run.stop();
  });

  it('one add wins, the other is 409 and stores nothing, then succeeds after re-reading the head', async () => {
    const [alice, bob, dave, erin] = [
      await newActor(run.api, 'alice'),
      await newActor(run.api, 'bob'),
      await newActor(run.api, 'dave'),
      await newActor(run.api, 'erin'),
    ];
    const conv: ConversationId = await createGroup(run.api, alice, [bob]);
    await changeMembership(run.api, alice, conv, { type: 'role', userId: bob.userId, role: 'admin' });
    const { key } = await rotate(run.api, alice, conv, 1);
    const wrapsOf = async (added: Actor, granter: Actor) =>
      wrapsFor(conv, [{ version: 1, key }], await devicesOf(run.api, alice.userToken, added.userId), device(granter));
    const head = await headOf(run.api, alice, conv);
    const attempts: [Actor, Actor][] = [
      [alice, dave],
      [bob, erin],
    ];
    const bodies = await Promise.all(
      attempts.map(async ([admin, added]) => ({
        statement: await signStatement(admin, conv, { type: 'add', userId: added.userId, role: 'member' }, head),
        wraps: await wrapsOf(added, admin),
      })),
    );
    const replies = await Promise.all(
      attempts.map(([admin], i) =>
        apis[i % apis.length]!.post<{ error?: { code: string } }>(`/v1/conversations/${conv}/membership`, bodies[i], device(admin).token),
      ),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([201, 409]);
    const lost = replies.findIndex((r) => r.status === 409);
    expect(replies[lost]!.body.error?.code).toBe('membership_conflict');
    const [loser, notAdded] = attempts[lost]!;
    const [, added] = attempts[1 - lost]!;

    const view = await run.api.get<{ members: { userId: string }[] }>(`/v1/conversations/${conv}`, alice.userToken);
    expect(view.body.members.map((m) => m.userId).sort()).toEqual([alice.userId, bob.userId, added.userId].sort());
    expect((await run.api.get(`/v1/conversations/${conv}/versions/1`, device(notAdded).token)).status).toBe(403);

    const retry = await signStatement(loser, conv, { type: 'add', userId: notAdded.userId, role: 'member' }, await headOf(run.api, loser, conv));
    const again = await run.api.post(`/v1/conversations/${conv}/membership`, { statement: retry, wraps: await wrapsOf(notAdded, loser) }, device(loser).token);
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect((await run.api.get(`/v1/conversations/${conv}/versions/1`, device(notAdded).token)).status).toBe(200);

    const chain = await run.api.get<{ statements: MembershipStatement[] }>(`/v1/conversations/${conv}/membership`, device(alice).token);
    expect(chain.body.statements.map((s) => [s.seq, s.change.type])).toEqual([
      [0, 'create'],
      [1, 'role'],
      [2, 'add'],
      [3, 'add'],
    ]);
  });
});
