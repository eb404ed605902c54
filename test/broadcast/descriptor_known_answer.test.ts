/**
 * Known answer for channel descriptors (docs/broadcast.md §3): fixed account and device keys give a
 * fixed signing input (SHA-256 below) and a fixed Ed25519 signature, so another implementation can check
 * its canonical form byte for byte; the signed descriptor verifies, and changing the expected value fails.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { descriptorSigningInput, signDescriptor, verifyDescriptor } from '../../src/common/broadcast/descriptor';
import { toBase64Url } from '../../src/common/encoding/base64url';
import type { ChannelId, DeviceId, UserId } from '../../src/common/ids';
import { signDeviceCertificate } from '../../src/common/protocol/deviceCertificate';
import { provider } from './harness';

const SIGNING_INPUT_SHA256 = '6d88d2f046849e9cf436d23dd7e3ebf358e7b95efb261826f6b37ba0a581f95b';
const SIGNATURE = 'FKJ3t4OETmjRhQCO0eUuiXtFQVQbGbsqkD4zxaCTGBshEHLjP8qQtO6izXSGpO9DfI44cnNqhXipJHtRAN_YDA';

async function vector() {
  const account = new Uint8Array(32).fill(1);
  const ed = new Uint8Array(32).fill(2);
  const x = new Uint8Array(32).fill(3);
  const cert = await signDeviceCertificate(
    provider,
    {
      v: 1,
      userId: 'user-alice' as UserId,
      deviceId: 'alice-desktop' as DeviceId,
      deviceName: 'Alice desktop',
      platform: 'desktop',
      x25519: toBase64Url(await provider.x25519PublicKey(x)),
      ed25519: toBase64Url(await provider.ed25519PublicKey(ed)),
      createdAt: 1700000000000,
      accountKey: toBase64Url(await provider.ed25519PublicKey(account)),
    },
    account,
  );
  const descriptor = await signDescriptor(
    provider,
    {
      v: 1,
      channelId: 'chan-vector-0001' as ChannelId,
      name: 'Company news',
      creator: { userId: 'user-alice' as UserId, deviceId: 'alice-desktop' as DeviceId },
      publisherRule: { type: 'role', role: 'publisher:chan-vector-0001' },
      subscriberRule: { type: 'users', userIds: ['user-bob' as UserId, 'user-carol' as UserId] },
      keyManagerUrl: 'https://km.example.com/km',
      createdAt: 1700000000001,
      creatorCertificate: cert,
    },
    ed,
  );
  return { descriptor, accountKey: await provider.ed25519PublicKey(account) };
}

describe('descriptor known answer', () => {
  it('reproduces the signing input and signature byte for byte', async () => {
    const { descriptor, accountKey } = await vector();
    const input = descriptorSigningInput(descriptor);
    expect(Buffer.from(input.subarray(4, 4 + 26)).toString()).toBe('seed-channel-descriptor-v1');
    expect(createHash('sha256').update(input).digest('hex')).toBe(SIGNING_INPUT_SHA256);
    expect(descriptor.signature).toBe(SIGNATURE);
    expect(await verifyDescriptor(provider, descriptor, { accountKey, keyManagerUrl: 'https://km.example.com/km' })).toEqual(descriptor);
  });
});
