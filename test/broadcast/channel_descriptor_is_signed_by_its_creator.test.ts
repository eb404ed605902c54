/**
 * Channel descriptors (docs/broadcast.md §3): signed by the creator's certified device; verification
 * refuses a changed field, a certificate of another user or not from the trusted account key, a signature
 * by an uncertified key, another key manager than expected, and malformed input — each with its code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDescriptor, verifyDescriptor, type ChannelDescriptor } from '../../src/common/broadcast/descriptor';
import { ruleAllows } from '../../src/common/broadcast/rules';
import { cleanup, descriptorBy, issuer, person, provider, rejection, type Person } from './harness';

const KM = 'http://127.0.0.1:4000/km';

describe('channel descriptor is signed by its creator', () => {
  let alice: Person;
  let mallory: Person;
  let descriptor: ChannelDescriptor;

  beforeAll(async () => {
    const iss = await issuer();
    alice = await person('alice', iss);
    mallory = await person('mallory', iss);
    descriptor = await descriptorBy(alice, KM, 'chan-0001');
  });
  afterAll(cleanup);

  it('verifies under the creator account key and the expected key manager', async () => {
    const verified = await verifyDescriptor(provider, JSON.parse(JSON.stringify(descriptor)), {
      accountKey: alice.user.account.publicKey,
      keyManagerUrl: KM,
      channelId: 'chan-0001',
    });
    expect(verified).toEqual(descriptor);
  });

  it('refuses any changed field', async () => {
    for (const changed of [
      { ...descriptor, name: 'Other news' },
      { ...descriptor, keyManagerUrl: 'http://127.0.0.1:4001' },
      { ...descriptor, subscriberRule: { type: 'users', userIds: ['user-mallory'] } },
      { ...descriptor, createdAt: descriptor.createdAt + 1 },
    ]) {
      expect((await rejection(verifyDescriptor(provider, changed))).code).toBe('descriptor_bad_signature');
    }
  });

  it('refuses a descriptor whose certificate is not from the trusted account key, or names another creator', async () => {
    expect((await rejection(verifyDescriptor(provider, descriptor, { accountKey: mallory.user.account.publicKey }))).code).toBe('descriptor_not_certified');
    const claimsAlice = await descriptorBy(mallory, KM, 'chan-0002', { creator: { userId: alice.user.userId, deviceId: mallory.device.deviceId } });
    expect((await rejection(verifyDescriptor(provider, claimsAlice))).code).toBe('descriptor_not_certified');
  });

  it('refuses to sign with a key that is not the certified device key', async () => {
    const { signature: _, ...unsigned } = descriptor;
    expect((await rejection(signDescriptor(provider, unsigned, mallory.device.keys.ed25519.privateKey))).code).toBe('descriptor_not_certified');
  });

  it('refuses another key manager, another channel, and malformed input', async () => {
    expect((await rejection(verifyDescriptor(provider, descriptor, { keyManagerUrl: 'http://127.0.0.1:4001' }))).code).toBe('descriptor_wrong_key_manager');
    expect((await rejection(verifyDescriptor(provider, descriptor, { channelId: 'chan-0002' }))).code).toBe('descriptor_malformed');
    for (const bad of [
      null,
      'x',
      {},
      { ...descriptor, v: 2 },
      { ...descriptor, keyManagerUrl: 'ftp://x' },
      { ...descriptor, keyManagerUrl: `${KM}/` },
      { ...descriptor, extra: 1 },
    ]) {
      expect((await rejection(verifyDescriptor(provider, bad))).code).toBe('descriptor_malformed');
    }
  });

  it('rules grant by role or by user list', () => {
    expect(ruleAllows({ type: 'role', role: 'subscriber:chan-0001' }, { userId: 'user-bob', roles: ['subscriber:chan-0001'] })).toBe(true);
    expect(ruleAllows({ type: 'role', role: 'subscriber:chan-0001' }, { userId: 'user-bob', roles: ['subscriber:chan-0002'] })).toBe(false);
    expect(ruleAllows({ type: 'users', userIds: ['user-bob'] as never }, { userId: 'user-bob', roles: [] })).toBe(true);
    expect(ruleAllows({ type: 'users', userIds: ['user-bob'] as never }, { userId: 'user-carol', roles: [] })).toBe(false);
  });
});
