/**
 * The disappearing-messages timer at the key service (docs/protocol.md §15.7, §15.8), on both databases:
 * an admin's signed `disappearing` statement is stored like any membership change; a plain member's, one
 * naming the timer already in effect, one with a timer off the allowed list (400 `invalid_body`), and one altered after signing
 * are each refused with their code and store nothing. (The clients do not rely on these
 * checks — they verify the chain themselves — but honest clients learn at once that the change failed.)
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ConversationId } from '../../src/common/ids';
import type { MembershipStatement } from '../../src/common/protocol/membershipStatement';
import { describeBackends } from './helpers/backends';
import { changeMembership, createGroup, device, headOf, newActor, signStatement, type Actor } from './helpers/actors';
import { startOn, type Running } from './helpers/service';

describeBackends('disappearing-timer statements at the key service', (backend) => {
  let run: Running;
  let alice: Actor;
  let bob: Actor;
  let carol: Actor;
  let conv: ConversationId;

  const post = (by: Actor, statement: unknown) =>
    run.api.post<{ error: { code: string } }>(`/v1/conversations/${conv}/membership`, { statement }, device(by).token);
  const chain = async () => (await run.api.get<{ statements: MembershipStatement[] }>(`/v1/conversations/${conv}/membership`, device(alice).token)).body;
  const refused = async (reply: Promise<{ status: number; body: { error: { code: string } } }>, status: number, code: string) => {
    const before = await chain();
    const res = await reply;
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(await chain()).toEqual(before);
  };
  const next = async (by: Actor, seconds: number) =>
    signStatement(by, conv, { type: 'disappearing', seconds: seconds as 300 }, await headOf(run.api, alice, conv));

  beforeAll(async () => {
    run = await startOn(backend);
    [alice, bob, carol] = [await newActor(run.api, 'alice'), await newActor(run.api, 'bob'), await newActor(run.api, 'carol')];
    conv = await createGroup(run.api, alice, [bob, carol]);
    await changeMembership(run.api, alice, conv, { type: 'role', userId: bob.userId, role: 'admin' });
  });
  afterAll(async () => {
    expect(run.bugs).toEqual([]);
    await run.stop();
  });

  it('stores an admin’s timer; refuses a plain member’s, the timer in effect again, a timer off the list, and an altered one', async () => {
    const set = await next(bob, 86_400);
    expect((await post(bob, set)).status).toBe(201);
    expect((await chain()).statements.at(-1)).toEqual(set);

    await refused(post(carol, await next(carol, 300)), 422, 'membership_rule');
    await refused(post(alice, await next(alice, 86_400)), 422, 'membership_rule');
    const odd = await next(alice, 300);
    // Off the list: the request body's schema refuses it before anything is looked at.
    await refused(post(alice, { ...odd, change: { type: 'disappearing', seconds: 60 } }), 400, 'invalid_body');
    await refused(post(alice, { ...odd, change: { type: 'disappearing', seconds: 0 } }), 422, 'bad_signature');
  });
});
