/**
 * Attacks with a stolen password (docs/threat-model.md "A stolen password", docs/api.md "Sessions"), on both
 * databases. Each test plays the attacker and expects a typed refusal: a password opens only a password-only
 * session, which cannot become a device session, revoke a device, add a member, rotate, fetch keys or
 * change the password. A device session needs the device's signature over a fresh single-use challenge.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDeviceSessionChallenge } from '../../src/common/protocol/deviceSession';
import { generateDeviceKeys } from '../../src/common/protocol/identity';
import type { ConversationId } from '../../src/common/ids';
import { describeBackends } from './helpers/backends';
import {
  buildRecord,
  createGroup,
  crypto,
  device,
  deviceProof,
  deviceSession,
  headOf,
  login,
  memberDevicesOf,
  newActor,
  revocationOf,
  rotate,
  signStatement,
  type Actor,
} from './helpers/actors';
import { startOn, type Running } from './helpers/service';

const CHALLENGE_TTL_MS = 2_000;

const code = (res: { body: unknown }) => (res.body as { error?: { code?: string } }).error?.code;

describeBackends('a stolen password cannot act as a device', (backend) => {
  let run: Running;
  let alice: Actor;
  let bob: Actor;
  let mallory: Actor;
  let conv: ConversationId;
  /** What the attacker holds: a password-only session of alice's account. */
  let stolen: { accessToken: string; refreshToken: string };

  beforeAll(async () => {
    run = await startOn(backend, { challengeTtlMs: CHALLENGE_TTL_MS });
    alice = await newActor(run.api, 'alice', 2);
    bob = await newActor(run.api, 'bob');
    mallory = await newActor(run.api, 'mallory', 0);
    conv = await createGroup(run.api, alice, [bob]);
    await rotate(run.api, alice, conv, 1);
    stolen = await login(run.api, alice.username);
  });
  afterAll(async () => {
    expect(run.bugs).toEqual([]);
    await run.stop();
  });

  describe('getting a device session', () => {
    it('login naming the victim’s device is refused: a device proves its key', async () => {
      const res = await run.api.post('/v1/auth/login', {
        username: alice.username,
        password: 'correct horse battery staple',
        deviceId: device(alice).deviceId,
      });
      expect(res.status).toBe(400);
      expect(code(res)).toBe('device_proof_required');
    });

    it('a challenge signed with a key of the attacker’s, or with no device key, is refused', async () => {
      const own = await generateDeviceKeys(crypto);
      const forged = await deviceProof(run.api, { deviceId: device(alice).deviceId, keys: own });
      const res = await run.api.post('/v1/auth/device-session', { challengeId: forged.challengeId, deviceId: forged.deviceId, signature: forged.signature });
      expect(res.status).toBe(401);
      expect(code(res)).toBe('device_proof_invalid');
      const garbage = await deviceProof(run.api, device(alice));
      const bad = await run.api.post('/v1/auth/device-session', { challengeId: garbage.challengeId, deviceId: garbage.deviceId, signature: 'AAAA' });
      expect(bad.status).toBe(401);
      expect(code(bad)).toBe('device_proof_invalid');
    });

    it('a genuine answer is single-use, bound to its challenge and its device', async () => {
      const seen = await deviceProof(run.api, device(alice));
      const ok = await run.api.post('/v1/auth/device-session', { challengeId: seen.challengeId, deviceId: seen.deviceId, signature: seen.signature });
      expect(ok.status).toBe(200);
      const replay = await run.api.post('/v1/auth/device-session', { challengeId: seen.challengeId, deviceId: seen.deviceId, signature: seen.signature });
      expect(replay.status).toBe(401);
      expect(code(replay)).toBe('challenge_used');
      const fresh = await deviceProof(run.api, device(alice));
      const moved = await run.api.post('/v1/auth/device-session', { challengeId: fresh.challengeId, deviceId: seen.deviceId, signature: seen.signature });
      expect(code(moved), 'an old signature over another challenge').toBe('device_proof_invalid');
      const other = await deviceProof(run.api, device(alice));
      const otherDevice = await run.api.post('/v1/auth/device-session', {
        challengeId: other.challengeId,
        deviceId: device(alice, 1).deviceId,
        signature: other.signature,
      });
      expect(code(otherDevice), "a signature for one device does not open another's session").toBe('device_proof_invalid');
    });

    it('an unknown or expired challenge is refused', async () => {
      const unknown = await run.api.post('/v1/auth/device-session', {
        challengeId: randomBytes(16).toString('base64url'),
        deviceId: device(alice).deviceId,
        signature: 'AAAA',
      });
      expect(unknown.status).toBe(401);
      expect(code(unknown)).toBe('challenge_unknown');
      const challenge = await run.api.post<{ challengeId: string; nonce: string; expiresAt: number }>('/v1/auth/challenge', undefined);
      expect(challenge.body.expiresAt - Date.now()).toBeLessThanOrEqual(CHALLENGE_TTL_MS);
      await new Promise((r) => setTimeout(r, CHALLENGE_TTL_MS + 100));
      const { challengeId, nonce } = challenge.body;
      const signature = await signDeviceSessionChallenge(
        crypto,
        { challengeId, deviceId: device(alice).deviceId, nonce },
        device(alice).keys.ed25519.privateKey,
      );
      const late = await run.api.post('/v1/auth/device-session', { challengeId, deviceId: device(alice).deviceId, signature });
      expect(late.status).toBe(401);
      expect(code(late)).toBe('challenge_expired');
    });
  });

  describe('acting with the password-only session', () => {
    const refused = async (res: { status: number; body: unknown }) => {
      expect(res.status, JSON.stringify(res.body)).toBe(403);
      expect(code(res)).toBe('device_session_required');
    };

    it('cannot revoke a device, even with a statement it made up', async () => {
      const statement = { ...(await revocationOf(mallory, device(alice).deviceId)), userId: alice.userId };
      await refused(await run.api.call('DELETE', `/v1/devices/${device(alice).deviceId}`, { token: stolen.accessToken, body: { revocation: statement } }));
      const listed = await run.api.get<{ devices: { deviceId: string }[] }>(`/v1/users/${alice.userId}/devices`, device(bob).token);
      expect(listed.body.devices.map((d) => d.deviceId)).toContain(device(alice).deviceId);
      expect((await run.api.get(`/v1/conversations/${conv}/versions/latest`, device(alice).token)).status).toBe(200);
    });

    it('cannot add a member, rotate, fetch keys or read the directory', async () => {
      const add = await signStatement(alice, conv, { type: 'add', userId: mallory.userId, role: 'member' }, await headOf(run.api, alice, conv));
      await refused(await run.api.post(`/v1/conversations/${conv}/membership`, { statement: add }, stolen.accessToken));
      const { record } = await buildRecord(device(alice), conv, 2, await memberDevicesOf(run.api, alice, conv), await headOf(run.api, alice, conv));
      await refused(await run.api.post(`/v1/conversations/${conv}/versions`, { record }, stolen.accessToken));
      await refused(await run.api.get(`/v1/conversations/${conv}/versions/latest`, stolen.accessToken));
      await refused(await run.api.get(`/v1/conversations/${conv}`, stolen.accessToken));
      await refused(await run.api.get(`/v1/users/${alice.userId}/devices`, stolen.accessToken));
      await refused(await run.api.post('/v1/pubnub/token', undefined, stolen.accessToken));
      const members = await run.api.get<{ members: { userId: string }[] }>(`/v1/conversations/${conv}`, device(alice).token);
      expect(members.body.members.map((m) => m.userId)).not.toContain(mallory.userId);
    });

    it('cannot change the password, list or end sessions', async () => {
      await refused(
        await run.api.post(
          '/v1/auth/password',
          { currentPassword: 'correct horse battery staple', newPassword: 'the attacker owns this now' },
          stolen.accessToken,
        ),
      );
      await refused(await run.api.get('/v1/auth/sessions', stolen.accessToken));
      await refused(await run.api.post('/v1/auth/sessions/end-others', undefined, stolen.accessToken));
      expect((await login(run.api, alice.username)).accessToken).toBeTruthy();
    });

    it('still reaches what signing in needs: who am I, log out', async () => {
      const mine = await login(run.api, alice.username);
      const me = await run.api.get<{ deviceId: string | null }>('/v1/me', mine.accessToken);
      expect(me.status).toBe(200);
      expect(me.body.deviceId).toBeNull();
      expect((await run.api.call('POST', '/v1/auth/logout', { token: mine.accessToken })).status).toBe(204);
    });
  });

  describe('revocation statements', () => {
    const revoke = (deviceId: string, revocation: unknown, token = alice.userToken) =>
      run.api.call('DELETE', `/v1/devices/${deviceId}`, { token, body: { revocation } });
    const badRevocation = (res: { status: number; body: unknown }) => {
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(code(res)).toBe('bad_revocation');
    };

    it('a statement signed by another account, tampered with, or about another device or user is refused', async () => {
      const target = device(alice, 1).deviceId;
      badRevocation(await revoke(target, { ...(await revocationOf(mallory, target)), userId: alice.userId }));
      const genuine = await revocationOf(alice, target);
      badRevocation(await revoke(target, { ...genuine, revokedAt: genuine.revokedAt + 1 }));
      badRevocation(await revoke(target, await revocationOf(alice, device(alice).deviceId)));
      badRevocation(await revoke(target, { ...genuine, extra: 1 }));
      const missing = await run.api.call('DELETE', `/v1/devices/${target}`, { token: alice.userToken });
      expect(missing.status).toBe(400);
      expect((await run.api.get(`/v1/devices/${target}/revocation`)).status).toBe(404);
      expect((await run.api.get(`/v1/conversations/${conv}/versions/latest`, device(alice, 1).token)).status).toBe(200);
    });

    it('a genuine statement revokes the device; it is kept and served to anyone', async () => {
      const victim = await newActor(run.api, 'carol', 2);
      const revocation = await revocationOf(victim, device(victim, 1).deviceId);
      expect((await revoke(device(victim, 1).deviceId, revocation, victim.userToken)).status).toBe(204);
      const served = await run.api.get<{ revocation: unknown }>(`/v1/devices/${device(victim, 1).deviceId}/revocation`);
      expect(served.status).toBe(200);
      expect(served.body.revocation).toEqual(revocation);
      const view = await run.api.get<{ device: { revocation: unknown; revokedAt: number | null } }>(
        `/v1/devices/${device(victim, 1).deviceId}`,
        victim.userToken,
      );
      expect(view.body.device.revocation).toEqual(revocation);
      const refreshed = await run.api.post('/v1/auth/refresh', { refreshToken: device(victim, 1).refreshToken });
      expect(code(refreshed)).toBe('device_revoked');
      const proof = await deviceProof(run.api, device(victim, 1));
      const again = await run.api.post('/v1/auth/device-session', { challengeId: proof.challengeId, deviceId: proof.deviceId, signature: proof.signature });
      expect(again.status).toBe(403);
      expect(code(again), 'a revoked device proves its key and is still refused').toBe('device_revoked');
      const unrevoked = await run.api.get(`/v1/devices/${device(victim).deviceId}/revocation`);
      expect(unrevoked.status).toBe(404);
      expect(code(unrevoked)).toBe('no_revocation');
    });
  });

  describe('ending sessions throws the intruder out, not the user’s devices', () => {
    it('sign out everywhere else: the password session is dead, the other device proves itself again', async () => {
      const victim = await newActor(run.api, 'dave', 2);
      const intruder = await login(run.api, victim.username);
      const laptop = device(victim, 1);
      const listed = await run.api.get<{ sessions: { sessionId: string; kind: string; deviceId: string | null; current: boolean }[] }>(
        '/v1/auth/sessions',
        victim.userToken,
      );
      expect(listed.status).toBe(200);
      expect(listed.body.sessions.filter((s) => s.current)).toHaveLength(1);
      expect(listed.body.sessions.some((s) => s.kind === 'password')).toBe(true);
      expect(listed.body.sessions.filter((s) => s.kind === 'device').map((s) => s.deviceId)).toEqual(expect.arrayContaining([laptop.deviceId]));

      const ended = await run.api.post<{ endedSessions: number }>('/v1/auth/sessions/end-others', undefined, victim.userToken);
      expect(ended.status).toBe(200);
      expect(ended.body.endedSessions).toBeGreaterThanOrEqual(3);
      expect(code(await run.api.get('/v1/me', intruder.accessToken))).toBe('session_revoked');
      expect(code(await run.api.post('/v1/auth/refresh', { refreshToken: intruder.refreshToken }))).toBe('session_revoked');
      expect(code(await run.api.post('/v1/auth/refresh', { refreshToken: laptop.refreshToken }))).toBe('session_revoked');
      const back = await deviceSession(run.api, laptop);
      expect((await run.api.get('/v1/auth/sessions', back.accessToken)).status).toBe(200);
      expect((await run.api.get('/v1/auth/sessions', victim.userToken)).status, 'the caller’s own session lives on').toBe(200);
    });

    it('ends one session by id, only of one’s own account', async () => {
      const victim = await newActor(run.api, 'erin', 1);
      const intruder = await login(run.api, victim.username);
      const listed = await run.api.get<{ sessions: { sessionId: string; kind: string }[] }>('/v1/auth/sessions', victim.userToken);
      const passwordSession = listed.body.sessions.find((s) => s.kind === 'password' && s.sessionId);
      expect(passwordSession).toBeDefined();
      const foreign = await run.api.call('DELETE', `/v1/auth/sessions/${passwordSession!.sessionId}`, { token: device(bob).token });
      expect(foreign.status).toBe(404);
      expect(code(foreign)).toBe('session_not_found');
      const all = (await run.api.get<{ sessions: { sessionId: string; kind: string }[] }>('/v1/auth/sessions', victim.userToken)).body.sessions;
      for (const s of all.filter((x) => x.kind === 'password')) {
        expect((await run.api.call('DELETE', `/v1/auth/sessions/${s.sessionId}`, { token: victim.userToken })).status).toBe(204);
      }
      expect(code(await run.api.get('/v1/me', intruder.accessToken))).toBe('session_revoked');
    });

    it('a password change needs the current password and ends every other session', async () => {
      const victim = await newActor(run.api, 'frank', 2);
      const intruder = await login(run.api, victim.username);
      const wrong = await run.api.post('/v1/auth/password', { currentPassword: 'not the password', newPassword: 'a brand new password' }, victim.userToken);
      expect(wrong.status).toBe(403);
      expect(code(wrong)).toBe('wrong_password');
      const changed = await run.api.post<{ endedSessions: number }>(
        '/v1/auth/password',
        { currentPassword: 'correct horse battery staple', newPassword: 'a brand new password' },
        victim.userToken,
      );
      expect(changed.status).toBe(200);
      expect(changed.body.endedSessions).toBeGreaterThanOrEqual(3);
      expect(code(await run.api.get('/v1/me', intruder.accessToken))).toBe('session_revoked');
      expect(code(await run.api.post('/v1/auth/refresh', { refreshToken: device(victim, 1).refreshToken }))).toBe('session_revoked');
      expect(code(await run.api.post('/v1/auth/login', { username: victim.username, password: 'correct horse battery staple' }))).toBe('bad_credentials');
      expect((await login(run.api, victim.username, 'a brand new password')).accessToken).toBeTruthy();
      expect((await run.api.get('/v1/auth/sessions', victim.userToken)).status).toBe(200);
      expect((await deviceSession(run.api, device(victim, 1))).deviceId).toBe(device(victim, 1).deviceId);
    });
  });
});
