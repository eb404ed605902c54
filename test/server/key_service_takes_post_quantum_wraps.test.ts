/**
 * X-Wing wraps at the key service (docs/protocol.md §5.1, docs/api.md "Conventions"): a record that mixes
 * suites is stored and each device gets back exactly its own wrap, suite included, and opens it; a
 * classical wrap to a device whose certificate has an X-Wing key is refused (422 suite_downgrade) and
 * nothing is stored; the routes that carry wraps take a 1,000 × 2 hybrid record (over the 2 MiB default)
 * while other routes keep 2 MiB, and a body over the wrap limit is still 413.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WRAP_BODY_LIMIT_BYTES } from '../../src/common/api/keyService/keyVersions';
import { toBase64Url } from '../../src/common/encoding/base64url';
import { XWING_CIPHERTEXT_LENGTH } from '../../src/common/crypto/xwing';
import { describeBackends } from './helpers/backends';
import {
  addDevice,
  buildRecord,
  createGroup,
  device,
  deviceSession,
  headOf,
  memberDevicesOf,
  newActor,
  openWrap,
  rotate,
  type Actor,
  type FetchedVersion,
} from './helpers/actors';
import { startOn, type Running } from './helpers/service';

describeBackends('the key service takes post-quantum wraps', (backend) => {
  let run: Running;
  let alice: Actor;
  let bob: Actor;

  beforeAll(async () => {
    run = await startOn(backend);
    alice = await newActor(run.api, 'alice', 0);
    await addDevice(run.api, alice, 'desktop', { hybrid: true });
    alice.userToken = (await deviceSession(run.api, device(alice))).accessToken;
    bob = await newActor(run.api, 'bob');
  });
  afterAll(async () => {
    expect(run.bugs).toEqual([]);
    await run.stop();
  });

  it('stores a mixed record and hands each device its own wrap in its suite', async () => {
    const conv = await createGroup(run.api, alice, [bob]);
    const v1 = await rotate(run.api, alice, conv, 1);
    expect(v1.record.wraps.map((w) => w.suite ?? 'x25519').sort()).toEqual(['x25519', 'xwing']);
    const mine = await run.api.get<FetchedVersion>(`/v1/conversations/${conv}/versions/1`, device(alice).token);
    expect(mine.status).toBe(200);
    expect(mine.body.wrap.suite).toBe('xwing');
    expect(Buffer.from(mine.body.wrap.enc, 'base64url')).toHaveLength(XWING_CIPHERTEXT_LENGTH);
    expect(Buffer.from(await openWrap(device(alice), conv, mine.body)).equals(Buffer.from(v1.key))).toBe(true);
    const his = await run.api.get<FetchedVersion>(`/v1/conversations/${conv}/versions/1`, device(bob).token);
    expect(his.body.wrap).not.toHaveProperty('suite');
    expect(Buffer.from(await openWrap(device(bob), conv, his.body)).equals(Buffer.from(v1.key))).toBe(true);
  });

  it('refuses a classical wrap to a device with an X-Wing key (422 suite_downgrade) and stores nothing', async () => {
    const conv = await createGroup(run.api, alice, [bob]);
    const members = await memberDevicesOf(run.api, alice, conv);
    expect(members.some((m) => m.xwing !== undefined)).toBe(true);
    const stripped = members.map((m) => ({ deviceId: m.deviceId, x25519: m.x25519 }));
    const { record } = await buildRecord(device(alice), conv, 1, stripped, await headOf(run.api, alice, conv));
    const res = await run.api.post<{ error: { code: string } }>(`/v1/conversations/${conv}/versions`, { record }, device(alice).token);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('suite_downgrade');
    const latest = await run.api.get<{ error: { code: string } }>(`/v1/conversations/${conv}/versions/latest`, device(bob).token);
    expect(latest.body.error.code).toBe('no_versions');
  });

  it('takes a 1,000 x 2 hybrid record past the 2 MiB default; 413 only over the wrap limit', async () => {
    const conv = await createGroup(run.api, alice, [bob]);
    // The shape of a rotation for 1,000 members with two X-Wing devices each (random bytes: the size is the point).
    const ids = Array.from({ length: 2000 }, (_, i) => `device-${String(i).padStart(26, '0')}-pq`).sort();
    const record = {
      v: 1,
      conversationId: conv,
      version: 1,
      createdAt: Date.now(),
      createdByDevice: ids[0],
      memberDevices: ids,
      wraps: ids.map((deviceId) => ({
        deviceId,
        suite: 'xwing',
        enc: toBase64Url(new Uint8Array(XWING_CIPHERTEXT_LENGTH).fill(7)),
        ct: toBase64Url(new Uint8Array(48)),
      })),
      signature: toBase64Url(new Uint8Array(64)),
    };
    const body = JSON.stringify({ record });
    expect(body.length).toBeGreaterThan(3 * 1024 * 1024);
    expect(body.length).toBeLessThan(WRAP_BODY_LIMIT_BYTES);
    const taken = await run.api.call('POST', `/v1/conversations/${conv}/versions`, { raw: body, token: device(alice).token });
    // Read and parsed whole, then refused for what it is (not the caller's record), not for its size.
    expect(taken.status).toBe(422);
    expect(taken.body).toMatchObject({ error: { code: 'signer_not_caller' } });
    const huge = JSON.stringify({ record: { ...record, pad: 'x'.repeat(WRAP_BODY_LIMIT_BYTES) } });
    expect((await run.api.call('POST', `/v1/conversations/${conv}/versions`, { raw: huge, token: device(alice).token })).status).toBe(413);
    const elsewhere = JSON.stringify({ name: 'x'.repeat(3 * 1024 * 1024) });
    expect((await run.api.call('PATCH', `/v1/conversations/${conv}`, { raw: elsewhere, token: device(alice).token })).status).toBe(413);
    expect((await run.api.get('/healthz')).status).toBe(200);
  });
});
