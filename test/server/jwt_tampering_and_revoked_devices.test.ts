/**
 * Access-token tampering (alg none, wrong key, expired; docs/api.md, "Conventions") and revoked devices,
 * on both databases: every forged or stale token is 401, and a revoked device's token stops working at
 * its next request while the user's other devices keep working.
 */
import { SignJWT } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBackends } from './helpers/backends';
import { createGroup, device, deviceSession, newActor, revokeDevice, rotate, type Actor } from './helpers/actors';
import { startOn, TEST_JWT_SECRET, type Running } from './helpers/service';
import type { ConversationId } from '../../src/common/ids';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
}

async function sign(claims: Record<string, unknown>, secret: string, alg = 'HS256', exp: number | string = '5m') {
  return new SignJWT(claims)
    .setProtectedHeader({ alg })
    .setIssuer('seed-keyservice')
    .setAudience('seed-keyservice')
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(secret));
}

describeBackends('JWT tampering and revoked devices', (backend) => {
  let run: Running;
  let alice: Actor;
  let bob: Actor;
  let conv: ConversationId;

  beforeAll(async () => {
    run = await startOn(backend);
    alice = await newActor(run.api, 'alice', 2);
    bob = await newActor(run.api, 'bob');
    conv = await createGroup(run.api, alice, [bob]);
    await rotate(run.api, alice, conv, 1);
  });
  afterAll(async () => {
    expect(run.bugs).toEqual([]);
    await run.stop();
  });

  const expect401 = async (token: string) => {
    const res = await run.api.get(`/v1/conversations/${conv}/versions/latest`, token);
    expect(res.status).toBe(401);
  };

  it('accepts the genuine token (control)', async () => {
    expect((await run.api.get(`/v1/conversations/${conv}/versions/latest`, device(alice).token)).status).toBe(200);
  });

  it('refuses alg none', async () => {
    const claims = claimsOf(device(alice).token);
    await expect401(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`);
    await expect401(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}`);
  });

  it('refuses a token signed with another key, or with another algorithm', async () => {
    const claims = claimsOf(device(alice).token);
    delete claims.exp;
    delete claims.iat;
    await expect401(await sign(claims, 'some-other-secret-of-enough-length-xx'));
    await expect401(await sign(claims, TEST_JWT_SECRET, 'HS512'));
  });

  it('refuses an expired token', async () => {
    const claims = claimsOf(device(alice).token);
    delete claims.exp;
    delete claims.iat;
    await expect401(await sign(claims, TEST_JWT_SECRET, 'HS256', Math.floor(Date.now() / 1000) - 60));
  });

  it('refuses a payload edited after signing', async () => {
    const [h, , s] = device(bob).token.split('.');
    const claims = { ...claimsOf(device(bob).token), sub: alice.userId };
    await expect401(`${h}.${b64(claims)}.${s}`);
  });

  it('refuses a correctly signed token naming a device that is not its session', async () => {
    const claims: Record<string, unknown> = { ...claimsOf(device(alice).token), did: device(alice, 1).deviceId };
    delete claims.exp;
    delete claims.iat;
    await expect401(await sign(claims, TEST_JWT_SECRET));
  });

  it('refuses malformed Authorization headers', async () => {
    for (const header of ['Basic abc', 'Bearer', 'Bearer a b', `bearer ${device(alice).token}`]) {
      const res = await run.api.call('GET', '/v1/me', { headers: { authorization: header } });
      expect(res.status, header).toBe(401);
    }
  });

  it('a revoked device is cut off at once; the other device and the user keep working', async () => {
    const revoked = device(alice, 1);
    const res = await revokeDevice(run.api, alice, revoked.deviceId);
    expect(res.status).toBe(204);
    const after = await run.api.get(`/v1/conversations/${conv}/versions/latest`, revoked.token);
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ error: { code: 'device_revoked' } });
    const refreshed = await run.api.post('/v1/auth/refresh', { refreshToken: revoked.refreshToken });
    expect(refreshed.status).toBe(401);
    expect(refreshed.body, 'the device learns why, so it can forget its keys').toMatchObject({ error: { code: 'device_revoked' } });
    const relogin = await run.api.post('/v1/auth/login', { username: alice.username, password: 'correct horse battery staple', deviceId: revoked.deviceId });
    expect(relogin.status).toBe(400);
    expect(relogin.body).toMatchObject({ error: { code: 'device_proof_required' } });
    const proven = await run.api.post('/v1/auth/challenge', undefined);
    expect(proven.status).toBe(201);
    expect((await run.api.get(`/v1/conversations/${conv}/versions/latest`, device(alice).token)).status).toBe(200);
    const devices = await run.api.get<{ devices: { deviceId: string }[] }>(`/v1/users/${alice.userId}/devices`, bob.userToken);
    expect(devices.body.devices.map((d) => d.deviceId)).toEqual([device(alice).deviceId]);
    const view = await run.api.get<{ needsRotation: boolean; rotationReason: string }>(`/v1/conversations/${conv}`, bob.userToken);
    expect(view.body).toMatchObject({ needsRotation: true, rotationReason: 'device_revoked' });
  });

  it('a device session (signed challenge) gives a token that names the device', async () => {
    const s = await deviceSession(run.api, device(alice));
    expect(claimsOf(s.accessToken).did).toBe(device(alice).deviceId);
    expect((await run.api.get(`/v1/conversations/${conv}/versions/latest`, s.accessToken)).status).toBe(200);
  });
});
