/**
 * Crypto-offboarding through the key service's admin CLI (docs/operations.md "Offboarding and the admin CLI",
 * src/server/admin/offboarding.ts), on SQLite and PostgreSQL, against the real key service, relay and
 * clients. Bob is in three groups; IT deactivates him. Each group's next message rotates first, under a
 * version wrapped for none of his devices; his sessions are dead, his password opens nothing, his device
 * cannot fetch the new version, and the audit log says who did it and why. Reactivation undoes it.
 * Bad commands are refused with a typed error and change nothing.
 */
import { afterEach, expect, it } from 'vitest';
import type { ConversationId } from '../../src/common/ids';
import { AdminUsageError, runAdmin } from '../../src/server/adminCli';
import { describeBackends, freshPostgresDatabase } from '../server/helpers/backends';
import { apiOf, cleanup, newClient, PASSWORD, reads, registered, say, startWorld as startWorldOn, type World } from '../client/harness';

afterEach(cleanup);

const ACTOR = 'cli:it-admin';

function admin(world: World, ...args: string[]): Promise<unknown> {
  const db = world.databaseUrl === undefined ? [] : ['--database-url', world.databaseUrl];
  return runAdmin(['--data', world.serviceDir, ...db, ...args], {}, ACTOR);
}

interface AuditOut {
  audit: { actor: string; action: string; target: string | null; detail: Record<string, unknown> }[];
}

describeBackends('a deactivated employee reads nothing new', (backend) => {
  const startWorld = async () => startWorldOn(backend === 'postgres' ? { databaseUrl: await freshPostgresDatabase() } : {});

  it('deactivating a member of three groups makes each rotate on the next send, and he cannot read it', async () => {
    const world = await startWorld();
    const [alice, bob, carol] = [await registered(world, 'alice'), await registered(world, 'bob'), await registered(world, 'carol')];
    const members = [bob.session().userId, carol.session().userId];
    const groups: ConversationId[] = [];
    for (const name of ['sales', 'launch', 'lunch']) groups.push((await alice.createConversation({ kind: 'group', name, members })).conversationId);
    for (const id of groups) {
      await say(alice, id, `before ${id}`);
      expect(await reads(bob, id, [`before ${id}`])).toContain(`before ${id}`);
    }

    const out = (await admin(world, 'deactivate', bob.session().username, '--reason', 'left the company')) as Record<string, unknown>;
    expect(out).toMatchObject({ userId: bob.session().userId, changed: true, devices: 1, conversations: 3 });
    expect(out.sessionsEnded).toBeGreaterThanOrEqual(1);

    const bobDevice = bob.session().deviceId;
    for (const id of groups) {
      expect(await alice.conversation(id)).toMatchObject({ needsRotation: true, rotationReason: 'user_deactivated', currentVersion: 1 });
      await say(alice, id, `after ${id}`);
      const now = await alice.conversation(id);
      expect(now).toMatchObject({ needsRotation: false, currentVersion: 2 });
      const v2 = await apiOf(alice).request('getKeyVersion', { params: { conversationId: id, version: 2 } });
      expect(v2.record.memberDevices, 'the new version is wrapped for no device of Bob').not.toContain(bobDevice);
      expect(v2.record.memberDevices).toContain(carol.session().deviceId);
      expect(await reads(carol, id, [`after ${id}`])).toContain(`after ${id}`);
      // Bob's device: its session ended and cannot be refreshed, so the new version cannot be fetched.
      await expect(apiOf(bob).request('getKeyVersion', { params: { conversationId: id, version: 2 } })).rejects.toMatchObject({
        status: 403,
        code: 'account_deactivated',
      });
    }

    // His password opens nothing, on a fresh device either.
    const laptop = await newClient(world, 'laptop');
    await expect(laptop.login({ username: bob.session().username, password: PASSWORD })).rejects.toMatchObject({ code: 'account_deactivated' });

    // Deactivating again changes nothing; both requests are audited with who and why.
    expect(await admin(world, 'deactivate', bob.session().userId, '--reason', 'again')).toMatchObject({ changed: false, conversations: 0 });
    const { audit } = (await admin(world, 'audit', '--limit', '5')) as AuditOut;
    const deactivations = audit.filter((r) => r.action === 'user.deactivate');
    expect(deactivations.map((r) => r.detail.changed)).toEqual([false, true]);
    expect(deactivations.every((r) => r.actor === ACTOR && r.target === bob.session().userId)).toBe(true);
    expect(deactivations[1]!.detail).toMatchObject({ reason: 'left the company', conversations: 3 });

    const { users } = (await admin(world, 'users')) as { users: { username: string; state: string }[] };
    expect(users.find((u) => u.username === bob.session().username)?.state).toBe('deactivated');

    // Reactivated: he may sign in again, and every group is marked to rotate so the next version includes him.
    expect(await admin(world, 'reactivate', bob.session().username, '--reason', 'rehired')).toMatchObject({ changed: true, devices: 1, conversations: 3 });
    for (const id of groups) expect(await alice.conversation(id)).toMatchObject({ needsRotation: true, rotationReason: 'user_reactivated' });
    const { users: after } = (await admin(world, 'users')) as { users: { username: string; state: string }[] };
    expect(after.find((u) => u.username === bob.session().username)?.state).toBe('active');
  });

  it('a bad command is refused with a typed error and changes nothing', async () => {
    const world = await startWorld();
    const bob = await registered(world, 'bob');
    const before = ((await admin(world, 'audit')) as AuditOut).audit.length;
    for (const args of [
      ['deactivate', bob.session().username],
      ['deactivate', '--reason', 'x'],
      ['reactivate', bob.session().username, '--reason', ' '],
      ['users', bob.session().username],
      ['erase', bob.session().username, '--reason', 'x'],
      ['users', '--limit', '-1'],
      ['users', '--bogus'],
    ]) {
      await expect(admin(world, ...args), args.join(' ')).rejects.toBeInstanceOf(AdminUsageError);
    }
    await expect(admin(world, 'deactivate', 'nobody-here', '--reason', 'x')).rejects.toMatchObject({ code: 'unknown_user' });
    const { audit } = (await admin(world, 'audit')) as AuditOut;
    // Only the two audit reads were recorded: no refused command left a trace of a change.
    expect(audit.length).toBe(before + 1);
    expect(audit.every((r) => r.action === 'audit.read')).toBe(true);
    const { users } = (await admin(world, 'users')) as { users: { state: string }[] };
    expect(users.every((u) => u.state === 'active')).toBe(true);
  });
});
