/**
 * Scenario (docs/client.md "Sessions"): someone holds Alice's password and has a password-only session.
 * Alice signs out everywhere else from her desktop: the intruder's session is dead, while her linked laptop —
 * whose session ended too — proves its device key for a new session by itself and keeps working. Then she
 * changes her password: the old one opens nothing, and the laptop again carries on by itself.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, linkedDevice, PASSWORD, reads, registered, say, startWorld, type World } from './harness';

afterEach(cleanup);

async function post(world: World, path: string, body: unknown, token?: string) {
  const res = await fetch(`${world.keyService.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { accessToken?: string; error?: { code: string } } };
}

async function me(world: World, token: string) {
  const res = await fetch(`${world.keyService.url}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as { error?: { code: string } } };
}

describe('alice signs out everywhere else and her laptop keeps working', () => {
  it('ends the intruder’s password session; the laptop re-authenticates by challenge; a new password locks the old one out', async () => {
    const world = await startWorld();
    const alice = await registered(world, 'alice');
    const bob = await registered(world, 'bob');
    const dm = await alice.createConversation({ kind: 'direct', members: [bob.session().userId] });
    await say(alice, dm.conversationId, 'before');
    const laptop = await linkedDevice(world, alice, "alice's laptop");
    const username = alice.session().username;

    const intruder = await post(world, '/v1/auth/login', { username, password: PASSWORD });
    expect(intruder.status).toBe(200);
    const intruderToken = intruder.body.accessToken ?? '';
    const listed = await alice.sessions();
    expect(listed.filter((s) => s.current).map((s) => s.deviceId)).toEqual([alice.session().deviceId]);
    expect(listed.some((s) => s.kind === 'password')).toBe(true);

    expect(await alice.endOtherSessions()).toBeGreaterThanOrEqual(2);
    const kicked = await me(world, intruderToken);
    expect([kicked.status, kicked.body.error?.code]).toEqual([401, 'session_revoked']);
    expect((await laptop.conversations()).map((c) => c.conversationId)).toContain(dm.conversationId);
    const after = await alice.sessions();
    expect(after.map((s) => s.kind)).toEqual(['device', 'device']);
    expect(after.map((s) => s.deviceId).sort()).toEqual([alice.session().deviceId, laptop.session().deviceId].sort());

    const laptopSession = after.find((s) => s.deviceId === laptop.session().deviceId);
    await alice.endSession(laptopSession?.sessionId ?? '');
    await say(laptop, dm.conversationId, 'from the laptop');
    await reads(bob, dm.conversationId, ['before', 'from the laptop']);

    await expect(alice.changePassword('not my password', 'a brand new password')).rejects.toMatchObject({ code: 'wrong_password' });
    expect(await alice.changePassword(PASSWORD, 'a brand new password')).toBeGreaterThanOrEqual(1);
    const stale = await post(world, '/v1/auth/login', { username, password: PASSWORD });
    expect([stale.status, stale.body.error?.code]).toEqual([401, 'bad_credentials']);
    expect((await laptop.conversation(dm.conversationId)).conversationId).toBe(dm.conversationId);
    expect(laptop.isSignedIn && alice.isSignedIn).toBe(true);
  });
});
