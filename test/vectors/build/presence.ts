/**
 * Vectors for presence statuses (docs/protocol.md §7.8): an `online` and an `away` status sealed as envelopes
 * of type `presence`, and statuses a receiver refuses — at the envelope (`bad_signature`), for their type
 * (`wrong_envelope_type`), for their body (`malformed`) or because they are in another user's state
 * (`presence_not_own`).
 */
import type { CryptoProvider } from '../../../src/common/crypto/provider';
import { toHex } from '../../../src/common/encoding/bytes';
import { utf8Decode } from '../../../src/common/encoding/utf8';
import type { ConversationId, MessageId } from '../../../src/common/ids';
import { envelopeAad } from '../../../src/common/protocol/envelope';
import { sealEnvelope } from '../../../src/common/protocol/envelopeSeal';
import { encodePlaintext, type MessagePlaintext } from '../../../src/common/protocol/plaintext';
import { presencePlaintext, type PresenceStatus } from '../../../src/common/protocol/presenceStatus';
import { fixedBytes, pairHex, vectorUser } from './fixedKeys';

const conversationId = 'conv-vector-0001' as ConversationId;

const statuses: { name: string; id: MessageId; sentAt: number; status: PresenceStatus }[] = [
  { name: 'online without text', id: 'msg-vector-0301' as MessageId, sentAt: 1_735_689_900_000, status: { availability: 'online', text: '' } },
  {
    name: 'away with a text',
    id: 'msg-vector-0302' as MessageId,
    sentAt: 1_735_689_901_000,
    status: { availability: 'away', text: 'In a meeting — back at 3 🕒' },
  },
];

export async function buildPresenceVectors(provider: CryptoProvider) {
  const alice = await vectorUser(provider, 'alice', ['desktop']);
  const bob = await vectorUser(provider, 'bob', ['phone']);
  const sender = alice.devices[0]!;
  const key = await fixedBytes(provider, 'presence/key-v1');
  const seal = async (plaintext: MessagePlaintext, type: 'presence' | 'message', nonceLabel: string) =>
    sealEnvelope(provider, {
      type,
      conversationId,
      keyVersion: 1,
      key,
      senderDevice: sender.deviceId,
      signingPrivateKey: sender.ed25519.privateKey,
      plaintext,
      channel: `conv.${conversationId}`,
      nonce: await fixedBytes(provider, nonceLabel, 12),
    });
  const valid = [];
  for (const [i, s] of statuses.entries()) {
    const plaintext = presencePlaintext(s.status, s.id, s.sentAt);
    const envelope = await seal(plaintext, 'presence', `presence/${i}/nonce`);
    valid.push({
      name: s.name,
      stateOf: alice.userId,
      status: s.status,
      plaintext,
      plaintextBytes: toHex(encodePlaintext(plaintext)),
      nonce: toHex(await fixedBytes(provider, `presence/${i}/nonce`, 12)),
      aad: utf8Decode(envelopeAad(envelope)),
      state: { seed: envelope },
    });
  }
  const away = valid[1]!.state.seed;
  const json = (id: string, body: unknown): MessagePlaintext => ({ id: id as MessageId, sentAt: 1_735_689_902_000, type: 'json', body: body as never });
  return {
    description:
      'Presence statuses (§7.8): envelopes (§7) of header type presence with a closed json body {availability, text}, carried as PubNub presence state {"seed": envelope} of the sender user id. Context: the conversation key of version 1, the devices of alice (the sender) and bob, both certified members.',
    conversationKey: toHex(key),
    devices: [alice, bob].map((u) => ({ userId: u.userId, deviceId: u.devices[0]!.deviceId, ed25519: pairHex(u.devices[0]!.ed25519) })),
    valid,
    invalid: [
      {
        name: 'header type changed from presence to message',
        stateOf: alice.userId,
        state: { seed: { ...away, type: 'message' } },
        error: 'wrong_envelope_type',
      },
      {
        name: 'a message envelope as a status',
        stateOf: alice.userId,
        state: {
          seed: await seal(
            { id: 'msg-vector-0303' as MessageId, sentAt: 1_735_689_902_000, type: 'string', body: 'hello' },
            'message',
            'presence/invalid/0/nonce',
          ),
        },
        error: 'wrong_envelope_type',
      },
      {
        name: 'signature altered',
        stateOf: alice.userId,
        state: { seed: { ...away, signature: `${away.signature.startsWith('A') ? 'B' : 'A'}${away.signature.slice(1)}` } },
        error: 'bad_signature',
      },
      {
        name: "alice's genuine status in bob's state",
        stateOf: bob.userId,
        state: { seed: away },
        error: 'presence_not_own',
      },
      {
        name: 'unknown availability',
        stateOf: alice.userId,
        state: { seed: await seal(json('msg-vector-0304', { availability: 'busy', text: '' }), 'presence', 'presence/invalid/1/nonce') },
        error: 'malformed',
      },
      {
        name: 'text over 140 characters',
        stateOf: alice.userId,
        state: { seed: await seal(json('msg-vector-0305', { availability: 'online', text: 'x'.repeat(141) }), 'presence', 'presence/invalid/2/nonce') },
        error: 'malformed',
      },
      {
        name: 'an unknown member in the body',
        stateOf: alice.userId,
        state: { seed: await seal(json('msg-vector-0306', { availability: 'online', text: '', admin: true }), 'presence', 'presence/invalid/3/nonce') },
        error: 'malformed',
      },
    ],
  };
}
