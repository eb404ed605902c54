/**
 * The authorization matrix (every route of docs/api.md x anonymous / non-member / member / a member's
 * password-only session / removed member / admin / other device of the same user / revoked device), on both
 * databases. A password-only session reaches only what signing in and enrolling a device need (docs/api.md
 * "Sessions"): every other route answers it 403 `device_session_required`. Each row sends a request that
 * is harmless once authorized (a stale version, an existing member, the same name) so the status shows
 * exactly how far authorization let it through; every 200 from a key endpoint must carry only the caller's
 * own device's wrap.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBackends } from './helpers/backends';
import {
  buildRecord,
  changeMembership,
  createGroup,
  crypto,
  device,
  devicesOf,
  headOf,
  memberDevicesOf,
  newActor,
  revocationOf,
  revokeDevice,
  rotate,
  wrapsFor,
  type Actor,
  type Device,
} from './helpers/actors';
import { startOn, type Running } from './helpers/service';
import type { ConversationId } from '../../src/common/ids';
import { signMembershipStatement, type MembershipChange } from '../../src/common/protocol/membershipStatement';

type Who = 'anonymous' | 'nonMember' | 'member' | 'memberPassword' | 'removedMember' | 'admin' | 'owner' | 'otherDeviceOfOwner' | 'revokedDevice';
const WHO: readonly Who[] = ['anonymous', 'nonMember', 'member', 'memberPassword', 'removedMember', 'admin', 'owner', 'otherDeviceOfOwner', 'revokedDevice'];

interface Caller {
  readonly token?: string;
  readonly device?: Device;
  /** Whose account the caller acts for (signs revocation and membership statements). */
  readonly actor?: Actor;
}

interface Row {
  readonly name: string;
  readonly method: string;
  readonly path: () => string;
  readonly body?: (caller: Caller) => Promise<unknown> | unknown;
  readonly expect: Partial<Record<Who, number>>;
}

describeBackends('authorization matrix', (backend) => {
  let run: Running;
  let owner: Actor;
  let admin: Actor;
  let member: Actor;
  let removed: Actor;
  let outsider: Actor;
  let stranger: Actor;
  let conv: ConversationId;
  let versionKey: Uint8Array;
  const callers = {} as Record<Who, Caller>;

  beforeAll(async () => {
    run = await startOn(backend);
    owner = await newActor(run.api, 'owner', 3);
    admin = await newActor(run.api, 'admin');
    member = await newActor(run.api, 'member');
    removed = await newActor(run.api, 'removed');
    outsider = await newActor(run.api, 'outsider');
    stranger = await newActor(run.api, 'stranger');
    conv = await createGroup(run.api, owner, [admin, member, removed]);
    await changeMembership(run.api, owner, conv, { type: 'role', userId: admin.userId, role: 'admin' });
    expect((await revokeDevice(run.api, owner, device(owner, 2).deviceId)).status).toBe(204);
    versionKey = (await rotate(run.api, owner, conv, 1)).key;
    await changeMembership(run.api, owner, conv, { type: 'remove', userId: removed.userId });
    await rotate(run.api, owner, conv, 2);
    Object.assign(callers, {
      anonymous: {},
      nonMember: { token: device(outsider).token, device: device(outsider), actor: outsider },
      member: { token: device(member).token, device: device(member), actor: member },
      memberPassword: { token: member.passwordToken, actor: member },
      removedMember: { token: device(removed).token, device: device(removed), actor: removed },
      admin: { token: device(admin).token, device: device(admin), actor: admin },
      owner: { token: device(owner).token, device: device(owner), actor: owner },
      otherDeviceOfOwner: { token: device(owner, 1).token, device: device(owner, 1), actor: owner },
      revokedDevice: { token: device(owner, 2).token, device: device(owner, 2), actor: owner },
    } satisfies Record<Who, Caller>);
  });
  afterAll(async () => {
    expect(run.bugs).toEqual([]);
    await run.stop();
  });

  /** A device route: `status` for live device sessions, 403 for a password-only session, 401 without a live one. */
  const all = (status: number, overrides: Partial<Record<Who, number>>): Partial<Record<Who, number>> => ({
    anonymous: 401,
    revokedDevice: 401,
    ...Object.fromEntries(WHO.filter((w) => w !== 'anonymous' && w !== 'revokedDevice').map((w) => [w, status])),
    memberPassword: 403,
    ...overrides,
  });
  const memberRead = (ok: number) => all(ok, { nonMember: 403, removedMember: 403 });
  const deviceRead = memberRead(200);
  /** A statement signed by the caller's device (the member's device for a caller without one) after the current head. */
  const statementBy = (change: () => MembershipChange) => async (c: Caller) => {
    const actor = c.actor ?? owner;
    const signer = c.device ?? device(actor);
    const statement = await signMembershipStatement(crypto, {
      conversationId: conv,
      after: await headOf(run.api, owner, conv),
      at: Date.now(),
      actor: actor.userId,
      actorDevice: signer.deviceId,
      change: change(),
      signingPrivateKey: signer.keys.ed25519.privateKey,
    });
    return { statement };
  };

  const rows: Row[] = [
    { name: 'GET conversation', method: 'GET', path: () => `/v1/conversations/${conv}`, expect: memberRead(200) },
    { name: 'GET my conversations', method: 'GET', path: () => '/v1/conversations', expect: all(200, {}) },
    { name: 'GET latest version', method: 'GET', path: () => `/v1/conversations/${conv}/versions/latest`, expect: deviceRead },
    { name: 'GET version 2', method: 'GET', path: () => `/v1/conversations/${conv}/versions/2`, expect: deviceRead },
    { name: 'GET version at now', method: 'GET', path: () => `/v1/conversations/${conv}/versions/at/${Date.now() + 1000}`, expect: deviceRead },
    { name: 'GET all versions', method: 'GET', path: () => `/v1/conversations/${conv}/versions`, expect: deviceRead },
    { name: 'GET membership', method: 'GET', path: () => `/v1/conversations/${conv}/membership`, expect: deviceRead },
    {
      name: 'PATCH rename',
      method: 'PATCH',
      path: () => `/v1/conversations/${conv}`,
      body: () => ({ name: 'test group' }),
      expect: all(200, { nonMember: 403, removedMember: 403, member: 403 }),
    },
    {
      name: 'POST stale version',
      method: 'POST',
      path: () => `/v1/conversations/${conv}/versions`,
      body: async (c) => {
        const d = c.device ?? device(member);
        return { record: (await buildRecord(d, conv, 2, await memberDevicesOf(run.api, owner, conv), await headOf(run.api, owner, conv))).record };
      },
      expect: all(409, { nonMember: 403, removedMember: 403 }),
    },
    {
      name: 'POST membership: add an existing member',
      method: 'POST',
      path: () => `/v1/conversations/${conv}/membership`,
      body: statementBy(() => ({ type: 'add', userId: member.userId, role: 'member' })),
      expect: all(422, { nonMember: 403, removedMember: 403 }),
    },
    {
      name: 'POST wraps for removed member',
      method: 'POST',
      path: () => `/v1/conversations/${conv}/wraps`,
      body: async (c) => ({
        wraps: await wrapsFor(conv, [{ version: 1, key: versionKey }], await devicesOf(run.api, owner.userToken, removed.userId), c.device ?? device(owner)),
      }),
      expect: all(422, { nonMember: 403, removedMember: 403 }),
    },
    {
      name: 'POST membership: remove a non-member',
      method: 'POST',
      path: () => `/v1/conversations/${conv}/membership`,
      body: statementBy(() => ({ type: 'remove', userId: outsider.userId })),
      expect: all(422, { nonMember: 403, removedMember: 403 }),
    },
    {
      name: 'POST membership: role (the same role again)',
      method: 'POST',
      path: () => `/v1/conversations/${conv}/membership`,
      body: statementBy(() => ({ type: 'role', userId: member.userId, role: 'member' })),
      expect: all(422, { nonMember: 403, removedMember: 403, owner: 201, otherDeviceOfOwner: 201 }),
    },
    {
      name: 'POST membership: leave (refusals only)',
      method: 'POST',
      path: () => `/v1/conversations/${conv}/membership`,
      body: statementBy(() => ({ type: 'leave' })),
      expect: { anonymous: 401, nonMember: 403, removedMember: 403, memberPassword: 403, revokedDevice: 401 },
    },
    { name: 'GET user devices', method: 'GET', path: () => `/v1/users/${member.userId}/devices`, expect: all(200, {}) },
    {
      name: 'POST directory lookup',
      method: 'POST',
      path: () => '/v1/directory/lookup',
      body: () => ({ userIds: [member.userId], deviceIds: [device(owner, 2).deviceId] }),
      expect: all(200, {}),
    },
    {
      name: 'DELETE someone else’s device (a statement of the caller’s account)',
      method: 'DELETE',
      path: () => `/v1/devices/${device(stranger).deviceId}`,
      body: async (c) => ({ revocation: await revocationOf(c.actor ?? stranger, device(stranger).deviceId) }),
      expect: all(403, { anonymous: 401 }),
    },
    {
      name: 'DELETE own other device with the stranger’s signature (refusals only)',
      method: 'DELETE',
      path: () => `/v1/devices/${device(owner, 1).deviceId}`,
      body: async () => ({ revocation: { ...(await revocationOf(stranger, device(owner, 1).deviceId)), userId: owner.userId } }),
      expect: { anonymous: 401, owner: 422, otherDeviceOfOwner: 422, memberPassword: 403, revokedDevice: 401 },
    },
    {
      name: 'GET a revocation statement (public)',
      method: 'GET',
      path: () => `/v1/devices/${device(owner, 2).deviceId}/revocation`,
      expect: all(200, { anonymous: 200, revokedDevice: 200, memberPassword: 200 }),
    },
    { name: 'POST PubNub token (PubNub not configured)', method: 'POST', path: () => '/v1/pubnub/token', expect: all(503, {}) },
    { name: 'GET me (any session)', method: 'GET', path: () => '/v1/me', expect: all(200, { memberPassword: 200 }) },
    { name: 'GET user', method: 'GET', path: () => `/v1/users/${member.userId}`, expect: all(200, {}) },
    { name: 'GET user search', method: 'GET', path: () => '/v1/users?q=member', expect: all(200, {}) },
    { name: 'GET a device', method: 'GET', path: () => `/v1/devices/${device(member).deviceId}`, expect: all(200, {}) },
    { name: 'GET sessions', method: 'GET', path: () => '/v1/auth/sessions', expect: all(200, {}) },
    { name: 'DELETE an unknown session', method: 'DELETE', path: () => '/v1/auth/sessions/AAAAAAAAAAAAAAAAAAAAAA', expect: all(404, {}) },
    {
      name: 'POST end other sessions (refusals only)',
      method: 'POST',
      path: () => '/v1/auth/sessions/end-others',
      expect: { anonymous: 401, memberPassword: 403, revokedDevice: 401 },
    },
    {
      name: 'POST change password with a wrong current one',
      method: 'POST',
      path: () => '/v1/auth/password',
      body: () => ({ currentPassword: 'not the password', newPassword: 'a new password of length' }),
      expect: all(403, {}),
    },
    { name: 'GET broadcast directory', method: 'GET', path: () => '/v1/broadcast/directory', expect: all(200, {}) },
    { name: 'POST broadcast PubNub token (none without PubNub)', method: 'POST', path: () => '/v1/broadcast/pubnub-token', expect: all(200, {}) },
  ];

  for (const row of rows) {
    it(row.name, async () => {
      const got: Partial<Record<Who, number>> = {};
      for (const who of WHO) {
        if (row.expect[who] === undefined) continue;
        const caller = callers[who];
        const body = row.body ? await row.body(caller) : undefined;
        const res = await run.api.call<{ wrap?: { deviceId: string }; versions?: { wrap: { deviceId: string } }[] }>(row.method, row.path(), {
          ...(caller.token ? { token: caller.token } : {}),
          ...(body !== undefined ? { body } : {}),
        });
        got[who] = res.status;
        if (res.status === 200 && caller.device) {
          for (const w of [res.body.wrap, ...(res.body.versions ?? []).map((v) => v.wrap)]) {
            if (w) expect(w.deviceId, `${row.name} as ${who}`).toBe(caller.device.deviceId);
          }
        }
      }
      expect(got).toEqual(row.expect);
    });
  }

  it('the removed member no longer sees the conversation in their list', async () => {
    const res = await run.api.get<{ conversations: { conversationId: string }[] }>('/v1/conversations', removed.userToken);
    expect(res.body.conversations.map((c) => c.conversationId)).not.toContain(conv);
  });
});
