/**
 * Creators and publishers are checked against the account keys the subscriber has pinned
 * (docs/broadcast.md §3, §8): an impostor holding a role claim for the chief's user id but an account
 * key of their own (a dishonest issuer or key manager can arrange that) certifies a device of "the chief"
 * with that key. The key manager accepts it — every object is self-consistent — but Bob, who has pinned
 * the chief's real key, refuses the impostor's channel descriptor (`descriptor_not_certified`) and the
 * broadcast the impostor publishes on the chief's real channel (`signer_not_certified`), while the
 * chief's own channel and post open.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBroadcastClient, type BroadcastClient } from '../../src/client/broadcast/broadcastClient';
import { CHANNEL_CREATOR_ROLE, publisherRole, subscriberRole } from '../../src/common/broadcast/roles';
import { generateAccountIdentity } from '../../src/common/protocol/identity';
import { makeDevice } from '../crypto/fixtures';
import { cleanup, clientOf, issuer, keyManager, person, pinnedKeys, provider, pubnubFor, rejection, relay, trustOf, type Person } from './harness';

describe('an impostor of the chief cannot pass as the chief', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  async function setup() {
    const iss = await issuer();
    const km = await keyManager(trustOf(iss));
    const r = await relay();
    const chief = await person('chief', iss, [CHANNEL_CREATOR_ROLE]);
    const bob = await person('bob', iss);
    // The impostor: the chief's user id, a device certified by an account key that is not the chief's.
    const fakeAccount = await generateAccountIdentity(provider);
    const fakeDevice = await makeDevice(chief.user.userId, fakeAccount, 'chief-dev-impostor');
    let roles: string[] = [CHANNEL_CREATOR_ROLE];
    const impostor = {
      setRoles: (next: string[]) => {
        roles = next;
      },
      client: createBroadcastClient({
        crypto: provider,
        device: {
          userId: chief.user.userId,
          deviceId: fakeDevice.deviceId,
          certificate: fakeDevice.certificate,
          x25519PrivateKey: fakeDevice.keys.x25519.privateKey,
          ed25519PrivateKey: fakeDevice.keys.ed25519.privateKey,
        },
        claims: (audience) => iss.issuer.issue({ userId: chief.user.userId, audience, roles, accountKey: fakeAccount.publicKey }),
        accountKeys: pinnedKeys(() => [{ userId: chief.user.userId, account: fakeAccount }]),
        pubnub: pubnubFor(r, 'impostor'),
      }) satisfies BroadcastClient,
    };
    return { km, r, chief, bob, impostor };
  }
  const bobsClient = (bob: Person) => clientOf(bob, pubnubFor(ctx.r, 'bob'));

  beforeAll(async () => {
    ctx = await setup();
  });
  afterAll(cleanup);

  it("a channel descriptor in the chief's name, certified by another key, is refused", async () => {
    const { km, impostor, bob } = ctx;
    const forged = await impostor.client.createChannel({ keyManagerUrl: km.url, name: 'From the chief executive' });
    const fromKeyManager = await rejection(bobsClient(bob).openChannel(km.url, forged.channelId));
    expect(fromKeyManager.code).toBe('descriptor_not_certified');
    const fromALink = await rejection(bobsClient(bob).channel(forged.descriptor));
    expect(fromALink.code).toBe('descriptor_not_certified');
  });

  it("a broadcast on the chief's real channel, signed by an impostor device, is refused; the chief's own opens", async () => {
    const { km, chief, bob, impostor } = ctx;
    const real = await clientOf(chief, pubnubFor(ctx.r, 'chief')).createChannel({ keyManagerUrl: km.url, name: 'Company news' });
    bob.roles = [subscriberRole(real.channelId)];
    await real.publish({ type: 'string', body: 'from the chief' });

    impostor.setRoles([publisherRole(real.channelId)]);
    const hijacked = await impostor.client.channel(real.descriptor, chief.user.account.publicKey);
    await hijacked.publish({ type: 'string', body: 'wire the money today' });

    const items = await (await bobsClient(bob).openChannel(km.url, real.channelId)).history();
    expect(items).toHaveLength(2);
    expect((await items[0]!.open()).message.body).toBe('from the chief');
    const refused = await rejection(items[1]!.open());
    expect(refused.code).toBe('signer_not_certified');
    expect(refused.message).toContain('pinned account key');
  });
});
