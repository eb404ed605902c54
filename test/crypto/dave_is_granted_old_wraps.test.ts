/**
 * Wrap grants and grant chains (docs/protocol.md §6.5): alice adds dave under shared history and signs a
 * grant for his wrap of version 1; dave's newly linked phone gets a wrap granted by dave's laptop, so its
 * chain is two grants long. A wrap the key service made up (no grant, a grant for another wrap, a grant by
 * a non-member or an unknown device, a broken chain) is refused with a typed error and never unwrapped.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConversationId } from '../../src/common/ids';
import { isProtocolError, SignerNotCertifiedError } from '../../src/common/protocol/errors';
import { createKeyVersionRecord, publicKeyVersionRecord, unwrapConversationKey } from '../../src/common/protocol/keyVersionRecord';
import { verifyDeviceKeyVersion } from '../../src/common/protocol/keyVersionVerify';
import { wrapKey } from '../../src/common/protocol/keyWrap';
import { createWrapGrant, type WrapGrant } from '../../src/common/protocol/wrapGrant';
import { MAX_GRANT_CHAIN, type ResolveGranter } from '../../src/common/protocol/wrapGrantChain';
import { flipB64u, makeDevice, makeUser, provider, recipientsOf, type TestDevice, type TestUser } from './fixtures';

const conversationId = 'conv-grant-0001' as ConversationId;

async function setup() {
  const alice = await makeUser('alice', 2);
  const bob = await makeUser('bob');
  const dave = await makeUser('dave');
  const carol = await makeUser('carol');
  const creator = alice.devices[0]!;
  const { record, conversationKey } = await createKeyVersionRecord(provider, {
    conversationId,
    version: 1,
    createdAt: 10,
    createdByDevice: creator.deviceId,
    signingPrivateKey: creator.keys.ed25519.privateKey,
    recipients: recipientsOf(alice, bob),
  });
  const publicRecord = await publicKeyVersionRecord(provider, record);
  const members = new Set<string>([alice.userId, bob.userId, dave.userId]);
  const everyone = [alice, bob, dave, carol];
  const resolveGranter: ResolveGranter = async (deviceId) => {
    for (const u of everyone) {
      const d = u.devices.find((x) => x.deviceId === deviceId);
      if (d) return { certificate: d.certificate, accountKey: u.account.publicKey, isMember: members.has(u.userId) };
    }
    throw new SignerNotCertifiedError(`unknown device ${deviceId}`);
  };
  const wrapFor = (to: TestDevice, key = conversationKey) =>
    wrapKey(provider, {
      purpose: 'conversation',
      scopeId: conversationId,
      version: 1,
      recipientDeviceId: to.deviceId,
      recipientPublicKey: to.keys.x25519.publicKey,
      key,
    });
  const grant = (by: TestDevice, wrap: Awaited<ReturnType<typeof wrapFor>>, over: { version?: number; conversationId?: ConversationId } = {}) =>
    createWrapGrant(provider, {
      conversationId: over.conversationId ?? conversationId,
      version: over.version ?? 1,
      wrap,
      grantedBy: by.deviceId,
      grantedAt: 20,
      signingPrivateKey: by.keys.ed25519.privateKey,
    });
  const daveLaptop = dave.devices[0]!;
  const daveWrap = await wrapFor(daveLaptop);
  const daveGrant = await grant(creator, daveWrap);
  const verify = (to: TestDevice, wrap: unknown, grants: unknown, resolver: ResolveGranter = resolveGranter) =>
    verifyDeviceKeyVersion(
      provider,
      { record: publicRecord, wrap, grants },
      { conversationId, signerCertificate: creator.certificate, signerAccountKey: alice.account.publicKey, deviceId: to.deviceId, resolveGranter: resolver },
    );
  return { alice, dave, carol, creator, conversationKey, wrapFor, grant, daveLaptop, daveWrap, daveGrant, verify, resolveGranter };
}

async function linkPhone(user: TestUser): Promise<TestDevice> {
  const phone = await makeDevice(user.userId, user.account, `${user.userId}-phone`);
  user.devices.push(phone);
  return phone;
}

describe('dave is granted old wraps', () => {
  it('alice grants dave his wrap of version 1: the grant verifies and the wrap opens to the real key', async () => {
    const { daveLaptop, daveWrap, daveGrant, verify, conversationKey } = await setup();
    const fetched = await verify(daveLaptop, daveWrap, [daveGrant]);
    expect(fetched.coverage).toBe('grants');
    expect(fetched.grants).toEqual([daveGrant]);
    const key = await unwrapConversationKey(provider, fetched.record, fetched.wrap, {
      deviceId: daveLaptop.deviceId,
      x25519PrivateKey: daveLaptop.keys.x25519.privateKey,
    });
    expect(key).toEqual(conversationKey);
  });

  it("dave's linked phone reads through a two-grant chain (laptop, then alice)", async () => {
    const { dave, daveGrant, daveLaptop, wrapFor, grant, verify } = await setup();
    const phone = await linkPhone(dave);
    const phoneWrap = await wrapFor(phone);
    const phoneGrant = await grant(daveLaptop, phoneWrap);
    const fetched = await verify(phone, phoneWrap, [phoneGrant, daveGrant]);
    expect(fetched.grants.map((g) => g.grantedBy)).toEqual([daveLaptop.deviceId, daveGrant.grantedBy]);
    await expect(verify(phone, phoneWrap, [phoneGrant]), 'chain stops before a record member').rejects.toMatchObject({ code: 'uncovered_wrap' });
    await expect(verify(phone, phoneWrap, [phoneGrant, daveGrant, daveGrant]), 'chain continues past a record member').rejects.toMatchObject({
      code: 'uncovered_wrap',
    });
  });

  it('a wrap the key service made up is refused: no grant, or a real grant of another wrap', async () => {
    const { daveLaptop, daveGrant, wrapFor, verify } = await setup();
    const forged = await wrapFor(daveLaptop, new Uint8Array(32).fill(7));
    await expect(verify(daveLaptop, forged, undefined)).rejects.toMatchObject({ code: 'uncovered_wrap' });
    await expect(verify(daveLaptop, forged, [])).rejects.toMatchObject({ code: 'uncovered_wrap' });
    await expect(verify(daveLaptop, forged, [daveGrant])).rejects.toMatchObject({ code: 'bad_signature' });
  });

  it('grants by a non-member, an unknown device, or with a forged signature are refused', async () => {
    const { carol, creator, daveLaptop, daveWrap, daveGrant, grant, verify } = await setup();
    await expect(verify(daveLaptop, daveWrap, [await grant(carol.devices[0]!, daveWrap)])).rejects.toMatchObject({ code: 'signer_not_member' });
    await expect(verify(daveLaptop, daveWrap, [{ ...daveGrant, grantedBy: 'nobody-device-01' }])).rejects.toMatchObject({ code: 'signer_not_certified' });
    const byCarolClaimingAlice: WrapGrant = { ...(await grant(carol.devices[0]!, daveWrap)), grantedBy: creator.deviceId };
    await expect(verify(daveLaptop, daveWrap, [byCarolClaimingAlice])).rejects.toMatchObject({ code: 'bad_signature' });
    await expect(verify(daveLaptop, daveWrap, [{ ...daveGrant, signature: flipB64u(daveGrant.signature) }])).rejects.toMatchObject({ code: 'bad_signature' });
    await expect(verify(daveLaptop, daveWrap, [{ ...daveGrant, grantedAt: 21 }])).rejects.toMatchObject({ code: 'bad_signature' });
    // -0 passes an integer check but canonical JSON cannot encode it (found by the fuzz test below).
    await expect(verify(daveLaptop, daveWrap, [{ ...daveGrant, grantedAt: -0 }])).rejects.toSatisfy(isProtocolError);
  });

  it('grants for another version or conversation, loops and over-long chains are refused', async () => {
    const { dave, daveLaptop, daveWrap, daveGrant, creator, wrapFor, grant, verify } = await setup();
    await expect(verify(daveLaptop, daveWrap, [await grant(creator, daveWrap, { version: 2 })])).rejects.toMatchObject({ code: 'wrong_key_version' });
    await expect(verify(daveLaptop, daveWrap, [await grant(creator, daveWrap, { conversationId: 'conv-grant-0002' as ConversationId })])).rejects.toMatchObject(
      { code: 'wrong_conversation' },
    );
    const phone = await linkPhone(dave);
    const phoneWrap = await wrapFor(phone);
    const laptopToPhone = await grant(daveLaptop, phoneWrap);
    const phoneToLaptop = await grant(phone, daveWrap);
    await expect(verify(phone, phoneWrap, [laptopToPhone, phoneToLaptop, laptopToPhone])).rejects.toMatchObject({ code: 'uncovered_wrap' });
    const long = Array.from({ length: MAX_GRANT_CHAIN + 1 }, () => daveGrant);
    await expect(verify(daveLaptop, daveWrap, long)).rejects.toMatchObject({ code: 'uncovered_wrap' });
  });

  it('a granter the directory refuses is signer_not_certified', async () => {
    const { daveLaptop, daveWrap, daveGrant, verify } = await setup();
    const noResolver = verify(daveLaptop, daveWrap, [daveGrant], () => Promise.reject(new SignerNotCertifiedError('directory says no')));
    await expect(noResolver).rejects.toMatchObject({ code: 'signer_not_certified' });
  });

  it('random mutations of a grant never crash and never verify a different grant', async () => {
    const { daveLaptop, daveWrap, daveGrant, verify } = await setup();
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 2 }), fc.boolean(), async (field, value, remove) => {
        const target = JSON.parse(JSON.stringify(daveGrant)) as Record<string, unknown>;
        const keys = Object.keys(target);
        const key = keys.includes(field) ? field : (keys[field.length % keys.length] ?? 'v');
        if (remove) delete target[key];
        else target[key] = value;
        try {
          const fetched = await verify(daveLaptop, daveWrap, [target]);
          expect(fetched.grants[0]).toEqual(daveGrant);
        } catch (err) {
          if (!isProtocolError(err)) throw new Error(`untyped failure: ${String(err)}`);
        }
      }),
      { numRuns: 200 },
    );
  });
});
