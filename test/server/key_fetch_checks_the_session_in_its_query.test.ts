/**
 * The hot key fetches (`GET …/versions/latest` and `…/versions/:version`) read the caller's session and
 * device in the same query as the wrap (one round trip; docs/benchmarks.md, "Performance work after the
 * third report"). Their refusals must be exactly the authenticator's, on both databases, and immediate —
 * nothing about a session is cached: a logged-out session, a revoked device, a token naming another device
 * of the session, a session that never existed and a device-less token are all refused at the very next
 * fetch, while a live device keeps fetching. The answer itself is the same view the paged listing gives.
 */
import { SignJWT } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ConversationId } from '../../src/common/ids';
import { describeBackends } from './helpers/backends';
import { createGroup, device, deviceSession, newActor, revokeDevice, rotate, type Actor } from './helpers/actors';
import { startOn, TEST_JWT_SECRET, type Running } from './helpers/service';

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
}

async function forge(claims: Record<string, unknown>): Promise<string> {
  const { exp: _exp, iat: _iat, ...rest } = claims;
  return new SignJWT(rest)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('seed-keyservice')
    .setAudience('seed-keyservice')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(TEST_JWT_SECRET));
}

describeBackends('key fetch checks the session in its own query', (backend) => {
  let run: Running;
  let alice: Actor;
  let bob: Actor;
  let conv: ConversationId;
  const paths = () => [`/v1/conversations/${conv}/versions/latest`, `/v1/conversations/${conv}/versions/1`];

  const codes = async (token: string) => {
    const out: [number, string | undefined][] = [];
    for (const p of paths()) {
      const res = await run.api.get<{ error?: { code: string } }>(p, token);
      out.push([res.status, res.body.error?.code]);
    }
    return out;
  };

  beforeAll(async () => {
    run = await startOn(backend);
    alice = await newActor(run.api, 'alice', 2);
    bob = await newActor(run.api, 'bob', 2);
    conv = await createGroup(run.api, alice, [bob]);
    await rotate(run.api, alice, conv, 1);
  });
  afterAll(async () => {
    expect(run.bugs).toEqual([]);
    await run.stop();
  });

  it('a live device fetches its wrap; an unknown conversation is 404, not 401', async () => {
    expect(await codes(device(bob).token)).toEqual([
      [200, undefined],
      [200, undefined],
    ]);
    const res = await run.api.get<{ error: { code: string } }>('/v1/conversations/AAAAAAAAAAAAAAAAAAAAAA/versions/latest', device(bob).token);
    expect(res.status).toBe(404);
  });

  it('answers the same version view as the paged listing (the stored record is sent as stored)', async () => {
    const one = await run.api.get<Record<string, unknown>>(`/v1/conversations/${conv}/versions/1`, device(bob).token);
    const latest = await run.api.get<Record<string, unknown>>(`/v1/conversations/${conv}/versions/latest`, device(bob).token);
    const page = await run.api.get<{ versions: Record<string, unknown>[] }>(`/v1/conversations/${conv}/versions`, device(bob).token);
    expect(one.body).toEqual(page.body.versions[0]);
    expect(latest.body).toEqual(one.body);
    expect(Object.keys(one.body)).toEqual(['conversationId', 'version', 'acceptedAt', 'record', 'wrap', 'addedByDevice', 'grants']);
  });

  it('a token without a device, or naming a device that is not its session’s, is refused', async () => {
    expect((await codes(bob.passwordToken)).map(([s, c]) => [s, c])).toEqual([
      [403, 'device_session_required'],
      [403, 'device_session_required'],
    ]);
    const other = await forge({ ...claimsOf(device(bob).token), did: device(bob, 1).deviceId });
    expect(await codes(other)).toEqual([
      [401, 'invalid_token'],
      [401, 'invalid_token'],
    ]);
    const ghost = await forge({ ...claimsOf(device(bob).token), sid: 'AAAAAAAAAAAAAAAAAAAAAA' });
    expect(await codes(ghost)).toEqual([
      [401, 'session_revoked'],
      [401, 'session_revoked'],
    ]);
  });

  it('a logged-out session is refused at its next fetch', async () => {
    const session = await deviceSession(run.api, device(bob));
    expect((await codes(session.accessToken)).map(([s]) => s)).toEqual([200, 200]);
    expect((await run.api.call('POST', '/v1/auth/logout', { token: session.accessToken })).status).toBe(204);
    expect(await codes(session.accessToken)).toEqual([
      [401, 'session_revoked'],
      [401, 'session_revoked'],
    ]);
    expect((await codes(device(bob).token)).map(([s]) => s)).toEqual([200, 200]);
  });

  it('a revoked device is refused at its next fetch; the user’s other device is not', async () => {
    const revoked = device(bob, 1);
    expect((await codes(revoked.token)).map(([s]) => s)).toEqual([200, 200]);
    expect((await revokeDevice(run.api, bob, revoked.deviceId)).status).toBe(204);
    expect(await codes(revoked.token)).toEqual([
      [401, 'device_revoked'],
      [401, 'device_revoked'],
    ]);
    expect((await codes(device(bob).token)).map(([s]) => s)).toEqual([200, 200]);
  });
});
