/**
 * The batch directory lookup (`POST /v1/directory/lookup`, docs/api.md `lookupDirectory`), on both
 * databases: one request answers what the one-at-a-time endpoints answer — profiles with identity keys, a
 * user's unrevoked devices, devices by id (revoked included) — and nothing more; unknown ids are listed;
 * the limits hold; only a live session may ask (anonymous, revoked-device and logged-out tokens get 401).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeBackends } from './helpers/backends';
import { addDevice, device, newActor, revokeDevice, type Actor } from './helpers/actors';
import { startOn, type Running } from './helpers/service';

interface Lookup {
  users: { userId: string; username: string; identityKey: string | null }[];
  devices: { deviceId: string; userId: string; revokedAt: number | null; certificate: Record<string, unknown> }[];
  unknownUserIds: string[];
  unknownDeviceIds: string[];
}

const someId = () => randomBytes(16).toString('base64url');

describeBackends('directory lookup in one request', (backend) => {
  let run: Running;
  let alice: Actor;
  let bob: Actor;
  let carol: Actor;

  const lookup = (body: unknown, token = device(carol).token) => run.api.post<Lookup>('/v1/directory/lookup', body, token);

  beforeAll(async () => {
    run = await startOn(backend);
    alice = await newActor(run.api, 'alice', 3);
    bob = await newActor(run.api, 'bob');
    carol = await newActor(run.api, 'carol');
    expect((await revokeDevice(run.api, alice, device(alice, 2).deviceId)).status).toBe(204);
  });
  afterAll(async () => {
    expect(run.bugs).toEqual([]);
    await run.stop();
  });

  describe('answers', () => {
    it('users with their unrevoked devices, exactly as the per-user endpoints list them', async () => {
      const res = await lookup({ userIds: [alice.userId, bob.userId] });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const one = async (a: Actor) => (await run.api.get<{ devices: Lookup['devices'] }>(`/v1/users/${a.userId}/devices`, device(carol).token)).body.devices;
      const byId = (ds: Lookup['devices']) => [...ds].sort((x, y) => x.deviceId.localeCompare(y.deviceId));
      expect(byId(res.body.devices)).toEqual(byId([...(await one(alice)), ...(await one(bob))]));
      expect(res.body.devices.map((d) => d.deviceId)).not.toContain(device(alice, 2).deviceId);
      const profile = async (a: Actor) => (await run.api.get<Lookup['users'][number]>(`/v1/users/${a.userId}`, device(carol).token)).body;
      expect([...res.body.users].sort((x, y) => x.userId.localeCompare(y.userId))).toEqual(
        [await profile(alice), await profile(bob)].sort((x, y) => x.userId.localeCompare(y.userId)),
      );
      expect(JSON.stringify(res.body)).not.toMatch(/password|argon2|session|token/i);
      expect(res.body.unknownUserIds).toEqual([]);
    });

    it('a device named by id even when revoked, with its user, as GET /v1/devices/:id shows it', async () => {
      const revoked = device(alice, 2).deviceId;
      const res = await lookup({ deviceIds: [revoked, device(bob).deviceId] });
      expect(res.status).toBe(200);
      const single = (await run.api.get<{ device: Lookup['devices'][number] }>(`/v1/devices/${revoked}`, device(carol).token)).body.device;
      expect(res.body.devices.find((d) => d.deviceId === revoked)).toEqual(single);
      expect(single.revokedAt).not.toBeNull();
      expect(res.body.users.map((u) => u.userId).sort()).toEqual([alice.userId, bob.userId].sort());
    });

    it('lists unknown ids, ignores repeats, and keeps up with a full conversation of ids', async () => {
      const strangers = Array.from({ length: 998 }, someId);
      const ghosts = Array.from({ length: 1_999 }, someId);
      const res = await lookup({ userIds: [bob.userId, bob.userId, ...strangers], deviceIds: [device(bob).deviceId, ...ghosts] });
      expect(res.status).toBe(200);
      expect(res.body.users.map((u) => u.userId)).toEqual([bob.userId]);
      expect(res.body.devices.map((d) => d.deviceId)).toEqual([device(bob).deviceId]);
      expect(res.body.unknownUserIds.sort()).toEqual([...strangers].sort());
      expect(res.body.unknownDeviceIds.sort()).toEqual([...ghosts].sort());
    });

    it('sees a device registered a moment ago (nothing is cached)', async () => {
      const fresh = await addDevice(run.api, bob, 'fresh');
      const res = await lookup({ userIds: [bob.userId] });
      expect(res.body.devices.map((d) => d.deviceId)).toContain(fresh.deviceId);
    });
  });

  describe('refuses', () => {
    it('callers without a live session', async () => {
      expect((await run.api.post('/v1/directory/lookup', { userIds: [bob.userId] })).status).toBe(401);
      expect((await lookup({ userIds: [bob.userId] }, device(alice, 2).token)).status).toBe(401);
      const dave = await newActor(run.api, 'dave');
      expect((await run.api.call('POST', '/v1/auth/logout', { token: device(dave).token })).status).toBe(204);
      expect((await lookup({ userIds: [bob.userId] }, device(dave).token)).status).toBe(401);
    });

    it('bodies outside the limits or the schema, with a 400 that names the problem', async () => {
      const cases: unknown[] = [
        {},
        { userIds: [], deviceIds: [] },
        { userIds: Array.from({ length: 1_001 }, someId) },
        { deviceIds: Array.from({ length: 2_001 }, someId) },
        { userIds: ['short'] },
        { userIds: [bob.userId], extra: true },
        { userIds: bob.userId },
        [],
      ];
      for (const body of cases) {
        const res = await lookup(body);
        expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
        expect((res.body as unknown as { error: { code: string } }).error.code).toBe('invalid_body');
      }
    });
  });
});
