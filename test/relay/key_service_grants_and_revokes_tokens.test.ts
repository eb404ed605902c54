/**
 * Access Manager v3 through the real SDK: the key service (SDK with the secret key) grants a token for exactly
 * some channels; a client using it via `setToken` may use those and gets 403 for everything else — missing
 * token, wrong channel, wrong permission, another uuid, expired, forged, revoked (also after a relay restart).
 * Unsigned or wrongly signed grants are refused; signed server requests need no token.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/relay/pam/token';
import { PUB, SECRET, SUB, cleanup, client, collect, failure, raw, startTestRelay, subscribeAndWait, waitFor } from './helpers';

afterEach(cleanup);

const securedRelay = (extra: { dataDir?: string; port?: number } = {}) => startTestRelay({ secretKey: SECRET, publishKey: PUB, subscribeKey: SUB, ...extra });

describe('key service grants and revokes tokens', () => {
  it('lets a token do exactly what it grants', async () => {
    const relay = await securedRelay();
    const keyService = client(relay, 'key-service', { secretKey: SECRET });
    const token = await keyService.grantToken({
      ttl: 15,
      authorized_uuid: 'alice',
      resources: { channels: { 'conv.a': { read: true, write: true }, 'conv.a-pnpres': { read: true } } },
      patterns: { channels: { '^bcast\\..*$': { read: true } } },
    });
    const parsed = keyService.parseToken(token);
    expect(parsed?.authorized_uuid).toBe('alice');
    expect(parsed?.resources?.channels?.['conv.a']).toMatchObject({ read: true, write: true, delete: false });
    expect(parsed?.patterns?.channels?.['^bcast\\..*$']).toMatchObject({ read: true, write: false });

    const alice = client(relay, 'alice');
    alice.setToken(token);
    const seen = collect(alice);
    await subscribeAndWait(alice, seen, { channels: ['conv.a'], withPresence: true });
    const sent = await alice.publish({ channel: 'conv.a', message: 'allowed' });
    await waitFor('own message', () => seen.messages.length === 1);
    expect(seen.messages[0]?.timetoken).toBe(sent.timetoken);
    expect((await alice.fetchMessages({ channels: ['conv.a'] })).channels['conv.a']).toHaveLength(1);
    expect(await alice.fetchMessages({ channels: ['bcast.news'] })).toEqual({ channels: {} });

    const wrongChannel = await failure(alice.publish({ channel: 'conv.b', message: 'nope' }));
    expect(wrongChannel).toMatchObject({ statusCode: 403, category: 'PNAccessDeniedCategory' });
    expect(wrongChannel.errorData).toMatchObject({ payload: { channels: ['conv.b'] } });
    expect((await failure(alice.publish({ channel: 'bcast.news', message: 'read only' }))).statusCode).toBe(403);
    expect((await failure(alice.deleteMessages({ channel: 'conv.a' }))).statusCode).toBe(403);

    const outsider = client(relay, 'alice');
    outsider.setToken(token);
    const outsiderSeen = collect(outsider);
    outsider.subscribe({ channels: ['conv.b'] });
    await waitFor('handshake refused', () =>
      outsiderSeen.statuses.some((s) => s.category === 'PNConnectionErrorCategory' && String(s.error) === 'PNAccessDeniedCategory'),
    );

    const mallory = client(relay, 'mallory');
    expect((await failure(mallory.publish({ channel: 'conv.a', message: 'no token' }))).statusCode).toBe(403);
    mallory.setToken(token);
    expect((await failure(mallory.publish({ channel: 'conv.a', message: 'stolen token' }))).statusCode).toBe(403);

    const inbox = await keyService.publish({ channel: 'inbox.alice', message: { kind: 'added' } });
    expect(inbox.timetoken).toMatch(/^\d{17}$/);
    expect((await raw(relay, '/time/0')).status).toBe(200);
  });

  it('refuses expired, forged and revoked tokens, and unsigned grants; a revocation survives a restart', async () => {
    const relay = await securedRelay();
    const keyService = client(relay, 'key-service', { secretKey: SECRET });
    const alice = client(relay, 'alice');
    const grant = { ttl: 60, resources: { channels: { 'conv.a': { read: true, write: true } } } };
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      v: 2 as const,
      ttl: 60,
      res: { chan: { 'conv.a': 3 }, grp: {}, uuid: {}, usr: {}, spc: {} },
      pat: { chan: {}, grp: {}, uuid: {}, usr: {}, spc: {} },
      meta: {},
    };

    alice.setToken(mintToken(SECRET, { ...claims, t: now - 2 * 3600 }));
    const expired = await failure(alice.publish({ channel: 'conv.a', message: 'late' }));
    expect(expired.statusCode).toBe(403);
    expect(expired.errorData).toMatchObject({ message: 'Token is expired' });

    alice.setToken(mintToken('some-other-secret', { ...claims, t: now }));
    expect(await failure(alice.publish({ channel: 'conv.a', message: 'forged' }))).toMatchObject({ statusCode: 403 });

    const token = await keyService.grantToken(grant);
    alice.setToken(token);
    await alice.publish({ channel: 'conv.a', message: 'before revoke' });
    await keyService.revokeToken(token);
    const revoked = await failure(alice.publish({ channel: 'conv.a', message: 'after revoke' }));
    expect(revoked.statusCode).toBe(403);
    expect(revoked.errorData).toMatchObject({ message: 'Token is revoked' });

    const wireGrant = { ttl: 60, permissions: { resources: { channels: { 'conv.a': 3 } } } };
    const unsigned = await raw(relay, `/v3/pam/${SUB}/grant?uuid=alice`, { method: 'POST', body: JSON.stringify(wireGrant) });
    expect(unsigned.status).toBe(403);
    const impostor = client(relay, 'impostor', { secretKey: 'wrong-secret' });
    expect((await failure(impostor.grantToken(grant))).statusCode).toBe(403);

    const legacy = client(relay, 'alice', { enableEventEngine: false });
    legacy.setToken(token);
    const seen = collect(legacy);
    legacy.subscribe({ channels: ['conv.a'] });
    await waitFor('access denied status', () => seen.statuses.some((s) => s.category === 'PNAccessDeniedCategory'));

    await relay.close();
    const again = await securedRelay({ dataDir: relay.dataDir, port: relay.port });
    const afterRestart = client(again, 'alice');
    afterRestart.setToken(token);
    expect((await failure(afterRestart.publish({ channel: 'conv.a', message: 'still revoked' }))).statusCode).toBe(403);
  });
});
