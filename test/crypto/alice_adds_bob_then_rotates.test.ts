/**
 * Key-version records: Alice creates version 1 for her and Bob's devices, everyone verifies and unwraps;
 * then Bob's second device is removed and Alice rotates to version 2. Every way a record can be wrong
 * is a specific typed error.
 */
import { describe, expect, it } from 'vitest';
import type { ConversationId, DeviceId } from '../../src/common/ids';
import { createKeyVersionRecord, unwrapKeyVersionRecord, type KeyVersionRecord } from '../../src/common/protocol/keyVersionRecord';
import { verifyKeyVersionRecord } from '../../src/common/protocol/keyVersionVerify';
import { flipB64u, makeUser, provider, recipientsOf } from './fixtures';

const conversationId = 'conv-alice-bob-1' as ConversationId;

async function setup() {
  const alice = await makeUser('alice', 1);
  const bob = await makeUser('bob', 2);
  const signer = alice.devices[0]!;
  const { record, conversationKey } = await createKeyVersionRecord(provider, {
    conversationId,
    version: 1,
    createdAt: 1_700_000_000_000,
    createdByDevice: signer.deviceId,
    signingPrivateKey: signer.keys.ed25519.privateKey,
    recipients: recipientsOf(bob, alice),
  });
  const expect1 = { conversationId, signerCertificate: signer.certificate, signerAccountKey: alice.account.publicKey };
  return { alice, bob, signer, record, conversationKey, expect1 };
}

describe('alice adds bob then rotates', () => {
  it('every member device verifies the record and unwraps the same key', async () => {
    const { alice, bob, record, conversationKey, expect1 } = await setup();
    expect(record.memberDevices).toEqual(['alice-dev0', 'bob-dev0', 'bob-dev1']);
    const verified = await verifyKeyVersionRecord(provider, JSON.parse(JSON.stringify(record)), { ...expect1, version: 1 });
    for (const d of [...alice.devices, ...bob.devices]) {
      const key = await unwrapKeyVersionRecord(provider, verified, { deviceId: d.deviceId, x25519PrivateKey: d.keys.x25519.privateKey });
      expect(key).toEqual(conversationKey);
    }
  });

  it('rotation after removing a device: the removed device has no wrap, the old key stays readable', async () => {
    const { alice, bob, signer, conversationKey: key1, expect1 } = await setup();
    const remaining = { ...bob, devices: bob.devices.slice(0, 1) };
    const { record: v2, conversationKey: key2 } = await createKeyVersionRecord(provider, {
      conversationId,
      version: 2,
      createdAt: 1_700_000_100_000,
      createdByDevice: signer.deviceId,
      signingPrivateKey: signer.keys.ed25519.privateKey,
      recipients: recipientsOf(alice, remaining),
    });
    expect(key2).not.toEqual(key1);
    await verifyKeyVersionRecord(provider, v2, { ...expect1, version: 2, memberDevices: ['bob-dev0', 'alice-dev0'] as DeviceId[] });
    const removed = bob.devices[1]!;
    await expect(unwrapKeyVersionRecord(provider, v2, { deviceId: removed.deviceId, x25519PrivateKey: removed.keys.x25519.privateKey })).rejects.toMatchObject({
      code: 'not_a_recipient',
    });
    await expect(
      verifyKeyVersionRecord(provider, v2, { ...expect1, memberDevices: ['alice-dev0', 'bob-dev0', 'bob-dev1'] as DeviceId[] }),
    ).rejects.toMatchObject({
      code: 'member_mismatch',
    });
  });

  it('a wrap moved to another device, version or conversation does not open', async () => {
    const { bob, record } = await setup();
    const dev0 = bob.devices[0]!;
    const dev1 = bob.devices[1]!;
    const stolen: KeyVersionRecord = {
      ...record,
      wraps: record.wraps.map((w) => (w.deviceId === dev1.deviceId ? { ...w, ct: record.wraps[1]!.ct, enc: record.wraps[1]!.enc } : w)),
    };
    await expect(unwrapKeyVersionRecord(provider, stolen, { deviceId: dev1.deviceId, x25519PrivateKey: dev1.keys.x25519.privateKey })).rejects.toMatchObject({
      code: 'bad_tag',
    });
    await expect(
      unwrapKeyVersionRecord(provider, { ...record, version: 2 }, { deviceId: dev0.deviceId, x25519PrivateKey: dev0.keys.x25519.privateKey }),
    ).rejects.toMatchObject({
      code: 'bad_tag',
    });
    await expect(
      unwrapKeyVersionRecord(
        provider,
        { ...record, conversationId: 'conv-other-000' as ConversationId },
        { deviceId: dev0.deviceId, x25519PrivateKey: dev0.keys.x25519.privateKey },
      ),
    ).rejects.toMatchObject({ code: 'bad_tag' });
  });

  it('each defect has its own error code', async () => {
    const { alice, bob, record, expect1 } = await setup();
    const cases: [unknown, string, Partial<Record<keyof typeof expect1, unknown>>?][] = [
      [{ ...record, signature: flipB64u(record.signature) }, 'bad_signature'],
      [{ ...record, createdAt: record.createdAt + 1 }, 'bad_signature'],
      [{ ...record, wraps: record.wraps.slice(1) }, 'incomplete_wraps'],
      [{ ...record, wraps: [record.wraps[0], record.wraps[0], record.wraps[2]] }, 'incomplete_wraps'],
      [{ ...record, wraps: [record.wraps[1], record.wraps[0], record.wraps[2]] }, 'incomplete_wraps'],
      [{ ...record, memberDevices: [...record.memberDevices].reverse() }, 'malformed'],
      [{ ...record, memberDevices: ['alice-dev0', 'alice-dev0', 'bob-dev1'] }, 'malformed'],
      [{ ...record, v: 2 }, 'unsupported_version'],
      [{ ...record, version: 0 }, 'malformed'],
      [{ ...record, extra: true }, 'malformed'],
      [record, 'wrong_conversation', { conversationId: 'conv-other-000' as ConversationId }],
      [record, 'signer_not_certified', { signerAccountKey: bob.account.publicKey }],
      [record, 'signer_not_certified', { signerCertificate: bob.devices[0]!.certificate }],
      [record, 'signer_not_certified', { signerCertificate: { ...alice.devices[0]!.certificate, deviceName: 'x' } }],
      [record, 'malformed', { signerCertificate: { nope: 1 } }],
    ];
    for (const [input, code, override] of cases) {
      await expect(verifyKeyVersionRecord(provider, input, { ...expect1, ...(override as Partial<typeof expect1>) }), code).rejects.toMatchObject({ code });
    }
    await expect(verifyKeyVersionRecord(provider, record, { ...expect1, version: 2 })).rejects.toMatchObject({ code: 'wrong_key_version' });
  });

  it('a record signed by a certified device that is not a member is signer_not_member', async () => {
    const { alice, bob } = await setup();
    const outsider = alice.devices[0]!;
    const { record } = await createKeyVersionRecord(provider, {
      conversationId,
      version: 1,
      createdAt: 1,
      createdByDevice: outsider.deviceId,
      signingPrivateKey: outsider.keys.ed25519.privateKey,
      recipients: recipientsOf(bob),
    });
    await expect(
      verifyKeyVersionRecord(provider, record, { conversationId, signerCertificate: outsider.certificate, signerAccountKey: alice.account.publicKey }),
    ).rejects.toMatchObject({ code: 'signer_not_member' });
  });

  it('creation refuses duplicate recipients', async () => {
    const { alice, signer } = await setup();
    await expect(
      createKeyVersionRecord(provider, {
        conversationId,
        version: 1,
        createdAt: 1,
        createdByDevice: signer.deviceId,
        signingPrivateKey: signer.keys.ed25519.privateKey,
        recipients: [...recipientsOf(alice), ...recipientsOf(alice)],
      }),
    ).rejects.toMatchObject({ code: 'malformed' });
  });
});
