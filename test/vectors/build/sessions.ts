/**
 * Vectors for device-session challenges (docs/protocol.md §16) and device revocation statements (§17):
 * alice-desktop signs two challenges; alice's account revokes alice-phone. Invalid cases name the error a
 * verifier reports.
 */
import type { CryptoProvider } from '../../../src/common/crypto/provider';
import { toBase64Url } from '../../../src/common/encoding/base64url';
import { toHex } from '../../../src/common/encoding/bytes';
import type { DeviceId } from '../../../src/common/ids';
import {
  deviceRevocationCanonicalJson,
  deviceRevocationSigningInput,
  signDeviceRevocation,
  type DeviceRevocation,
} from '../../../src/common/protocol/deviceRevocation';
import { deviceSessionSigningInput, signDeviceSessionChallenge } from '../../../src/common/protocol/deviceSession';
import { deviceJson, fixedBytes, flip, pairHex, vectorUser } from './fixedKeys';

export async function buildDeviceSessionVectors(provider: CryptoProvider) {
  const alice = await vectorUser(provider, 'alice', ['desktop', 'phone']);
  const [desktop, phone] = [alice.devices[0]!, alice.devices[1]!];
  const challenge = async (n: number) => ({
    challengeId: `challenge-vector-000${n}`,
    nonce: toBase64Url(await fixedBytes(provider, `device-session/nonce-${n}`)),
  });
  const valid = async (name: string, n: number) => {
    const c = await challenge(n);
    const input = { ...c, deviceId: desktop.deviceId };
    return {
      name,
      ...input,
      nonceHex: toHex(await fixedBytes(provider, `device-session/nonce-${n}`)),
      signingInput: toHex(deviceSessionSigningInput(input)),
      signature: await signDeviceSessionChallenge(provider, input, desktop.ed25519.privateKey),
    };
  };
  const first = await valid('alice-desktop answers challenge 1', 1);
  const second = await valid('alice-desktop answers challenge 2', 2);
  const signed = { challengeId: first.challengeId, deviceId: first.deviceId, nonce: first.nonce };
  const base = { ...signed, signature: first.signature };
  const bad = (name: string, c: Partial<typeof base>, error: string) => ({ name, ...base, ...c, error });
  return {
    description:
      'Device-session challenges: signature = Ed25519(device signing key, tuple("seed-device-session-v1", challengeId, deviceId, nonce)) with nonce the 32 raw bytes (nonce is given base64url and hex); verified under the ed25519 key of the device certificate. Every case verifies under alice-desktop\'s key.',
    devices: [desktop, phone].map(deviceJson),
    verifyingDevice: desktop.deviceId,
    valid: [first, second],
    invalid: [
      bad(
        'signed by another device of the account',
        { signature: await signDeviceSessionChallenge(provider, signed, phone.ed25519.privateKey) },
        'bad_signature',
      ),
      bad(
        'signed by the account key, not the device key',
        { signature: await signDeviceSessionChallenge(provider, signed, alice.account.privateKey) },
        'bad_signature',
      ),
      bad("another challenge's id", { challengeId: second.challengeId }, 'bad_signature'),
      bad("another challenge's nonce", { nonce: second.nonce }, 'bad_signature'),
      bad('another device id', { deviceId: phone.deviceId }, 'bad_signature'),
      bad('signature bit flipped', { signature: flip(base.signature) }, 'bad_signature'),
      bad('signature of 63 bytes', { signature: toBase64Url(new Uint8Array(63)) }, 'malformed'),
      bad('nonce of 31 bytes', { nonce: toBase64Url(new Uint8Array(31)) }, 'malformed'),
      bad('challenge id that is no id', { challengeId: 'short' }, 'malformed'),
    ],
  };
}

export async function buildRevocationVectors(provider: CryptoProvider) {
  const alice = await vectorUser(provider, 'alice', ['desktop', 'phone']);
  const bob = await vectorUser(provider, 'bob', ['desktop']);
  const phone = alice.devices[1]!.deviceId;
  const statement = await signDeviceRevocation(
    provider,
    { v: 1, userId: alice.userId, deviceId: phone, revokedAt: 1_735_690_000_000 },
    alice.account.privateKey,
  );
  const verify = { accountKey: toHex(alice.account.publicKey), userId: alice.userId, deviceId: phone };
  const valid = (name: string, s: DeviceRevocation) => ({
    name,
    statement: s,
    canonicalJson: deviceRevocationCanonicalJson(s),
    signingInput: toHex(deviceRevocationSigningInput(s)),
    verify,
  });
  const bad = (name: string, s: unknown, error: string, expect: Partial<typeof verify> = {}) => ({
    name,
    statement: s,
    verify: { ...verify, ...expect },
    error,
  });
  const byBob = await signDeviceRevocation(provider, { v: 1, userId: alice.userId, deviceId: phone, revokedAt: statement.revokedAt }, bob.account.privateKey);
  return {
    description:
      'Device revocation statements: {v:1, userId, deviceId, revokedAt}; signature = Ed25519(account identity key, tuple("seed-device-revocation-v1", canonicalJson(statement without signature))). A verifier checks, in order: parse, the user and device it expects, the signature under the account key it trusts (verify.accountKey, hex).',
    accounts: { [alice.userId]: pairHex(alice.account), [bob.userId]: pairHex(bob.account) },
    valid: [valid("alice's account revokes alice-phone", statement)],
    invalid: [
      bad("signed by another account's key (a key the server chose)", byBob, 'bad_signature'),
      bad('revokedAt changed after signing', { ...statement, revokedAt: statement.revokedAt + 1 }, 'bad_signature'),
      bad('signature bit flipped', { ...statement, signature: flip(statement.signature) }, 'bad_signature'),
      bad('about another device than expected', statement, 'signer_not_certified', { deviceId: 'alice-desktop' as DeviceId }),
      bad('about another user than expected', statement, 'signer_not_certified', { userId: bob.userId }),
      bad('unknown field', { ...statement, reason: 'lost' }, 'malformed'),
      bad('no signature', { v: 1, userId: statement.userId, deviceId: statement.deviceId, revokedAt: statement.revokedAt }, 'malformed'),
      bad('version 2 of the format', { ...statement, v: 2 }, 'unsupported_version'),
    ],
  };
}
