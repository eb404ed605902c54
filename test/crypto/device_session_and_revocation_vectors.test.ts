/**
 * Replays test/vectors/device-sessions.json (docs/protocol.md §16) and device-revocations.json (§17) from
 * the files alone: every valid signature is rebuilt byte for byte from the recorded private keys (Ed25519 is
 * deterministic) with its signing input and canonical JSON, and verifies; every invalid case fails with its
 * stated code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/common/encoding/bytes';
import type { DeviceId, UserId } from '../../src/common/ids';
import {
  deviceRevocationCanonicalJson,
  deviceRevocationSigningInput,
  signDeviceRevocation,
  verifyDeviceRevocation,
  type DeviceRevocation,
} from '../../src/common/protocol/deviceRevocation';
import { deviceSessionSigningInput, signDeviceSessionChallenge, verifyDeviceSessionSignature } from '../../src/common/protocol/deviceSession';
import { provider } from './fixtures';

const load = <T>(name: string): T => JSON.parse(readFileSync(join(__dirname, '..', 'vectors', name), 'utf8')) as T;

interface SessionCase {
  name: string;
  challengeId: string;
  deviceId: DeviceId;
  nonce: string;
  signature: string;
  nonceHex?: string;
  signingInput?: string;
  error?: string;
}
interface SessionFile {
  devices: { deviceId: string; ed25519: { privateKey: string; publicKey: string }; certificate: { ed25519: string } }[];
  verifyingDevice: string;
  valid: SessionCase[];
  invalid: SessionCase[];
}

describe('device-sessions.json', () => {
  const v = load<SessionFile>('device-sessions.json');
  const device = v.devices.find((d) => d.deviceId === v.verifyingDevice)!;
  const publicKey = fromHex(device.ed25519.publicKey);

  it.each(v.valid)('valid: $name', async (c) => {
    const input = { challengeId: c.challengeId, deviceId: c.deviceId, nonce: c.nonce };
    expect(Buffer.from(c.nonce, 'base64url').toString('hex')).toBe(c.nonceHex);
    expect(toHex(deviceSessionSigningInput(input))).toBe(c.signingInput);
    expect(await signDeviceSessionChallenge(provider, input, fromHex(device.ed25519.privateKey))).toBe(c.signature);
    expect(Buffer.from(device.certificate.ed25519, 'base64url').toString('hex')).toBe(device.ed25519.publicKey);
    await expect(verifyDeviceSessionSignature(provider, input, c.signature, publicKey)).resolves.toBeUndefined();
  });

  it.each(v.invalid)('invalid: $name → $error', async (c) => {
    await expect(
      verifyDeviceSessionSignature(provider, { challengeId: c.challengeId, deviceId: c.deviceId, nonce: c.nonce }, c.signature, publicKey),
    ).rejects.toMatchObject({ code: c.error });
  });
});

interface Verify {
  accountKey: string;
  userId: UserId;
  deviceId: DeviceId;
}
interface RevocationFile {
  accounts: Record<string, { privateKey: string; publicKey: string }>;
  valid: { name: string; statement: DeviceRevocation; canonicalJson: string; signingInput: string; verify: Verify }[];
  invalid: { name: string; statement: unknown; verify: Verify; error: string }[];
}

describe('device-revocations.json', () => {
  const v = load<RevocationFile>('device-revocations.json');
  const expectFrom = (verify: Verify) => ({ accountKey: fromHex(verify.accountKey), userId: verify.userId, deviceId: verify.deviceId });

  it.each(v.valid)('valid: $name', async (c) => {
    const { signature: _signature, ...unsigned } = c.statement;
    expect(deviceRevocationCanonicalJson(c.statement)).toBe(c.canonicalJson);
    expect(toHex(deviceRevocationSigningInput(c.statement))).toBe(c.signingInput);
    const account = v.accounts[c.statement.userId]!;
    expect(account.publicKey).toBe(c.verify.accountKey);
    expect(await signDeviceRevocation(provider, unsigned, fromHex(account.privateKey))).toEqual(c.statement);
    await expect(verifyDeviceRevocation(provider, c.statement, expectFrom(c.verify))).resolves.toEqual(c.statement);
  });

  it.each(v.invalid)('invalid: $name → $error', async (c) => {
    await expect(verifyDeviceRevocation(provider, c.statement, expectFrom(c.verify))).rejects.toMatchObject({ code: c.error });
  });
});
