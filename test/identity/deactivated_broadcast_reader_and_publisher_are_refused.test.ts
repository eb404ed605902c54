/**
 * Offboarding withdraws broadcast roles (src/server/admin/broadcastOffboarding.ts; docs/operations.md
 * "Offboarding and the admin CLI", docs/threat-model.md), on SQLite and PostgreSQL, against the real key
 * service and its default key manager. Alice's channel has a reader by grant (Bob), a publisher by grant
 * (Carol), a reader through a SCIM group the operator mapped (Dave) and a reader who stays (Erin).
 *
 * The admin deactivates Bob, Carol and Dave. Each plays the attacker with the role claim they kept (still
 * unexpired) and their own device: fetching the channel keys or the publishing key is refused
 * `subscriber_revoked`, with a sentence saying the account was deactivated; a new claim is refused. The
 * channel has rotated once per withdrawn user before the key manager answered anyone, so what Alice
 * publishes next is sealed to a version none of them holds; their signatures after the revocation are
 * not accepted (the publishers list names them); their grants are gone; each withdrawal is audited once,
 * and a repeat changes nothing. Reactivated, a person is served again only where a rule admits them (a
 * group they are still in, or a grant the owner makes again).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { device, deviceSession, newActor, type Actor } from '../server/helpers/actors';
import { describeBackends } from '../server/helpers/backends';
import { startOn, type Running } from '../server/helpers/service';
import { admin, claimOf, createListedChannel, fetchKeys, fetchPublicKey, grant, GROUP_SCHEMA, scim, SCIM_TOKEN } from './helpers/broadcastOnKeyService';

describeBackends('a deactivated broadcast reader or publisher is refused', (backend) => {
  let ks: Running;
  let alice: Actor, bob: Actor, carol: Actor, dave: Actor, erin: Actor;

  beforeAll(async () => {
    ks = await startOn(backend, { scim: { bearerToken: SCIM_TOKEN } });
    [alice, bob, carol, dave, erin] = [
      await newActor(ks.api, 'alice'),
      await newActor(ks.api, 'bob'),
      await newActor(ks.api, 'carol'),
      await newActor(ks.api, 'dave'),
      await newActor(ks.api, 'erin'),
    ];
  });
  afterAll(async () => {
    expect(ks.bugs).toEqual([]);
    await ks.stop();
  });

  it('with the claims they kept, they fetch no key and publish nothing; the channel rotated past them; grants gone; audited once', async () => {
    const channelId = await createListedChannel(ks, alice);
    await grant(ks, alice, channelId, bob.userId, 'subscriber');
    await grant(ks, alice, channelId, carol.userId, 'publisher');
    await grant(ks, alice, channelId, erin.userId, 'subscriber');
    const group = await scim(ks, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Sales', members: [{ value: dave.userId }] });
    await admin(ks, 'map-group', group.body.id as string, `subscriber:${channelId}`, '--reason', 'sales reads all hands');

    // Before: each of them is served, and keeps the (unexpired) claim it used.
    const kept = { bob: await claimOf(ks, bob), carol: await claimOf(ks, carol), dave: await claimOf(ks, dave) };
    const versionsOf = (a: { body: Record<string, unknown> }) => (a.body.keys as { version: number }[]).map((k) => k.version);
    expect(versionsOf(await fetchKeys(ks, bob, channelId, kept.bob.claim))).toEqual([1]);
    expect(versionsOf(await fetchKeys(ks, dave, channelId, kept.dave.claim))).toEqual([1]);
    expect((await fetchPublicKey(ks, carol, channelId, kept.carol.claim)).body).toMatchObject({ version: 1 });

    for (const who of [bob, carol, dave]) await admin(ks, 'deactivate', who.username, '--reason', 'left the company');

    // The attacks: the kept claims verify (signature, audience, expiry) but the key manager refuses the subjects.
    for (const [who, claim] of [
      [bob, kept.bob.claim],
      [dave, kept.dave.claim],
    ] as const) {
      const refused = await fetchKeys(ks, who, channelId, claim);
      expect(refused).toMatchObject({ status: 403, body: { error: { code: 'subscriber_revoked' } } });
      expect(refused.body.error?.message).toContain('deactivated');
    }
    expect(await fetchPublicKey(ks, carol, channelId, kept.carol.claim)).toMatchObject({ status: 403, body: { error: { code: 'subscriber_revoked' } } });
    // No new claim: the sessions ended with the deactivation.
    expect((await claimOf(ks, bob)).status).toBe(401);

    // The channel rotated once per withdrawn user before anyone was answered: Alice publishes to a version none of them holds.
    const info = await ks.api.get<{ currentVersion: number }>(`/km/v1/channels/${channelId}`);
    expect(info.body.currentVersion).toBe(4);
    expect((await fetchPublicKey(ks, alice, channelId)).body).toMatchObject({ version: 4 });
    expect(versionsOf(await fetchKeys(ks, erin, channelId))).toEqual([1, 2, 3, 4]);
    const publishers = await ks.api.get<{ revoked: { userId: string }[] }>(`/km/v1/channels/${channelId}/publishers`);
    expect(publishers.body.revoked.map((r) => r.userId).sort()).toEqual([bob.userId, carol.userId, dave.userId].sort());

    // Their grants are gone; the withdrawal is audited once each, and nothing rotates again.
    const withdraw = await ks.api.call('DELETE', `/v1/broadcast/channels/${channelId}/grants/${bob.userId}/subscriber`, { token: alice.userToken });
    expect(withdraw.status).toBe(404);
    expect(versionsOf(await fetchKeys(ks, erin, channelId))).toEqual([1, 2, 3, 4]);
    const audit = (await admin(ks, 'audit', '--limit', '100')) as {
      audit: { action: string; actor: string; target: string; detail: { channelsRotated: unknown[] } }[];
    };
    const withdrawals = audit.audit.filter((a) => a.action === 'user.broadcast_withdraw');
    expect(withdrawals.map((a) => a.target).sort()).toEqual([bob.userId, carol.userId, dave.userId].sort());
    for (const w of withdrawals) expect([w.actor, w.detail.channelsRotated.length]).toEqual(['key-service', 1]);

    // Reactivated, Bob and Dave are served again where a rule admits them: Dave through the group he is
    // still in, Bob only once Alice grants him again (his grant stays withdrawn). Carol stays refused.
    for (const who of [bob, dave]) {
      await admin(ks, 'reactivate', who.username, '--reason', 'came back');
      device(who).token = (await deviceSession(ks.api, device(who))).accessToken;
    }
    expect(versionsOf(await fetchKeys(ks, dave, channelId))).toEqual([1, 2, 3, 4]);
    expect(await fetchKeys(ks, bob, channelId)).toMatchObject({ status: 403, body: { error: { code: 'role_missing' } } });
    await grant(ks, alice, channelId, bob.userId, 'subscriber');
    expect(versionsOf(await fetchKeys(ks, bob, channelId))).toEqual([1, 2, 3, 4]);
    expect(await fetchPublicKey(ks, carol, channelId, kept.carol.claim)).toMatchObject({ status: 403, body: { error: { code: 'subscriber_revoked' } } });
    const later = (await admin(ks, 'audit', '--limit', '100')) as { audit: { action: string; target: string; detail: { channelsRestored: string[] } }[] };
    const restores = later.audit.filter((a) => a.action === 'user.broadcast_restore');
    expect(restores.map((a) => [a.target, a.detail.channelsRestored]).sort()).toEqual(
      [
        [bob.userId, [channelId]],
        [dave.userId, [channelId]],
      ].sort(),
    );
  });
});
