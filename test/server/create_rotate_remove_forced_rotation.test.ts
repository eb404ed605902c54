/**
 * The key-version flow (docs/api.md, "Key versions") over HTTP on both databases: Alice creates a group
 * with Bob and Carol, submits version 1, rotates to 2; everyone unwraps the same key; Alice removes Carol,
 * which marks the conversation as needing rotation; Carol can fetch nothing; version 3 must wrap exactly
 * the remaining devices (a record still wrapping Carol is 422), and after it the flag is cleared.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBackends } from './helpers/backends';
import {
  appendStatement,
  buildRecord,
  createGroup,
  device,
  devicesOf,
  headOf,
  memberDevicesOf,
  newActor,
  openWrap,
  rotate,
  type Actor,
  type FetchedVersion,
} from './helpers/actors';
import { startOn, type Running } from './helpers/service';
import type { ConversationId } from '../../src/common/ids';

describeBackends('create -> rotate -> remove -> forced rotation', (backend) => {
  let run: Running;
  let alice: Actor;
  let bob: Actor;
  let carol: Actor;
  let conv: ConversationId;

  beforeAll(async () => {
    run = await startOn(backend);
    alice = await newActor(run.api, 'alice');
    bob = await newActor(run.api, 'bob', 2);
    carol = await newActor(run.api, 'carol');
    conv = await createGroup(run.api, alice, [bob, carol]);
  });
  afterAll(async () => {
    expect(run.bugs).toEqual([]);
    await run.stop();
  });

  it('creates versions 1 and 2 that every member device unwraps to the same key', async () => {
    await rotate(run.api, alice, conv, 1);
    const { key } = await rotate(run.api, bob, conv, 2, 1);
    for (const [actor, index] of [
      [alice, 0],
      [bob, 0],
      [bob, 1],
      [carol, 0],
    ] as const) {
      const d = device(actor, index);
      const latest = await run.api.get<FetchedVersion>(`/v1/conversations/${conv}/versions/latest`, d.token);
      expect(latest.status).toBe(200);
      expect(latest.body.version).toBe(2);
      expect(latest.body.wrap.deviceId).toBe(d.deviceId);
      expect(Buffer.from(await openWrap(d, conv, latest.body)).equals(Buffer.from(key))).toBe(true);
    }
  });

  it('answers 409 when the submitted version is not next', async () => {
    const d = device(alice);
    const { record } = await buildRecord(d, conv, 2, await memberDevicesOf(run.api, alice, conv), await headOf(run.api, alice, conv));
    const res = await run.api.post(`/v1/conversations/${conv}/versions`, { record }, d.token);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { code: 'version_conflict' } });
  });

  it('removing a member marks the conversation as needing rotation and cuts the member off', async () => {
    const removed = await appendStatement(run.api, alice, conv, { type: 'remove', userId: carol.userId });
    expect(removed.status).toBe(201);
    const view = await run.api.get<{ needsRotation: boolean; rotationReason: string; members: { userId: string }[] }>(
      `/v1/conversations/${conv}`,
      alice.userToken,
    );
    expect(view.body.needsRotation).toBe(true);
    expect(view.body.rotationReason).toBe('member_removed');
    expect(view.body.members.map((m) => m.userId)).not.toContain(carol.userId);
    for (const path of ['/versions/latest', '/versions/1', '/versions', '']) {
      const res = await run.api.get(`/v1/conversations/${conv}${path}`, path === '' ? carol.userToken : device(carol).token);
      expect(res.status, path).toBe(403);
    }
    const list = await run.api.get<{ conversations: unknown[] }>('/v1/conversations', carol.userToken);
    expect(list.body.conversations).toEqual([]);
  });

  it('refuses a forced rotation that still wraps to the removed member (422), accepts the exact set', async () => {
    const d = device(alice);
    const head = await headOf(run.api, alice, conv);
    const stale = [...(await memberDevicesOf(run.api, alice, conv)), ...(await devicesOf(run.api, alice.userToken, carol.userId))];
    const { record: overComplete } = await buildRecord(d, conv, 3, stale, head);
    const res = await run.api.post(`/v1/conversations/${conv}/versions`, { record: overComplete }, d.token);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ error: { code: 'member_devices_mismatch' } });

    const bobDevices = await devicesOf(run.api, alice.userToken, bob.userId);
    const { record: incomplete } = await buildRecord(d, conv, 3, [...(await devicesOf(run.api, alice.userToken, alice.userId)), bobDevices[0]!], head);
    expect((await run.api.post(`/v1/conversations/${conv}/versions`, { record: incomplete }, d.token)).status).toBe(422);

    const { key } = await rotate(run.api, alice, conv, 3);
    const view = await run.api.get<{ needsRotation: boolean; currentVersion: number }>(`/v1/conversations/${conv}`, alice.userToken);
    expect(view.body).toMatchObject({ needsRotation: false, currentVersion: 3 });
    const bobLatest = await run.api.get<FetchedVersion>(`/v1/conversations/${conv}/versions/latest`, device(bob, 1).token);
    expect(Buffer.from(await openWrap(device(bob, 1), conv, bobLatest.body)).equals(Buffer.from(key))).toBe(true);
    expect((await run.api.get(`/v1/conversations/${conv}/versions/3`, device(carol).token)).status).toBe(403);
  });

  it('lists every entitled version, paged, each with only the caller device wrap', async () => {
    const d = device(bob);
    const first = await run.api.get<{ versions: FetchedVersion[]; nextAfter: number | null }>(`/v1/conversations/${conv}/versions?limit=2`, d.token);
    expect(first.status).toBe(200);
    expect(first.body.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(first.body.nextAfter).toBe(2);
    const second = await run.api.get<{ versions: FetchedVersion[]; nextAfter: number | null }>(`/v1/conversations/${conv}/versions?after=2&limit=2`, d.token);
    expect(second.body.versions.map((v) => v.version)).toEqual([3]);
    expect(second.body.nextAfter).toBeNull();
    for (const v of [...first.body.versions, ...second.body.versions]) {
      expect(v.wrap.deviceId).toBe(d.deviceId);
      expect(JSON.stringify(v)).not.toContain('"wraps"');
    }
  });
});
