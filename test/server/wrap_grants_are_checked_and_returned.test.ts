/**
 * Wrap grants at the key service (docs/protocol.md §6.5): every wrap added to an existing version (adding
 * a member, POST …/wraps for a new device) carries the caller's signed grant; the service refuses a grant
 * that is missing (400), not the caller's, not for that wrap, badly signed, or for a version the caller
 * does not hold (422 bad_grant) — and stores nothing then. A fetching device gets its grant chain.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { flipB64u } from '../crypto/fixtures';
import { verifyWrapGrant } from '../../src/common/protocol/wrapGrant';
import { describeBackends } from './helpers/backends';
import {
  addDevice,
  createGroup,
  crypto,
  changeMembership,
  device,
  devicesOf,
  newActor,
  openWrap,
  rotate,
  wrapsFor,
  type Actor,
  type Device,
  type FetchedVersion,
} from './helpers/actors';
import { startOn, type Running } from './helpers/service';

describeBackends('wrap grants are checked and returned', (backend) => {
  let run: Running;
  let alice: Actor;
  let bob: Actor;

  beforeAll(async () => {
    run = await startOn(backend);
    alice = await newActor(run.api, 'alice');
    bob = await newActor(run.api, 'bob');
  });
  afterAll(async () => {
    expect(run.bugs).toEqual([]);
    await run.stop();
  });

  const certOf = async (d: Device, owner: Actor) => (await devicesOf(run.api, alice.userToken, owner.userId)).find((x) => x.deviceId === d.deviceId)!;

  it("an added member's wraps keep alice's grant; carol's linked phone gets a chain of two", async () => {
    const conv = await createGroup(run.api, alice, [bob], 'shared');
    const v1 = await rotate(run.api, alice, conv, 1);
    const carol = await newActor(run.api, 'carol');
    const wraps = await wrapsFor(conv, [{ version: 1, key: v1.key }], await devicesOf(run.api, alice.userToken, carol.userId), device(alice));
    await changeMembership(run.api, alice, conv, { type: 'add', userId: carol.userId, role: 'member' }, { wraps });
    const fetched = await run.api.get<FetchedVersion>(`/v1/conversations/${conv}/versions/1`, device(carol).token);
    expect(fetched.body.grants).toEqual([wraps[0]!.grant]);
    const aliceDevices = await run.api.get<{ devices: { certificate: unknown }[] }>(`/v1/users/${alice.userId}/devices`, alice.userToken);
    const verified = await verifyWrapGrant(crypto, fetched.body.grants[0], {
      conversationId: conv,
      version: 1,
      recipientDeviceId: device(carol).deviceId,
      granterCertificate: aliceDevices.body.devices[0]!.certificate,
      granterAccountKey: alice.account.publicKey,
    });
    expect(verified.grantedBy).toBe(device(alice).deviceId);
    expect((await run.api.get<FetchedVersion>(`/v1/conversations/${conv}/versions/1`, device(alice).token)).body.grants).toEqual([]);

    const phone = await addDevice(run.api, carol, 'phone');
    const phoneWraps = await wrapsFor(conv, [{ version: 1, key: v1.key }], [await certOf(phone, carol)], device(carol));
    expect((await run.api.post(`/v1/conversations/${conv}/wraps`, { wraps: phoneWraps }, device(carol).token)).status).toBe(201);
    const list = await run.api.get<{ versions: FetchedVersion[] }>(`/v1/conversations/${conv}/versions`, phone.token);
    expect(list.body.versions[0]!.grants.map((g) => g.grantedBy)).toEqual([device(carol).deviceId, device(alice).deviceId]);
    expect(Buffer.from(await openWrap(phone, conv, list.body.versions[0]!)).equals(Buffer.from(v1.key))).toBe(true);
  });

  it('refuses missing, foreign, mismatched, badly signed and unheld grants, storing nothing', async () => {
    const conv = await createGroup(run.api, alice, [bob], 'shared');
    const v1 = await rotate(run.api, alice, conv, 1);
    const phone = await addDevice(run.api, bob, `phone-${backend}`);
    const phoneInfo = [await certOf(phone, bob)];
    const post = (wraps: unknown, by: Device = device(bob)) =>
      run.api.post<{ error: { code: string } }>(`/v1/conversations/${conv}/wraps`, { wraps }, by.token);
    const [good] = await wrapsFor(conv, [{ version: 1, key: v1.key }], phoneInfo, device(bob));
    const [byAlice] = await wrapsFor(conv, [{ version: 1, key: v1.key }], phoneInfo, device(alice));
    const [other] = await wrapsFor(conv, [{ version: 1, key: v1.key }], phoneInfo, device(bob));
    const { grant: _dropped, ...withoutGrant } = good!;
    expect((await post([withoutGrant])).status).toBe(400);
    const refusals: [string, unknown, Device?][] = [
      ["alice's grant posted by bob", byAlice],
      ['a grant of another wrap', { ...good, grant: other!.grant }],
      ['signature flipped', { ...good, grant: { ...good!.grant, signature: flipB64u(good!.grant.signature) } }],
      ['grant for another version', { ...good, grant: { ...good!.grant, version: 2 } }],
      ['granter holds no wrap of the version', (await wrapsFor(conv, [{ version: 1, key: v1.key }], phoneInfo, phone))[0], phone],
    ];
    for (const [name, wrap, by] of refusals) {
      const res = await post([wrap], by);
      expect(res.status, name).toBe(422);
      expect(res.body.error.code, name).toBe('bad_grant');
    }
    expect((await run.api.get(`/v1/conversations/${conv}/versions/1`, phone.token)).status).toBe(404);
    expect((await post([good])).status).toBe(201);
  });
});
