/**
 * Vectors for a device accepting a fetched key version (docs/protocol.md §6.4): the key service's answer
 * `{record, wrap, grants}` as one device receives it, what that device knows (its keys, the directory's
 * certificates, the account keys it trusts, the current members) and either the conversation key it ends
 * with or the error code it must report. alice-desktop creates version 1 for alice's two devices and bob's;
 * dave (added under shared history) gets a wrap granted by alice-desktop, his phone one granted by his
 * desktop.
 */
import type { CryptoProvider } from '../../../src/common/crypto/provider';
import { toHex } from '../../../src/common/encoding/bytes';
import type { ConversationId, UserId } from '../../../src/common/ids';
import { createKeyVersionRecord, publicKeyVersionRecord, type KeyVersionRecord } from '../../../src/common/protocol/keyVersionRecord';
import { wrapKey, type KeyWrap } from '../../../src/common/protocol/keyWrap';
import { createWrapGrant, type WrapGrant } from '../../../src/common/protocol/wrapGrant';
import { deviceJson, fixedBytes, fixedX25519, flip, pairHex, vectorUser, type VectorDevice } from './fixedKeys';

const conversationId = 'conv-vector-0001' as ConversationId;

/** What a case overrides in the device's knowledge. */
interface Knowledge {
  /** Expected conversation (default: the file's). */
  conversationId?: string;
  /** Devices the directory cannot vouch for. */
  uncertified?: string[];
  /** Account keys the device trusts instead of the real ones (hex), by user. */
  trust?: Record<string, string>;
}

export async function buildAcceptanceVectors(provider: CryptoProvider) {
  const alice = await vectorUser(provider, 'alice', ['desktop', 'phone']);
  const bob = await vectorUser(provider, 'bob', ['desktop']);
  const dave = await vectorUser(provider, 'dave', ['desktop', 'phone']);
  const mallory = await vectorUser(provider, 'mallory', []);
  const creator = alice.devices[0]!;
  const [alicePhone, bobDesktop] = [alice.devices[1]!, bob.devices[0]!];
  const [daveDesktop, davePhone] = [dave.devices[0]!, dave.devices[1]!];
  const members = [...alice.devices, ...bob.devices];
  const conversationKey = await fixedBytes(provider, 'accept/v1/conversation-key');
  const version = async (recipients: { deviceId: VectorDevice['deviceId']; x25519PublicKey: Uint8Array }[], label: string) => {
    const ephemerals = new Map(
      await Promise.all(recipients.map(async (r) => [r.deviceId, await fixedX25519(provider, `accept/${label}/${r.deviceId}/ephemeral`)] as const)),
    );
    const { record } = await createKeyVersionRecord(provider, {
      conversationId,
      version: 1,
      createdAt: 1_735_689_700_000,
      createdByDevice: creator.deviceId,
      signingPrivateKey: creator.ed25519.privateKey,
      recipients,
      conversationKey,
      ephemerals,
    });
    return { record, publicRecord: await publicKeyVersionRecord(provider, record) };
  };
  const { record, publicRecord } = await version(
    members.map((d) => ({ deviceId: d.deviceId, x25519PublicKey: d.x25519.publicKey })),
    'v1',
  );
  const wrapOf = (r: KeyVersionRecord, d: VectorDevice): KeyWrap => r.wraps.find((w) => w.deviceId === d.deviceId)!;
  // A record alice-desktop signed whose wrap for bob-desktop was sealed to another key: it verifies, and does not open.
  const misdirected = await version(
    members.map((d) => ({ deviceId: d.deviceId, x25519PublicKey: d === bobDesktop ? daveDesktop.x25519.publicKey : d.x25519.publicKey })),
    'misdirected',
  );
  const lateWrap = async (to: VectorDevice, key = conversationKey, label = 'ephemeral') =>
    wrapKey(provider, {
      purpose: 'conversation',
      scopeId: conversationId,
      version: 1,
      recipientDeviceId: to.deviceId,
      recipientPublicKey: to.x25519.publicKey,
      key,
      ephemeral: await fixedX25519(provider, `accept/late/${to.deviceId}/${label}`),
    });
  const grant = (by: VectorDevice, wrap: KeyWrap, grantedAt: number): Promise<WrapGrant> =>
    createWrapGrant(provider, { conversationId, version: 1, wrap, grantedBy: by.deviceId, grantedAt, signingPrivateKey: by.ed25519.privateKey });
  const daveWrap = await lateWrap(daveDesktop);
  const daveGrant = await grant(creator, daveWrap, 1_735_689_800_000);
  const phoneWrap = await lateWrap(davePhone);
  const phoneGrant = await grant(daveDesktop, phoneWrap, 1_735_689_900_000);
  const serverWrap = await lateWrap(daveDesktop, await fixedBytes(provider, 'accept/late/server-chosen-key'), 'forged');

  const fetched = (rec: unknown, wrap: unknown, grants: unknown[] = []) => ({ record: rec, wrap, grants });
  const users = (...us: { userId: UserId }[]) => us.map((u) => u.userId);
  const valid = (
    name: string,
    device: VectorDevice,
    answer: ReturnType<typeof fetched>,
    coverage: 'record' | 'grants',
    allowedMembers: string[] | null = null,
  ) => ({
    name,
    deviceId: device.deviceId,
    version: 1,
    fetched: answer,
    allowedMembers,
    coverage,
    conversationKey: toHex(conversationKey),
  });
  const invalid = (
    name: string,
    device: VectorDevice,
    answer: ReturnType<typeof fetched>,
    error: string,
    more: Knowledge & { version?: number; allowedMembers?: string[] | null } = {},
  ) => ({
    name,
    deviceId: device.deviceId,
    version: more.version ?? 1,
    fetched: answer,
    allowedMembers: more.allowedMembers ?? null,
    ...(more.conversationId !== undefined ? { conversationId: more.conversationId } : {}),
    ...(more.uncertified !== undefined ? { uncertified: more.uncertified } : {}),
    ...(more.trust !== undefined ? { trust: more.trust } : {}),
    error,
  });
  const bobsAnswer = fetched(publicRecord, wrapOf(record, bobDesktop));
  const withoutDigest = { ...publicRecord, wrapDigests: publicRecord.wrapDigests.slice(1) };
  const { signature: _signature, ...unsigned } = publicRecord;
  return {
    description:
      "A device accepts a fetched key version (docs/protocol.md §6.4): parse the public record and its own wrap; look up the signer (certificate from `devices`, account key from `accounts` unless the case `trust`s another); verify the record (§6.3, expected `conversationId` and `version`) and the wrap: its digest in `wrapDigests` when the device is a member device, else the grant chain `grants` (§6.5; a granter is a member when its user is in `members` or it is one of the record's memberDevices); every member device must be one the directory vouches for (all of `devices` except the case's `uncertified`) and, when `allowedMembers` is not null, belong to one of those users; then open the wrap. Valid cases end with `conversationKey`; invalid ones with `error`.",
    conversationId,
    accounts: Object.fromEntries([alice, bob, dave, mallory].map((u) => [u.userId, pairHex(u.account)])),
    devices: [...members, daveDesktop, davePhone].map(deviceJson),
    members: users(alice, bob, dave),
    valid: [
      valid('bob-desktop reads version 1 (its wrap is in the record)', bobDesktop, bobsAnswer, 'record'),
      valid(
        'alice-phone reads the current version; every member device belongs to a current member',
        alicePhone,
        fetched(publicRecord, wrapOf(record, alicePhone)),
        'record',
        users(alice, bob, dave),
      ),
      valid(
        "dave-desktop (added under shared history) reads it through alice-desktop's grant",
        daveDesktop,
        fetched(publicRecord, daveWrap, [daveGrant]),
        'grants',
      ),
      valid('dave-phone (linked later) reads it through a chain of two grants', davePhone, fetched(publicRecord, phoneWrap, [phoneGrant, daveGrant]), 'grants'),
    ],
    invalid: [
      invalid(
        'record signature bit flipped',
        bobDesktop,
        fetched({ ...publicRecord, signature: flip(publicRecord.signature) }, wrapOf(record, bobDesktop)),
        'bad_signature',
      ),
      invalid(
        'record createdAt edited',
        bobDesktop,
        fetched({ ...publicRecord, createdAt: publicRecord.createdAt + 1 }, wrapOf(record, bobDesktop)),
        'bad_signature',
      ),
      invalid(
        "alice-phone's wrap relabelled for bob-desktop (not the one the record signs)",
        bobDesktop,
        fetched(publicRecord, { ...wrapOf(record, alicePhone), deviceId: bobDesktop.deviceId }),
        'bad_signature',
      ),
      invalid("bob-desktop is served alice-phone's wrap", bobDesktop, fetched(publicRecord, wrapOf(record, alicePhone)), 'incomplete_wraps'),
      invalid('one wrap digest missing', bobDesktop, fetched(withoutDigest, wrapOf(record, bobDesktop)), 'incomplete_wraps'),
      invalid('record of another conversation than asked', bobDesktop, bobsAnswer, 'wrong_conversation', { conversationId: 'conv-vector-0002' }),
      invalid('version 1 served when version 2 was asked', bobDesktop, bobsAnswer, 'wrong_key_version', { version: 2 }),
      invalid("the signer's user is trusted under another account key", bobDesktop, bobsAnswer, 'signer_not_certified', {
        trust: { [alice.userId]: toHex(mallory.account.publicKey) },
      }),
      invalid('a member device the directory cannot vouch for', bobDesktop, bobsAnswer, 'member_mismatch', { uncertified: [alicePhone.deviceId] }),
      invalid(
        'a member device of a user who is no longer a member (current version)',
        alicePhone,
        fetched(publicRecord, wrapOf(record, alicePhone)),
        'member_mismatch',
        { allowedMembers: users(alice, dave) },
      ),
      invalid('a late wrap without any grant', daveDesktop, fetched(publicRecord, daveWrap), 'uncovered_wrap'),
      invalid('a late wrap of a key the server chose, with the real grant', daveDesktop, fetched(publicRecord, serverWrap, [daveGrant]), 'bad_signature'),
      invalid('a grant chain that stops before a record member device', davePhone, fetched(publicRecord, phoneWrap, [phoneGrant]), 'uncovered_wrap'),
      invalid('a signed wrap that was sealed to another key', bobDesktop, fetched(misdirected.publicRecord, wrapOf(misdirected.record, bobDesktop)), 'bad_tag'),
      invalid('record without its signature', bobDesktop, fetched(unsigned, wrapOf(record, bobDesktop)), 'malformed'),
      invalid('record of format version 2', bobDesktop, fetched({ ...publicRecord, v: 2 }, wrapOf(record, bobDesktop)), 'unsupported_version'),
    ],
  };
}
