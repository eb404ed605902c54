/** Vectors for device certificates (docs/protocol.md §4) and key-version records (§6). */
import type { CryptoProvider } from '../../../src/common/crypto/provider';
import { toHex } from '../../../src/common/encoding/bytes';
import type { ConversationId } from '../../../src/common/ids';
import { deviceCertificateSigningInput, signDeviceCertificate } from '../../../src/common/protocol/deviceCertificate';
import {
  createKeyVersionRecord,
  keyVersionRecordCanonicalJson,
  keyVersionSigningInput,
  publicKeyVersionRecord,
  wrapDigestInput,
} from '../../../src/common/protocol/keyVersionRecord';
import { deviceJson, fixedBytes, fixedX25519, flip, pairHex, vectorUser } from './fixedKeys';

const conversationId = 'conv-vector-0001' as ConversationId;

export async function buildCertificateVectors(provider: CryptoProvider) {
  const alice = await vectorUser(provider, 'alice', ['desktop', 'phone']);
  const mallory = await vectorUser(provider, 'mallory', []);
  const cert = alice.devices[0]!.certificate;
  const bad = (name: string, certificate: unknown, error: string, accountKey = toHex(alice.account.publicKey)) => ({ name, certificate, accountKey, error });
  // A device of an account that signed in with its company's OpenID provider: the certificate carries it.
  const { signature: _unsigned, ...body } = cert;
  const withSso = await signDeviceCertificate(
    provider,
    { ...body, sso: { iss: 'https://login.corp.example/tenant-1', sub: 'emp-00042' } },
    alice.account.privateKey,
  );
  const { sso: _removed, ...withoutSso } = withSso;
  return {
    description:
      'Device certificates signed by the account identity key: signature = Ed25519(account key, tuple("seed-device-cert-v1", canonicalJson(cert without signature))).',
    account: { userId: alice.userId, ...pairHex(alice.account) },
    valid: alice.devices.map((d) => ({ ...deviceJson(d), signingInput: toHex(deviceCertificateSigningInput(d.certificate)) })),
    withSso: { certificate: withSso, signingInput: toHex(deviceCertificateSigningInput(withSso)) },
    invalid: [
      bad('device name changed', { ...cert, deviceName: 'evil' }, 'bad_signature'),
      bad('x25519 key swapped', { ...cert, x25519: flip(cert.x25519) }, 'bad_signature'),
      bad('signature bit flipped', { ...cert, signature: flip(cert.signature, 7) }, 'bad_signature'),
      bad('verifier trusts another account key', cert, 'signer_not_certified', toHex(mallory.account.publicKey)),
      bad('version 2', { ...cert, v: 2 }, 'unsupported_version'),
      bad('unknown field', { ...cert, admin: true }, 'malformed'),
      bad('platform not allowed', { ...cert, platform: 'tv' }, 'malformed'),
      bad('padded base64', { ...cert, ed25519: `${cert.ed25519}=` }, 'malformed'),
      bad('company subject changed', { ...withSso, sso: { ...withSso.sso!, sub: 'emp-00666' } }, 'bad_signature'),
      bad('company identity removed', withoutSso, 'bad_signature'),
      bad('company identity added', { ...cert, sso: withSso.sso }, 'bad_signature'),
      bad('company identity with an unknown field', { ...withSso, sso: { ...withSso.sso!, admin: true } }, 'malformed'),
    ],
  };
}

export async function buildRecordVectors(provider: CryptoProvider) {
  const alice = await vectorUser(provider, 'alice', ['desktop', 'phone']);
  const bob = await vectorUser(provider, 'bob', ['desktop']);
  const carol = await vectorUser(provider, 'carol', ['desktop']);
  const signer = alice.devices[0]!;
  const members = [...alice.devices, ...bob.devices];
  const ephemerals = new Map(
    await Promise.all(members.map(async (d) => [d.deviceId, await fixedX25519(provider, `record/v1/${d.deviceId}/ephemeral`)] as const)),
  );
  const conversationKey = await fixedBytes(provider, 'record/v1/conversation-key');
  const { record } = await createKeyVersionRecord(provider, {
    conversationId,
    version: 1,
    createdAt: 1_735_689_700_000,
    createdByDevice: signer.deviceId,
    signingPrivateKey: signer.ed25519.privateKey,
    recipients: members.map((d) => ({ deviceId: d.deviceId, x25519PublicKey: d.x25519.publicKey })),
    conversationKey,
    ephemerals,
  });
  const verify: { conversationId: string; signerDevice: string; signerAccountKey: string } = {
    conversationId,
    signerDevice: signer.deviceId,
    signerAccountKey: toHex(alice.account.publicKey),
  };
  const outsider = carol.devices[0]!;
  const { record: byOutsider } = await createKeyVersionRecord(provider, {
    conversationId,
    version: 1,
    createdAt: 1,
    createdByDevice: outsider.deviceId,
    signingPrivateKey: outsider.ed25519.privateKey,
    recipients: members.map((d) => ({ deviceId: d.deviceId, x25519PublicKey: d.x25519.publicKey })),
    conversationKey,
    ephemerals,
  });
  const publicRecord = await publicKeyVersionRecord(provider, record);
  const firstWrap = record.wraps[0]!;
  const bad = (name: string, input: unknown, error: string, change: Partial<typeof verify & { version: number; memberDevices: string[] }> = {}) => ({
    name,
    record: input,
    verify: { ...verify, ...change },
    error,
  });
  return {
    description:
      'Key-version records: wraps as in key-wraps.json (info binds conversation and version, aad the device); wrapDigest = SHA-256(tuple("seed-key-wrap-digest-v1", canonicalJson({deviceId, enc, ct}))); the public record = header + memberDevices + wrapDigests (memberDevices order); signature = Ed25519(creating device, tuple("seed-key-version-v1", canonicalJson(public record without signature))). Verification uses the signer certificate from `devices` and the trusted account key. `publicRecord` is what the key service returns to a device, beside that device\'s own wrap.',
    accounts: { [alice.userId]: pairHex(alice.account), [bob.userId]: pairHex(bob.account), [carol.userId]: pairHex(carol.account) },
    devices: [...members, outsider].map(deviceJson),
    valid: [
      {
        name: 'alice creates version 1 for her two devices and bob',
        conversationKey: toHex(conversationKey),
        ephemerals: Object.fromEntries([...ephemerals].map(([id, p]) => [id, pairHex(p)])),
        wrapDigestInput: { deviceId: firstWrap.deviceId, input: toHex(wrapDigestInput(firstWrap)), digest: publicRecord.wrapDigests[0] },
        canonicalJson: keyVersionRecordCanonicalJson(publicRecord),
        signingInput: toHex(keyVersionSigningInput(publicRecord)),
        record,
        publicRecord,
        verify,
      },
    ],
    invalid: [
      bad('signature bit flipped', { ...record, signature: flip(record.signature) }, 'bad_signature'),
      bad('createdAt changed', { ...record, createdAt: record.createdAt + 1 }, 'bad_signature'),
      bad(
        'a wrap replaced (its digest no longer matches)',
        { ...record, wraps: [{ ...firstWrap, ct: flip(firstWrap.ct) }, ...record.wraps.slice(1)] },
        'bad_signature',
      ),
      bad('wrap missing for a member device', { ...record, wraps: record.wraps.slice(1) }, 'incomplete_wraps'),
      bad('duplicate wrap', { ...record, wraps: [record.wraps[0], record.wraps[0], record.wraps[2]] }, 'incomplete_wraps'),
      bad('memberDevices unsorted', { ...record, memberDevices: [...record.memberDevices].reverse() }, 'malformed'),
      bad('for another conversation than expected', record, 'wrong_conversation', { conversationId: 'conv-vector-0002' }),
      bad('signer certified by an untrusted account key', record, 'signer_not_certified', { signerAccountKey: toHex(bob.account.publicKey) }),
      bad('signed by a certified device that is not a member', byOutsider, 'signer_not_member', {
        signerDevice: outsider.deviceId,
        signerAccountKey: toHex(carol.account.publicKey),
      }),
      bad('members differ from the expected set (removed device still present)', record, 'member_mismatch', {
        memberDevices: ['alice-desktop', 'bob-desktop'],
      }),
      bad('version other than expected', record, 'wrong_key_version', { version: 2 }),
      bad('version 2 of the format', { ...record, v: 2 }, 'unsupported_version'),
    ],
  };
}
