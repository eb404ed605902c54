/**
 * docs/protocol.md §2.5: certificates, key-version records, wrap grants, envelopes and broadcasts carry
 * `"v": 1`, and another number there is `unsupported_version`, checked before anything else. A key wrap and
 * the inner plaintext header carry no `v`: a `v` member there is an unknown member like any other,
 * `malformed`, whatever its value.
 */
import { describe, expect, it } from 'vitest';
import { tuple } from '../../src/common/encoding/bytes';
import { canonicalJson } from '../../src/common/encoding/canonicalJson';
import type { ConversationId } from '../../src/common/ids';
import { parseEnvelope } from '../../src/common/protocol/envelope';
import { createKeyVersionRecord, publicKeyVersionRecord } from '../../src/common/protocol/keyVersionRecord';
import { verifyDeviceKeyVersion } from '../../src/common/protocol/keyVersionVerify';
import { unwrapKey } from '../../src/common/protocol/keyWrap';
import { decodePlaintext } from '../../src/common/protocol/plaintext';
import { makeUser, provider, recipientsOf } from './fixtures';

const conversationId = 'conv-versions-1' as ConversationId;

async function fetched() {
  const alice = await makeUser('alice', 2);
  const signer = alice.devices[0]!;
  const { record } = await createKeyVersionRecord(provider, {
    conversationId,
    version: 1,
    createdAt: 1,
    createdByDevice: signer.deviceId,
    signingPrivateKey: signer.keys.ed25519.privateKey,
    recipients: recipientsOf(alice),
  });
  const device = alice.devices[1]!;
  const verify = (wrap: unknown) =>
    verifyDeviceKeyVersion(
      provider,
      { record: publicRecord, wrap },
      { conversationId, signerCertificate: signer.certificate, signerAccountKey: alice.account.publicKey, deviceId: device.deviceId },
    );
  const publicRecord = await publicKeyVersionRecord(provider, record);
  return { record, publicRecord, device, verify, wrap: record.wraps.find((w) => w.deviceId === device.deviceId)! };
}

describe('only versioned objects have a v member', () => {
  it('a key wrap with a v member is malformed, whatever the value', async () => {
    const { verify, wrap, device } = await fetched();
    await expect(verify(wrap)).resolves.toMatchObject({ coverage: 'record' });
    for (const v of [1, 2, 'x']) {
      await expect(verify({ ...wrap, v }), `v: ${String(v)}`).rejects.toMatchObject({ code: 'malformed' });
      await expect(
        unwrapKey(provider, {
          purpose: 'conversation',
          scopeId: conversationId,
          version: 1,
          wrap: { ...wrap, v } as never,
          deviceId: device.deviceId,
          privateKey: device.keys.x25519.privateKey,
        }),
      ).rejects.toMatchObject({ code: 'malformed' });
    }
  });

  it('an inner plaintext header with a v member is malformed, whatever the value', () => {
    const header = { id: 'msg-0000000001', sentAt: 1, type: 'string' };
    expect(decodePlaintext(tuple(canonicalJson(header), 'hi'))).toMatchObject({ body: 'hi' });
    for (const v of [1, 2]) expect(() => decodePlaintext(tuple(canonicalJson({ ...header, v }), 'hi'))).toThrow(expect.objectContaining({ code: 'malformed' }));
  });

  it('a versioned object with another v is unsupported_version before any other check', async () => {
    const { publicRecord, wrap, verify } = await fetched();
    expect(() => parseEnvelope({ v: 2 })).toThrow(expect.objectContaining({ code: 'unsupported_version' }));
    expect(() => parseEnvelope({ v: '1' })).toThrow(expect.objectContaining({ code: 'malformed' }));
    await expect(
      verifyDeviceKeyVersion(
        provider,
        { record: { ...publicRecord, v: 2, signature: 'not base64url!' }, wrap },
        { conversationId, signerCertificate: null, signerAccountKey: new Uint8Array(32), deviceId: wrap.deviceId },
      ),
    ).rejects.toMatchObject({ code: 'unsupported_version' });
    await expect(verify(wrap)).resolves.toBeDefined();
  });
});
