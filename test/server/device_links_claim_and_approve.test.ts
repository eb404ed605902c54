/**
 * Device-link endpoints on both databases: a device-less session opens a link; only a registered device
 * of the same user can claim it (a stranger's claim is "not found"), only once; only the claimer can
 * approve; the new device then sees the sealed payload; bad input is a 400 and changes nothing. Plus GET /v1/devices/{id} returns a revoked device's certificate.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { toBase64Url } from '../../src/common/encoding/base64url';
import { addDevice, device, login, newActor, revokeDevice } from './helpers/actors';
import { describeBackends } from './helpers/backends';
import { startOn, type Running } from './helpers/service';

const b64 = (n: number) => toBase64Url(randomBytes(n));

describeBackends('device links claim and approve', (backend) => {
  let svc: Running;
  beforeAll(async () => {
    svc = await startOn(backend);
  });
  afterAll(async () => {
    expect(svc.bugs).toEqual([]);
    await svc.stop();
  });

  it('opens, claims once, approves by the claimer only, and hands the payload to the new device', async () => {
    const alice = await newActor(svc.api, 'alice', 2);
    const mallory = await newActor(svc.api, 'mallory');
    const session = await login(svc.api, alice.username);
    const newDevice = { deviceId: b64(16), deviceName: 'laptop', platform: 'desktop', x25519: b64(32), ed25519: b64(32) };
    const opened = await svc.api.post<{ linkId: string; code: string; state: string }>('/v1/device-links', newDevice, session.accessToken);
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    expect(opened.body.state).toBe('waiting');
    expect(opened.body.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/);

    expect((await svc.api.post('/v1/device-links', newDevice, device(alice).token)).status).toBe(409);
    expect((await svc.api.post('/v1/device-links/claim', { code: opened.body.code }, session.accessToken)).status).toBe(403);
    expect((await svc.api.post<{ error: { code: string } }>('/v1/device-links/claim', { code: opened.body.code }, device(mallory).token)).body.error.code).toBe(
      'link_not_found',
    );
    expect((await svc.api.post('/v1/device-links/claim', { code: 'nope' }, device(alice).token)).status).toBe(400);

    const claimed = await svc.api.post<{ state: string; newDevice: unknown; approver: { deviceId: string } }>(
      '/v1/device-links/claim',
      { code: opened.body.code.toLowerCase() },
      device(alice, 0).token,
    );
    expect(claimed.status).toBe(200);
    expect(claimed.body).toMatchObject({ state: 'claimed', newDevice, approver: { deviceId: device(alice, 0).deviceId } });
    expect((await svc.api.post('/v1/device-links/claim', { code: opened.body.code }, device(alice, 1).token)).status).toBe(409);

    const payload = { enc: b64(32), ct: b64(80) };
    expect((await svc.api.post(`/v1/device-links/${opened.body.linkId}/approve`, { payload }, device(alice, 1).token)).status).toBe(403);
    expect((await svc.api.post(`/v1/device-links/${opened.body.linkId}/approve`, { payload: { enc: 'x' } }, device(alice, 0).token)).status).toBe(400);
    expect((await svc.api.get<{ state: string }>(`/v1/device-links/${opened.body.linkId}`, session.accessToken)).body.state).toBe('claimed');
    expect((await svc.api.post(`/v1/device-links/${opened.body.linkId}/approve`, { payload }, device(alice, 0).token)).status).toBe(204);
    expect((await svc.api.post(`/v1/device-links/${opened.body.linkId}/approve`, { payload }, device(alice, 0).token)).status).toBe(409);

    const seen = await svc.api.get<{ state: string; payload: unknown; approver: { certificate: { deviceId: string } } }>(
      `/v1/device-links/${opened.body.linkId}`,
      session.accessToken,
    );
    expect(seen.body).toMatchObject({ state: 'approved', payload, approver: { certificate: { deviceId: device(alice, 0).deviceId } } });
    expect((await svc.api.get(`/v1/device-links/${opened.body.linkId}`, mallory.userToken)).status).toBe(404);
  });

  it('serves any device certificate by id, revoked ones included', async () => {
    const bob = await newActor(svc.api, 'bob');
    const extra = await addDevice(svc.api, bob);
    expect((await revokeDevice(svc.api, bob, extra.deviceId, device(bob).token)).status).toBe(204);
    const got = await svc.api.get<{ device: { deviceId: string; revokedAt: number | null; certificate: { deviceId: string } } }>(
      `/v1/devices/${extra.deviceId}`,
      device(bob).token,
    );
    expect(got.status).toBe(200);
    expect(got.body.device).toMatchObject({ deviceId: extra.deviceId, certificate: { deviceId: extra.deviceId } });
    expect(got.body.device.revokedAt).not.toBeNull();
    expect((await svc.api.get(`/v1/devices/${b64(16)}`, device(bob).token)).status).toBe(404);
  });
});
