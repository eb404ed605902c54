/**
 * Vectors for wrap grants and grant chains (docs/protocol.md §6.5): alice-desktop creates version 1 for
 * alice and bob, then grants dave-desktop a wrap (dave added under shared history); dave-desktop grants
 * dave-phone (linked later) its wrap, a chain of two. Invalid cases name the error a verifier reports.
 */
import type { CryptoProvider } from '../../../src/common/crypto/provider';
import { toHex } from '../../../src/common/encoding/bytes';
import type { ConversationId } from '../../../src/common/ids';
import { createKeyVersionRecord, publicKeyVersionRecord, wrapDigest } from '../../../src/common/protocol/keyVersionRecord';
import { wrapKey, type KeyWrap } from '../../../src/common/protocol/keyWrap';
import { createWrapGrant, wrapGrantCanonicalJson, wrapGrantSigningInput, type WrapGrant } from '../../../src/common/protocol/wrapGrant';
import { deviceJson, fixedBytes, fixedX25519, flip, pairHex, vectorUser, type VectorDevice } from './fixedKeys';

const conversationId = 'conv-vector-0001' as ConversationId;

export async function buildGrantVectors(provider: CryptoProvider) {
  const alice = await vectorUser(provider, 'alice', ['desktop', 'phone']);
  const bob = await vectorUser(provider, 'bob', ['desktop']);
  const dave = await vectorUser(provider, 'dave', ['desktop', 'phone']);
  const carol = await vectorUser(provider, 'carol', ['desktop']);
  const creator = alice.devices[0]!;
  const [daveDesktop, davePhone] = [dave.devices[0]!, dave.devices[1]!];
  const conversationKey = await fixedBytes(provider, 'grant/v1/conversation-key');
  const members = [...alice.devices, ...bob.devices];
  const ephemerals = new Map(
    await Promise.all(members.map(async (d) => [d.deviceId, await fixedX25519(provider, `grant/v1/${d.deviceId}/ephemeral`)] as const)),
  );
  const { record } = await createKeyVersionRecord(provider, {
    conversationId,
    version: 1,
    createdAt: 1_735_689_700_000,
    createdByDevice: creator.deviceId,
    signingPrivateKey: creator.ed25519.privateKey,
    recipients: members.map((d) => ({ deviceId: d.deviceId, x25519PublicKey: d.x25519.publicKey })),
    conversationKey,
    ephemerals,
  });
  const publicRecord = await publicKeyVersionRecord(provider, record);
  const wrapFor = async (to: VectorDevice, key = conversationKey, label = 'ephemeral') => {
    const ephemeral = await fixedX25519(provider, `grant/v1/${to.deviceId}/${label}`);
    return {
      ephemeral,
      wrap: await wrapKey(provider, {
        purpose: 'conversation',
        scopeId: conversationId,
        version: 1,
        recipientDeviceId: to.deviceId,
        recipientPublicKey: to.x25519.publicKey,
        key,
        ephemeral,
      }),
    };
  };
  const grant = (by: VectorDevice, wrap: KeyWrap, grantedAt: number, version = 1) =>
    createWrapGrant(provider, { conversationId, version, wrap, grantedBy: by.deviceId, grantedAt, signingPrivateKey: by.ed25519.privateKey });
  const daveWrap = await wrapFor(daveDesktop);
  const daveGrant = await grant(creator, daveWrap.wrap, 1_735_689_800_000);
  const phoneWrap = await wrapFor(davePhone);
  const phoneGrant = await grant(daveDesktop, phoneWrap.wrap, 1_735_689_900_000);
  const forged = await wrapFor(daveDesktop, await fixedBytes(provider, 'grant/v1/server-chosen-key'), 'forged');
  const grantCase = async (name: string, recipient: VectorDevice, wrap: KeyWrap, ephemeral: Parameters<typeof pairHex>[0], grants: WrapGrant[]) => ({
    name,
    recipient: recipient.deviceId,
    ephemeral: pairHex(ephemeral),
    wrap,
    wrapDigest: await wrapDigest(provider, wrap),
    grants: grants.map((g) => ({ grant: g, canonicalJson: wrapGrantCanonicalJson(g), signingInput: toHex(wrapGrantSigningInput(g)) })),
  });
  const bad = (name: string, recipient: VectorDevice, wrap: KeyWrap, grants: unknown[], error: string) => ({
    name,
    recipient: recipient.deviceId,
    wrap,
    grants,
    error,
  });
  return {
    description:
      'Wrap grants: grant = {v:1, conversationId, version, recipientDeviceId, wrapDigest (as in key-version-records.json), grantedBy, grantedAt}; signature = Ed25519(granting device, tuple("seed-wrap-grant-v1", canonicalJson(grant without signature))). A wrap outside the record is accepted only with a chain: grants[0] covers the wrap, grants[i+1] covers grants[i].grantedBy\'s wrap, the last grantedBy is in memberDevices; every granter is certified and its user a member (`members`).',
    accounts: {
      [alice.userId]: pairHex(alice.account),
      [bob.userId]: pairHex(bob.account),
      [dave.userId]: pairHex(dave.account),
      [carol.userId]: pairHex(carol.account),
    },
    devices: [...members, daveDesktop, davePhone, ...carol.devices].map(deviceJson),
    members: [alice.userId, bob.userId, dave.userId],
    conversationKey: toHex(conversationKey),
    publicRecord,
    verify: { conversationId, signerDevice: creator.deviceId, signerAccountKey: toHex(alice.account.publicKey) },
    valid: [
      await grantCase('alice-desktop grants dave-desktop (dave added under shared history)', daveDesktop, daveWrap.wrap, daveWrap.ephemeral, [daveGrant]),
      await grantCase('dave-desktop grants dave-phone (linked later): a chain of two', davePhone, phoneWrap.wrap, phoneWrap.ephemeral, [phoneGrant, daveGrant]),
    ],
    invalid: [
      bad('no grant', daveDesktop, daveWrap.wrap, [], 'uncovered_wrap'),
      bad('a wrap of a key the server chose, with the real grant', daveDesktop, forged.wrap, [daveGrant], 'bad_signature'),
      bad('signature bit flipped', daveDesktop, daveWrap.wrap, [{ ...daveGrant, signature: flip(daveGrant.signature) }], 'bad_signature'),
      bad('grantedAt changed', daveDesktop, daveWrap.wrap, [{ ...daveGrant, grantedAt: daveGrant.grantedAt + 1 }], 'bad_signature'),
      bad('granted by a certified device of a non-member', daveDesktop, daveWrap.wrap, [await grant(carol.devices[0]!, daveWrap.wrap, 1)], 'signer_not_member'),
      bad('granted by an unknown device', daveDesktop, daveWrap.wrap, [{ ...daveGrant, grantedBy: 'nobody-device-0001' }], 'signer_not_certified'),
      bad('grant for another version', daveDesktop, daveWrap.wrap, [await grant(creator, daveWrap.wrap, 1, 2)], 'wrong_key_version'),
      bad('chain stops before a record member device', davePhone, phoneWrap.wrap, [phoneGrant], 'uncovered_wrap'),
      bad('grant for another recipient first', davePhone, phoneWrap.wrap, [daveGrant], 'malformed'),
      bad('unknown field', daveDesktop, daveWrap.wrap, [{ ...daveGrant, note: 'x' }], 'malformed'),
      bad('version 2 of the format', daveDesktop, daveWrap.wrap, [{ ...daveGrant, v: 2 }], 'unsupported_version'),
    ],
  };
}
