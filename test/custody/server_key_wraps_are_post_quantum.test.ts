/**
 * Post-quantum server-made wraps (server-trusted custody, docs/protocol.md §19.4, §5.1), on SQLite and
 * PostgreSQL: the key service seals each fetch of a server-made version with HPKE X-Wing to a device whose
 * certificate has an X-Wing key, and with X25519 to a device set up before X-Wing; both open to the same
 * KMS data key. The attack: a key service (or anyone between it and the device) answering an X-Wing device
 * with an X25519 server wrap of the right key — the post-quantum half left out, so a recording of it falls
 * to a future quantum computer — is refused by the device with `suite_downgrade`, before anything is
 * opened; the device takes no key.
 */
import { afterEach, expect, it } from 'vitest';
import type { Custody } from '../../src/client/custody';
import type { KeyServiceApi } from '../../src/client/keyServiceApi';
import { serverKeySource } from '../../src/client/serverKeys';
import { XWING_CIPHERTEXT_LENGTH } from '../../src/common/crypto/xwing';
import { fromBase64Url, toBase64Url } from '../../src/common/encoding/base64url';
import type { ConversationId, DeviceId } from '../../src/common/ids';
import { signDeviceCertificate } from '../../src/common/protocol/deviceCertificate';
import type { KeyWrap } from '../../src/common/protocol/keyWrap';
import { openServerKeyWrap, sealServerKeyWrap } from '../../src/common/protocol/serverKeyWrap';
import { apiOf, cleanup, PASSWORD, provider, reads, say, signedInOf } from '../client/harness';
import { describeBackends } from '../server/helpers/backends';
import { Api } from '../server/helpers/client';
import { deviceSession } from '../server/helpers/actors';
import { codeOf, userIdOf, worldOn } from '../recovery/helpers';
import { custodyAdmin, pinnedClient } from './helpers';

afterEach(cleanup);

describeBackends('server-made wraps are post-quantum', (backend) => {
  it(
    'X-Wing to an X-Wing device, X25519 to an older one, the same key; an X25519 wrap to the X-Wing device is suite_downgrade',
    { timeout: 120_000 },
    async () => {
      const world = await worldOn(backend);
      const alice = await pinnedClient(world, 'alice', 'server-trusted');
      const bob = await pinnedClient(world, 'bob', 'server-trusted');
      const id = (await alice.createConversation({ kind: 'group', name: 'pq', members: [userIdOf(bob)] })).conversationId;
      await custodyAdmin(world, 'cli:it-one')('server-trusted', '--reason', 'pq test');
      expect(await alice.custody()).toMatchObject({ mode: 'server-trusted' });
      await say(alice, id, 'under a server-made key');
      await reads(bob, id, ['under a server-made key']);

      // Bob's device (made by this version) has an X-Wing key: his server wrap is X-Wing, and opens with it.
      const bobIdentity = signedInOf(bob).identity;
      const served = await apiOf(bob).request('getServerKey', { params: { conversationId: id, version: 2 } });
      expect([served.wrap.suite, fromBase64Url(served.wrap.enc).length]).toEqual(['xwing', XWING_CIPHERTEXT_LENGTH]);
      const bobKey = await openServerKeyWrap(provider, {
        conversationId: id,
        version: 2,
        wrap: served.wrap,
        deviceId: bobIdentity.deviceId as DeviceId,
        privateKey: bobIdentity.device.x25519.privateKey,
        xwingPrivateKey: bobIdentity.device.xwing!.privateKey,
      });
      expect(Buffer.from(bobKey).equals(Buffer.from(signedInOf(bob).ring.held(id, 2)!))).toBe(true);

      // An older device of Bob's (a certificate with an X25519 key only) still gets the key, as X25519.
      const api = new Api(world.keyService.url);
      const login = await api.post<{ accessToken: string }>('/v1/auth/login', { username: bob.session().username, password: PASSWORD });
      const old = { x25519: await provider.x25519GenerateKeyPair(), ed25519: await provider.ed25519GenerateKeyPair() };
      const oldId = toBase64Url(provider.randomBytes(16)) as DeviceId;
      const certificate = await signDeviceCertificate(
        provider,
        {
          v: 1,
          userId: userIdOf(bob) as never,
          deviceId: oldId,
          deviceName: "bob's old laptop",
          platform: 'desktop',
          x25519: toBase64Url(old.x25519.publicKey),
          ed25519: toBase64Url(old.ed25519.publicKey),
          createdAt: Date.now(),
          accountKey: toBase64Url(bobIdentity.account.publicKey),
        },
        bobIdentity.account.privateKey,
      );
      expect((await api.post('/v1/devices', { certificate }, login.body.accessToken)).status).toBe(201);
      const oldSession = await deviceSession(api, { deviceId: oldId, keys: old });
      const oldServed = await api.get<{ wrap: KeyWrap }>(`/v1/conversations/${id}/server-keys/2`, oldSession.accessToken);
      expect(oldServed.status).toBe(200);
      expect(['suite' in oldServed.body.wrap, fromBase64Url(oldServed.body.wrap.enc).length]).toEqual([false, 32]);
      const oldKey = await openServerKeyWrap(provider, {
        conversationId: id,
        version: 2,
        wrap: oldServed.body.wrap,
        deviceId: oldId,
        privateKey: old.x25519.privateKey,
      });
      expect(Buffer.from(oldKey).equals(Buffer.from(bobKey))).toBe(true);
      // Bob's X-Wing wrap is nothing to the older device: it cannot open X-Wing (`unsupported_suite`).
      expect(
        await codeOf(openServerKeyWrap(provider, { conversationId: id, version: 2, wrap: served.wrap, deviceId: oldId, privateKey: old.x25519.privateKey })),
      ).toBe('unsupported_suite');

      // The attack: the same answer, but the wrap sealed with X25519 to Bob's X25519 key (the right key!).
      const downgraded = await sealServerKeyWrap(provider, {
        conversationId: id,
        version: 2,
        recipientDeviceId: bobIdentity.deviceId as DeviceId,
        recipientPublicKey: bobIdentity.device.x25519.publicKey,
        key: bobKey,
      });
      const lyingApi = {
        request: async () => ({ ...served, wrap: downgraded }),
      } as unknown as KeyServiceApi;
      const accepting = { assertServerKeysAccepted: () => undefined } as unknown as Custody;
      const bobDevice = {
        deviceId: bobIdentity.deviceId as DeviceId,
        x25519PrivateKey: bobIdentity.device.x25519.privateKey,
        x25519PublicKey: bobIdentity.device.x25519.publicKey,
        xwingPrivateKey: bobIdentity.device.xwing!.privateKey,
      };
      const source = serverKeySource(lyingApi, provider, bobDevice, () => accepting);
      expect(await codeOf(source(id as ConversationId, 2))).toBe('suite_downgrade');
      // The genuine answer through the same path opens.
      const honest = serverKeySource({ request: async () => served } as unknown as KeyServiceApi, provider, bobDevice, () => accepting);
      expect(Buffer.from((await honest(id as ConversationId, 2)).key).equals(Buffer.from(bobKey))).toBe(true);
    },
  );
});
