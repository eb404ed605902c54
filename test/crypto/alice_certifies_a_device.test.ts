/**
 * Device certificates: Alice's account key certifies her devices; anyone holding her pinned account key
 * can verify them, and every tampering is a typed error.
 */
import { describe, expect, it } from 'vitest';
import { toBase64Url } from '../../src/common/encoding/base64url';
import { deviceCertificateSigningInput, signDeviceCertificate, verifyDeviceCertificate } from '../../src/common/protocol/deviceCertificate';
import { flipB64u, makeUser, provider } from './fixtures';

describe('alice certifies a device', () => {
  it('a certificate verifies under its account key and binds user and device', async () => {
    const alice = await makeUser('alice');
    const dev = alice.devices[0]!;
    const cert = await verifyDeviceCertificate(provider, JSON.parse(JSON.stringify(dev.certificate)), {
      accountKey: alice.account.publicKey,
      userId: alice.userId,
      deviceId: dev.deviceId,
    });
    expect(cert.x25519).toBe(toBase64Url(dev.keys.x25519.publicKey));
    expect(new TextDecoder().decode(deviceCertificateSigningInput(cert)).includes('seed-device-cert-v1')).toBe(true);
  });

  it('rejects a certificate from another account key as signer_not_certified', async () => {
    const alice = await makeUser('alice');
    const mallory = await makeUser('mallory');
    await expect(verifyDeviceCertificate(provider, alice.devices[0]!.certificate, { accountKey: mallory.account.publicKey })).rejects.toMatchObject({
      code: 'signer_not_certified',
    });
  });

  it('rejects changed fields with bad_signature and wrong ids with signer_not_certified', async () => {
    const alice = await makeUser('alice');
    const cert = alice.devices[0]!.certificate;
    for (const changed of [
      { ...cert, deviceName: 'evil' },
      { ...cert, platform: 'mobile' as const },
      { ...cert, createdAt: cert.createdAt + 1 },
      { ...cert, x25519: flipB64u(cert.x25519) },
      { ...cert, signature: flipB64u(cert.signature, 5) },
    ]) {
      await expect(verifyDeviceCertificate(provider, changed)).rejects.toMatchObject({ code: 'bad_signature' });
    }
    await expect(verifyDeviceCertificate(provider, cert, { deviceId: 'other-device' })).rejects.toMatchObject({ code: 'signer_not_certified' });
    await expect(verifyDeviceCertificate(provider, cert, { userId: 'other-user' })).rejects.toMatchObject({ code: 'signer_not_certified' });
  });

  it('rejects malformed input and unknown versions', async () => {
    const alice = await makeUser('alice');
    const cert = alice.devices[0]!.certificate;
    await expect(verifyDeviceCertificate(provider, { ...cert, v: 2 })).rejects.toMatchObject({ code: 'unsupported_version' });
    await expect(verifyDeviceCertificate(provider, { ...cert, extra: 1 })).rejects.toMatchObject({ code: 'malformed' });
    await expect(verifyDeviceCertificate(provider, { ...cert, x25519: `${cert.x25519}=` })).rejects.toMatchObject({ code: 'malformed' });
    await expect(verifyDeviceCertificate(provider, { ...cert, deviceId: 'bad id!' })).rejects.toMatchObject({ code: 'malformed' });
    await expect(verifyDeviceCertificate(provider, null)).rejects.toMatchObject({ code: 'malformed' });
    await expect(verifyDeviceCertificate(provider, 'x')).rejects.toMatchObject({ code: 'malformed' });
  });

  it('refuses to sign with a key that is not the stated account key', async () => {
    const alice = await makeUser('alice');
    const bob = await makeUser('bob');
    const { signature: _s, ...unsigned } = alice.devices[0]!.certificate;
    await expect(signDeviceCertificate(provider, unsigned, bob.account.privateKey)).rejects.toMatchObject({ code: 'malformed' });
  });
});
