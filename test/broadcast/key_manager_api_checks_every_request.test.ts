/**
 * The key manager API (docs/broadcast.md §4, §5): who may do what (creator role to create, the descriptor's
 * rules to publish and subscribe, only the creator revokes), wraps only to the caller's own certified
 * device, bad input as typed 4xx that changes nothing, private keys sealed at rest, and the OpenAPI
 * document.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_CREATOR_ROLE, publisherRole, subscriberRole } from '../../src/common/broadcast/roles';
import { toBase64Url } from '../../src/common/encoding/base64url';
import type { ChannelId } from '../../src/common/ids';
import { unwrapChannelKey } from '../../src/common/protocol/broadcast';
import { LOCAL_KMS_FILE, LocalKms } from '../../src/server/kms';
import type { KeyWrap } from '../../src/common/protocol/keyWrap';
import { cleanup, descriptorBy, issuer, keyManager, person, post, provider, type Person } from './harness';

const CH = 'chan-api-0001';

describe('key manager API checks every request', () => {
  let km: Awaited<ReturnType<typeof keyManager>>;
  let alice: Person;
  let bob: Person;
  let eve: Person;
  const url = (p: string) => `${km.url}/v1/channels${p}`;

  beforeAll(async () => {
    const iss = await issuer();
    km = await keyManager([{ issuer: iss.url, jwksUrl: iss.jwksUrl }]);
    alice = await person('alice', iss, [CHANNEL_CREATOR_ROLE]);
    bob = await person('bob', iss, [subscriberRole(CH)]);
    eve = await person('eve', iss, []);
  });
  afterAll(cleanup);

  it('only a channel-creator whose account signed the descriptor creates a channel, once', async () => {
    const eveDescriptor = await descriptorBy(eve, km.url, CH);
    const noRole = await post(url(''), { claim: await eve.claims(km.url), descriptor: eveDescriptor });
    expect([noRole.status, noRole.body.error?.code]).toEqual([403, 'role_missing']);

    eve.roles = [CHANNEL_CREATOR_ROLE];
    const aliceDescriptor = await descriptorBy(alice, km.url, CH);
    const notHers = await post(url(''), { claim: await eve.claims(km.url), descriptor: aliceDescriptor });
    expect([notHers.status, notHers.body.error?.code]).toEqual([422, 'descriptor_not_certified']);
    eve.roles = [];

    const elsewhere = await post(url(''), { claim: await alice.claims(km.url), descriptor: await descriptorBy(alice, 'http://127.0.0.1:9', CH) });
    expect([elsewhere.status, elsewhere.body.error?.code]).toEqual([422, 'descriptor_wrong_key_manager']);
    expect((await fetch(url(`/${CH}`))).status).toBe(404);

    const created = await post(url(''), { claim: await alice.claims(km.url), descriptor: aliceDescriptor });
    expect(created.status).toBe(201);
    expect(created.body.version).toBe(1);
    const again = await post(url(''), { claim: await alice.claims(km.url), descriptor: aliceDescriptor });
    expect([again.status, again.body.error?.code]).toEqual([409, 'channel_exists']);
  });

  it('publishers need the publisher rule; subscribers the subscriber rule; the creator passes both', async () => {
    const bobAsPublisher = await post(url(`/${CH}/public-key`), { claim: await bob.claims(km.url), certificate: bob.device.certificate });
    expect([bobAsPublisher.status, bobAsPublisher.body.error?.code]).toEqual([403, 'role_missing']);
    const eveAsSubscriber = await post(url(`/${CH}/keys`), { claim: await eve.claims(km.url), certificate: eve.device.certificate });
    expect([eveAsSubscriber.status, eveAsSubscriber.body.error?.code]).toEqual([403, 'role_missing']);
    eve.roles = [publisherRole(CH)];
    const evePublishes = await post(url(`/${CH}/public-key`), { claim: await eve.claims(km.url), certificate: eve.device.certificate });
    expect(evePublishes.status).toBe(200);
    expect(evePublishes.body.version).toBe(1);
    const publishers = (await (await fetch(url(`/${CH}/publishers`))).json()) as { publishers: { deviceId: string }[] };
    expect(publishers.publishers.map((c) => c.deviceId)).toEqual([eve.device.deviceId]);
    const aliceReads = await post(url(`/${CH}/keys`), { claim: await alice.claims(km.url), certificate: alice.device.certificate });
    expect(aliceReads.status).toBe(200);
  });

  it("wraps go only to the caller's own certified device, never as raw keys, and keys are sealed at rest", async () => {
    const stolenDevice = await post(url(`/${CH}/keys`), { claim: await bob.claims(km.url), certificate: eve.device.certificate });
    expect([stolenDevice.status, stolenDevice.body.error?.code]).toEqual([422, 'certificate_refused']);

    const res = await post(url(`/${CH}/keys`), { claim: await bob.claims(km.url), certificate: bob.device.certificate });
    expect(res.status).toBe(200);
    const keys = res.body.keys as { version: number; publicKey: string; wrap: KeyWrap }[];
    expect(keys.map((k) => k.version)).toEqual([1]);
    expect(Object.keys(keys[0]!).sort()).toEqual(['publicKey', 'version', 'wrap']);
    // Bob's certificate has an X-Wing key: his wrap is X-Wing (docs/protocol.md §5.1).
    expect(keys[0]!.wrap.suite).toBe('xwing');
    const pair = await unwrapChannelKey(provider, {
      channelId: CH as ChannelId,
      keyVersion: 1,
      wrap: keys[0]!.wrap,
      deviceId: bob.device.deviceId,
      x25519PrivateKey: bob.device.keys.x25519.privateKey,
      xwingPrivateKey: bob.device.keys.xwing!.privateKey,
    });
    expect(toBase64Url(pair.publicKey)).toBe(keys[0]!.publicKey);
    const secret = Buffer.from(pair.privateKey);
    expect(JSON.stringify(res.body).includes(toBase64Url(pair.privateKey))).toBe(false);
    for (const file of readdirSync(km.dataDir)) expect(readFileSync(join(km.dataDir, file)).includes(secret)).toBe(false);
  });

  it('only the creator revokes; a revocation makes the next version and locks the user out', async () => {
    const byBob = await post(url(`/${CH}/revocations`), { claim: await bob.claims(km.url), userId: eve.user.userId });
    expect([byBob.status, byBob.body.error?.code]).toEqual([403, 'role_missing']);
    const selfRevoke = await post(url(`/${CH}/revocations`), { claim: await alice.claims(km.url), userId: alice.user.userId });
    expect(selfRevoke.status).toBe(403);
    const revoked = await post(url(`/${CH}/revocations`), { claim: await alice.claims(km.url), userId: bob.user.userId });
    expect([revoked.status, revoked.body.version]).toEqual([201, 2]);
    const twice = await post(url(`/${CH}/revocations`), { claim: await alice.claims(km.url), userId: bob.user.userId });
    expect([twice.status, twice.body.error?.code]).toEqual([403, 'subscriber_revoked']);
    const bobAfter = await post(url(`/${CH}/keys`), { claim: await bob.claims(km.url), certificate: bob.device.certificate });
    expect([bobAfter.status, bobAfter.body.error?.code]).toEqual([403, 'subscriber_revoked']);
    const info = (await (await fetch(url(`/${CH}`))).json()) as { currentVersion: number; versions: unknown[] };
    expect([info.currentVersion, info.versions.length]).toEqual([2, 2]);
  });

  it('bad input is a typed 4xx and changes nothing', async () => {
    const claim = await alice.claims(km.url);
    const cases: [string, unknown][] = [
      [url(''), {}],
      [url(''), { claim: 'x', descriptor: {} }],
      [url(`/${CH}/keys`), { claim, certificate: { v: 1 } }],
      [url(`/${CH}/revocations`), { claim, userId: '../etc' }],
      [url('/bad id!/keys'), { claim, certificate: alice.device.certificate }],
    ];
    for (const [target, body] of cases) {
      const res = await post(target, body);
      expect(res.status).toBe(400);
      expect(typeof res.body.error?.code).toBe('string');
    }
    const unknown = await post(url('/chan-unknown-1/keys'), { claim, certificate: alice.device.certificate });
    expect([unknown.status, unknown.body.error?.code]).toEqual([404, 'channel_unknown']);
    const notJson = await fetch(url(''), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(notJson.status).toBe(400);
    const info = (await (await fetch(url(`/${CH}`))).json()) as { currentVersion: number };
    expect(info.currentVersion).toBe(2);
  });

  it('publishes its OpenAPI document and who it is', async () => {
    const doc = (await (await fetch(`${km.url}/v1/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/channels',
        '/v1/channels/{channelId}',
        '/v1/channels/{channelId}/public-key',
        '/v1/channels/{channelId}/keys',
        '/v1/channels/{channelId}/revocations',
      ]),
    );
    const info = (await (await fetch(`${km.url}/v1/info`)).json()) as { audience: string; trustedIssuers: string[] };
    expect(info.audience).toBe(km.url);
    expect(info.trustedIssuers).toHaveLength(1);
  });

  it('a key manager restarted with another master key refuses to hand out keys (503), and says why', async () => {
    const trusted = JSON.parse(JSON.stringify(((await (await fetch(`${km.url}/v1/info`)).json()) as { trustedIssuers: string[] }).trustedIssuers)) as string[];
    expect(trusted).toHaveLength(1);
    await km.close();
    // Another master key, sealed by the same KMS (the key is stored only sealed: sealedMasterKey.ts).
    const sealed = await LocalKms.open(join(km.dataDir, LOCAL_KMS_FILE)).encrypt(randomBytes(32), {
      purpose: 'seed-server-secret',
      name: 'key_manager_master',
    });
    writeFileSync(join(km.dataDir, 'master.key.kms'), sealed);
    const restarted = await keyManager([{ issuer: trusted[0]!, jwksUrl: `${trusted[0]!}/.well-known/jwks.json` }], km.dataDir, km.port);
    expect(restarted.url).toBe(km.url);
    const res = await post(`${restarted.url}/v1/channels/${CH}/keys`, { claim: await alice.claims(restarted.url), certificate: alice.device.certificate });
    expect([res.status, res.body.error?.code]).toEqual([503, 'key_manager_state']);
  });
});
