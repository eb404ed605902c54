/**
 * Post-quantum key wraps (docs/protocol.md §5.1): Alice's new device has an X-Wing key in its certificate,
 * Bob's older device does not. Alice's rotation wraps X-Wing to hers and X25519 to his in one record; every
 * device verifies and opens its own, and the independent implementation (`@hpke/core` + X-Wing) opens the
 * hybrid wraps. Then the attacks: a certificate stripped of its X-Wing key, a hybrid wrap swapped for a
 * classical one (by a server, or signed by a creator), a tampered hybrid wrap — each a typed error.
 */
import { Aes256Gcm, CipherSuite, HkdfSha256 } from '@hpke/core';
import { XWing } from '@hpke/hybridkem-x-wing';
import { describe, expect, it } from 'vitest';
import { fromBase64Url } from '../../src/common/encoding/base64url';
import type { ConversationId, DeviceId } from '../../src/common/ids';
import { acceptKeyVersion, type AcceptKeyVersionContext } from '../../src/common/protocol/acceptKeyVersion';
import { certificateXWingKey, verifyDeviceCertificate } from '../../src/common/protocol/deviceCertificate';
import { createKeyVersionRecord, publicKeyVersionRecord, unwrapKeyVersionRecord, type KeyVersionRecord } from '../../src/common/protocol/keyVersionRecord';
import { verifyKeyVersionRecord } from '../../src/common/protocol/keyVersionVerify';
import { KeyWrapSchema, wrapAad, wrapInfo, wrapKey, wrapSuite, type KeyWrap } from '../../src/common/protocol/keyWrap';
import { flipB64u, makeDevice, makeUser, openerOf, provider, recipientsOf, type TestDevice, type TestUser } from './fixtures';

const conversationId = 'conv-pq-0001' as ConversationId;
const independent = new CipherSuite({ kem: new XWing(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });

async function setup() {
  const alice = await makeUser('alice', 0);
  alice.devices.push(await makeDevice(alice.userId, alice.account, 'alice-new', 'desktop', { hybrid: true }));
  const bob = await makeUser('bob', 1);
  const signer = alice.devices[0] as TestDevice;
  const { record, conversationKey } = await createKeyVersionRecord(provider, {
    conversationId,
    version: 1,
    createdAt: 1_700_000_000_000,
    createdByDevice: signer.deviceId,
    signingPrivateKey: signer.keys.ed25519.privateKey,
    recipients: recipientsOf(alice, bob),
  });
  const expect1 = { conversationId, signerCertificate: signer.certificate, signerAccountKey: alice.account.publicKey, version: 1 };
  return { alice, bob, signer, record, conversationKey, expect1 };
}

function wrapOf(record: KeyVersionRecord, deviceId: string): KeyWrap {
  const w = record.wraps.find((x) => x.deviceId === deviceId);
  if (!w) throw new Error(`no wrap for ${deviceId}`);
  return w;
}

/** What `device` fetches for version 1 of `record` and knows: the signer and every member certified. */
async function fetchedBy(record: KeyVersionRecord, device: TestDevice, users: TestUser[], wrap = wrapOf(record, device.deviceId)) {
  const all = users.flatMap((u) => u.devices.map((d) => ({ d, u })));
  const ctx: AcceptKeyVersionContext = {
    conversationId,
    version: record.version,
    device: openerOf(device),
    resolveSigner: async (id) => {
      const found = all.find((x) => x.d.deviceId === id);
      if (!found) throw new Error(`unknown ${id}`);
      return { certificate: found.d.certificate, accountKey: found.u.account.publicKey };
    },
    allowedMembers: async () => undefined,
    memberDevices: async (ids) => ({
      devices: new Map(ids.map((id) => [id, { userId: all.find((x) => x.d.deviceId === id)?.u.userId ?? '' }])),
      failures: new Map(),
    }),
  };
  const fetched = { record: await publicKeyVersionRecord(provider, record), wrap, grants: [] };
  return { fetched, ctx };
}

describe('alice rotates to post-quantum devices', () => {
  it('one record mixes suites: X-Wing to the device whose certificate has the key, X25519 to the older one', async () => {
    const { alice, bob, record, conversationKey, expect1 } = await setup();
    const verified = await verifyKeyVersionRecord(provider, JSON.parse(JSON.stringify(record)), expect1);
    expect(wrapSuite(wrapOf(verified, 'alice-new'))).toBe('xwing');
    expect(wrapOf(verified, 'alice-new').suite).toBe('xwing');
    expect(fromBase64Url(wrapOf(verified, 'alice-new').enc)).toHaveLength(1120);
    expect(wrapSuite(wrapOf(verified, 'bob-dev0'))).toBe('x25519');
    expect(Object.keys(wrapOf(verified, 'bob-dev0'))).toEqual(['deviceId', 'enc', 'ct']);
    for (const d of [...alice.devices, ...bob.devices]) {
      expect(await unwrapKeyVersionRecord(provider, verified, openerOf(d))).toEqual(conversationKey);
      const { fetched, ctx } = await fetchedBy(record, d, [alice, bob]);
      expect((await acceptKeyVersion(provider, JSON.parse(JSON.stringify(fetched)), ctx)).key).toEqual(conversationKey);
    }
  });

  it('the independent implementation (@hpke/core + X-Wing) opens the hybrid wrap', async () => {
    const { alice, record, conversationKey } = await setup();
    const device = alice.devices[0] as TestDevice;
    const w = wrapOf(record, device.deviceId);
    const skR = await independent.kem.deserializePrivateKey(device.keys.xwing!.privateKey.slice().buffer);
    const pt = await independent.open(
      { recipientKey: skR, enc: fromBase64Url(w.enc).slice().buffer, info: wrapInfo('conversation', conversationId, 1).slice().buffer },
      fromBase64Url(w.ct).slice().buffer,
      wrapAad(device.deviceId).slice().buffer,
    );
    expect(new Uint8Array(pt)).toEqual(conversationKey);
  });

  it('a certificate stripped of its X-Wing key no longer verifies (bad_signature)', async () => {
    const { alice } = await setup();
    const device = alice.devices[0] as TestDevice;
    expect(certificateXWingKey(device.certificate)).toEqual(device.keys.xwing!.publicKey);
    const { xwing: _stripped, ...stripped } = device.certificate;
    await expect(verifyDeviceCertificate(provider, stripped, { accountKey: alice.account.publicKey })).rejects.toMatchObject({ code: 'bad_signature' });
    const swapped = { ...device.certificate, xwing: flipB64u(device.certificate.xwing!, 7) };
    await expect(verifyDeviceCertificate(provider, swapped, { accountKey: alice.account.publicKey })).rejects.toMatchObject({ code: 'bad_signature' });
  });

  it('a hybrid wrap swapped for an X25519 wrap of the same key is refused (bad_signature), nothing opened', async () => {
    const { alice, bob, record, conversationKey, expect1 } = await setup();
    const device = alice.devices[0] as TestDevice;
    const classical = await wrapKey(provider, {
      purpose: 'conversation',
      scopeId: conversationId,
      version: 1,
      recipientDeviceId: device.deviceId,
      recipientPublicKey: device.keys.x25519.publicKey,
      key: conversationKey,
    });
    const swapped = { ...record, wraps: record.wraps.map((w) => (w.deviceId === device.deviceId ? classical : w)) };
    await expect(verifyKeyVersionRecord(provider, swapped, expect1)).rejects.toMatchObject({ code: 'bad_signature' });
    const { fetched, ctx } = await fetchedBy(record, device, [alice, bob], classical);
    await expect(acceptKeyVersion(provider, fetched, ctx)).rejects.toMatchObject({ code: 'bad_signature' });
  });

  it('a creator that signs an X25519 wrap to a device with an X-Wing key is refused by that device (suite_downgrade)', async () => {
    const { alice, bob } = await setup();
    const device = alice.devices[0] as TestDevice;
    const signer = bob.devices[0] as TestDevice;
    const { record } = await createKeyVersionRecord(provider, {
      conversationId,
      version: 1,
      createdAt: 1_700_000_000_000,
      createdByDevice: signer.deviceId,
      signingPrivateKey: signer.keys.ed25519.privateKey,
      // The downgrading creator leaves out the X-Wing key of alice-new.
      recipients: recipientsOf(alice, bob).map((r) => ({ deviceId: r.deviceId, x25519PublicKey: r.x25519PublicKey })),
    });
    await verifyKeyVersionRecord(provider, record, { conversationId, signerCertificate: signer.certificate, signerAccountKey: bob.account.publicKey });
    const { fetched, ctx } = await fetchedBy(record, device, [alice, bob]);
    await expect(acceptKeyVersion(provider, fetched, ctx)).rejects.toMatchObject({ code: 'suite_downgrade' });
  });

  it('a tampered hybrid wrap fails to open (bad_tag); a malformed one is malformed', async () => {
    const { alice, record, expect1 } = await setup();
    const verified = await verifyKeyVersionRecord(provider, record, expect1);
    const device = alice.devices[0] as TestDevice;
    const w = wrapOf(verified, device.deviceId);
    for (const bad of [
      { ...w, enc: flipB64u(w.enc, 5) },
      { ...w, enc: flipB64u(w.enc, 1100) },
      { ...w, ct: flipB64u(w.ct, 40) },
    ]) {
      const tampered = { ...verified, wraps: verified.wraps.map((x) => (x.deviceId === device.deviceId ? bad : x)) };
      await expect(unwrapKeyVersionRecord(provider, tampered, openerOf(device))).rejects.toMatchObject({ code: 'bad_tag' });
    }
    const { suite: _s, ...noSuite } = w;
    expect(KeyWrapSchema.safeParse(noSuite).success).toBe(false);
    expect(KeyWrapSchema.safeParse({ ...wrapOf(verified, 'bob-dev0'), suite: 'xwing' }).success).toBe(false);
    expect(KeyWrapSchema.safeParse({ ...w, suite: 'x25519' }).success).toBe(false);
    await expect(unwrapKeyVersionRecord(provider, { ...verified, wraps: [noSuite as KeyWrap] }, openerOf(device))).rejects.toMatchObject({ code: 'malformed' });
  });

  it('a device without an X-Wing key cannot open an X-Wing wrap (unsupported_suite)', async () => {
    const { alice, record } = await setup();
    const device = alice.devices[0] as TestDevice;
    const { xwingPrivateKey: _x, ...classicalOnly } = openerOf(device);
    await expect(
      unwrapKeyVersionRecord(provider, record, classicalOnly as Omit<ReturnType<typeof openerOf>, 'xwingPrivateKey'> & { deviceId: DeviceId }),
    ).rejects.toMatchObject({
      code: 'unsupported_suite',
    });
  });
});
