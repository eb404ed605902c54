/**
 * A device verifies what it fetches from the key service (docs/protocol.md §6.4): the public record
 * (wrap digests, no wraps) plus its own wrap. The signature covers the digest of every member's wrap,
 * so a wrap swapped by the server is caught; a wrap for a device added after the version was created,
 * which the signature cannot cover, is refused without a grant chain (§6.5, see
 * dave_is_granted_old_wraps.test.ts). Mutations of either part are typed errors.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConversationId } from '../../src/common/ids';
import { isProtocolError } from '../../src/common/protocol/errors';
import { createKeyVersionRecord, publicKeyVersionRecord, unwrapConversationKey } from '../../src/common/protocol/keyVersionRecord';
import { verifyDeviceKeyVersion } from '../../src/common/protocol/keyVersionVerify';
import { wrapKey } from '../../src/common/protocol/keyWrap';
import { flipB64u, makeDevice, makeUser, provider, recipientsOf } from './fixtures';

const conversationId = 'conv-fetch-0001' as ConversationId;

async function setup() {
  const alice = await makeUser('alice');
  const bob = await makeUser('bob', 2);
  const signer = alice.devices[0]!;
  const { record, conversationKey } = await createKeyVersionRecord(provider, {
    conversationId,
    version: 1,
    createdAt: 10,
    createdByDevice: signer.deviceId,
    signingPrivateKey: signer.keys.ed25519.privateKey,
    recipients: recipientsOf(alice, bob),
  });
  const publicRecord = JSON.parse(JSON.stringify(await publicKeyVersionRecord(provider, record))) as unknown;
  const expectFor = (deviceId: string) => ({
    conversationId,
    signerCertificate: signer.certificate,
    signerAccountKey: alice.account.publicKey,
    deviceId: deviceId as never,
  });
  return { alice, bob, record, conversationKey, publicRecord, expectFor };
}

describe('bob fetches his wrap', () => {
  it('the public record and his own wrap verify, and the wrap opens', async () => {
    const { bob, record, conversationKey, publicRecord, expectFor } = await setup();
    const dev = bob.devices[1]!;
    const wrap = record.wraps.find((w) => w.deviceId === dev.deviceId)!;
    const fetched = await verifyDeviceKeyVersion(provider, { record: publicRecord, wrap }, expectFor(dev.deviceId));
    expect(fetched.coverage).toBe('record');
    expect(JSON.stringify(fetched.record)).not.toContain(wrap.ct);
    expect(
      await unwrapConversationKey(provider, fetched.record, fetched.wrap, { deviceId: dev.deviceId, x25519PrivateKey: dev.keys.x25519.privateKey }),
    ).toEqual(conversationKey);
  });

  it('a wrap the server made up for a member device is bad_signature, even if it would open', async () => {
    const { bob, publicRecord, expectFor } = await setup();
    const dev = bob.devices[0]!;
    const forged = await wrapKey(provider, {
      purpose: 'conversation',
      scopeId: conversationId,
      version: 1,
      recipientDeviceId: dev.deviceId,
      recipientPublicKey: dev.keys.x25519.publicKey,
      key: new Uint8Array(32).fill(1),
    });
    await expect(verifyDeviceKeyVersion(provider, { record: publicRecord, wrap: forged }, expectFor(dev.deviceId))).rejects.toMatchObject({
      code: 'bad_signature',
    });
  });

  it('a device linked later gets a wrap outside the signature: without grants it is uncovered_wrap', async () => {
    const { bob, publicRecord, conversationKey, expectFor } = await setup();
    const linked = await makeDevice(bob.userId, bob.account, 'bob-dev-new');
    const wrap = await wrapKey(provider, {
      purpose: 'conversation',
      scopeId: conversationId,
      version: 1,
      recipientDeviceId: linked.deviceId,
      recipientPublicKey: linked.keys.x25519.publicKey,
      key: conversationKey,
    });
    await expect(verifyDeviceKeyVersion(provider, { record: publicRecord, wrap }, expectFor(linked.deviceId))).rejects.toMatchObject({
      code: 'uncovered_wrap',
    });
    const noGranter = { ...expectFor(linked.deviceId), resolveGranter: () => Promise.reject(new Error('no granter may be asked without grants')) };
    await expect(verifyDeviceKeyVersion(provider, { record: publicRecord, wrap, grants: [] }, noGranter)).rejects.toMatchObject({ code: 'uncovered_wrap' });
  });

  it('a wrap for another device, or a tampered public record, is a typed error', async () => {
    const { bob, record, publicRecord, expectFor } = await setup();
    const dev = bob.devices[0]!;
    const own = record.wraps.find((w) => w.deviceId === dev.deviceId)!;
    const other = record.wraps.find((w) => w.deviceId !== dev.deviceId)!;
    const pr = publicRecord as { wrapDigests: string[]; signature: string; createdAt: number };
    const cases: [unknown, unknown, string][] = [
      [publicRecord, other, 'incomplete_wraps'],
      [{ ...pr, wrapDigests: pr.wrapDigests.slice(1) }, own, 'incomplete_wraps'],
      [{ ...pr, wrapDigests: pr.wrapDigests.map((d, i) => (i === 0 ? flipB64u(d) : d)) }, own, 'bad_signature'],
      [{ ...pr, createdAt: pr.createdAt + 1 }, own, 'bad_signature'],
      [{ ...pr, wraps: record.wraps }, own, 'malformed'],
      [publicRecord, { ...own, ct: flipB64u(own.ct) }, 'bad_signature'],
    ];
    for (const [rec, wrap, code] of cases) {
      await expect(verifyDeviceKeyVersion(provider, { record: rec, wrap }, expectFor(dev.deviceId)), code).rejects.toMatchObject({ code });
    }
  });

  it('random mutations of the public record or the wrap never crash and never verify a different wrap', async () => {
    const { bob, record, publicRecord, expectFor } = await setup();
    const dev = bob.devices[0]!;
    const own = record.wraps.find((w) => w.deviceId === dev.deviceId)!;
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), async (onWrap, field, value) => {
        const target = JSON.parse(JSON.stringify(onWrap ? own : publicRecord)) as Record<string, unknown>;
        const keys = Object.keys(target);
        const key = keys.includes(field) ? field : (keys[field.length % keys.length] ?? 'v');
        target[key] = value;
        try {
          const fetched = await verifyDeviceKeyVersion(
            provider,
            { record: onWrap ? publicRecord : target, wrap: onWrap ? target : own },
            expectFor(dev.deviceId),
          );
          expect(fetched.wrap).toEqual(own);
        } catch (err) {
          if (!isProtocolError(err)) throw new Error(`untyped failure: ${String(err)}`);
        }
      }),
      { numRuns: 200 },
    );
  });
});
