/**
 * Replays test/vectors/wrap-grants.json (docs/protocol.md §6.5) from the file alone: every valid grant is
 * rebuilt byte for byte (canonical JSON, signing input, signature), its chain verifies and the wrap opens
 * to the conversation key; every invalid case fails with its stated error code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/common/encoding/bytes';
import type { ConversationId, DeviceId } from '../../src/common/ids';
import { SignerNotCertifiedError } from '../../src/common/protocol/errors';
import { unwrapConversationKey } from '../../src/common/protocol/keyVersionRecord';
import { verifyDeviceKeyVersion } from '../../src/common/protocol/keyVersionVerify';
import { wrapKey, type KeyWrap } from '../../src/common/protocol/keyWrap';
import { createWrapGrant, wrapGrantCanonicalJson, wrapGrantSigningInput, type WrapGrant } from '../../src/common/protocol/wrapGrant';
import type { ResolveGranter } from '../../src/common/protocol/wrapGrantChain';
import { provider } from './fixtures';

interface VectorDevice {
  deviceId: DeviceId;
  userId: string;
  x25519: { privateKey: string; publicKey: string };
  ed25519: { privateKey: string; publicKey: string };
  certificate: { accountKey: string };
}
interface GrantStep {
  grant: WrapGrant;
  canonicalJson: string;
  signingInput: string;
}
interface ValidCase {
  name: string;
  recipient: DeviceId;
  ephemeral: { privateKey: string; publicKey: string };
  wrap: KeyWrap;
  wrapDigest: string;
  grants: GrantStep[];
}
interface InvalidCase {
  name: string;
  recipient: DeviceId;
  wrap: KeyWrap;
  grants: unknown[];
  error: string;
}
interface GrantFile {
  accounts: Record<string, { publicKey: string }>;
  devices: VectorDevice[];
  members: string[];
  conversationKey: string;
  publicRecord: { conversationId: ConversationId; version: number };
  verify: { conversationId: ConversationId; signerDevice: string; signerAccountKey: string };
  valid: ValidCase[];
  invalid: InvalidCase[];
}

const v = JSON.parse(readFileSync(join(__dirname, '..', 'vectors', 'wrap-grants.json'), 'utf8')) as GrantFile;
const device = (id: string) => v.devices.find((d) => d.deviceId === id);
const resolveGranter: ResolveGranter = async (deviceId) => {
  const d = device(deviceId);
  if (!d) throw new SignerNotCertifiedError(`unknown device ${deviceId}`);
  return { certificate: d.certificate, accountKey: fromHex(v.accounts[d.userId]!.publicKey), isMember: v.members.includes(d.userId) };
};
const verify = (recipient: DeviceId, wrap: unknown, grants: unknown) =>
  verifyDeviceKeyVersion(
    provider,
    { record: v.publicRecord, wrap, grants },
    {
      conversationId: v.verify.conversationId,
      signerCertificate: device(v.verify.signerDevice)!.certificate,
      signerAccountKey: fromHex(v.verify.signerAccountKey),
      deviceId: recipient,
      resolveGranter,
    },
  );

describe('wrap-grants.json', () => {
  it.each(v.valid)('valid: $name', async (c) => {
    const to = device(c.recipient)!;
    const rewrapped = await wrapKey(provider, {
      purpose: 'conversation',
      scopeId: v.publicRecord.conversationId,
      version: v.publicRecord.version,
      recipientDeviceId: c.recipient,
      recipientPublicKey: fromHex(to.x25519.publicKey),
      key: fromHex(v.conversationKey),
      ephemeral: { privateKey: fromHex(c.ephemeral.privateKey), publicKey: fromHex(c.ephemeral.publicKey) },
    });
    expect(rewrapped).toEqual(c.wrap);
    const first = c.grants[0]!.grant;
    const granter = device(first.grantedBy)!;
    const rebuilt = await createWrapGrant(provider, {
      conversationId: first.conversationId,
      version: first.version,
      wrap: c.wrap,
      grantedBy: first.grantedBy,
      grantedAt: first.grantedAt,
      signingPrivateKey: fromHex(granter.ed25519.privateKey),
    });
    expect(rebuilt).toEqual(first);
    expect(first.wrapDigest).toBe(c.wrapDigest);
    for (const step of c.grants) {
      expect(wrapGrantCanonicalJson(step.grant)).toBe(step.canonicalJson);
      expect(toHex(wrapGrantSigningInput(step.grant))).toBe(step.signingInput);
    }
    const fetched = await verify(
      c.recipient,
      c.wrap,
      c.grants.map((s) => s.grant),
    );
    expect(fetched.coverage).toBe('grants');
    const key = await unwrapConversationKey(provider, fetched.record, fetched.wrap, { deviceId: c.recipient, x25519PrivateKey: fromHex(to.x25519.privateKey) });
    expect(toHex(key)).toBe(v.conversationKey);
  });
  it.each(v.invalid)('invalid: $name → $error', async (c) => {
    await expect(verify(c.recipient, c.wrap, c.grants)).rejects.toMatchObject({ code: c.error });
  });
});
