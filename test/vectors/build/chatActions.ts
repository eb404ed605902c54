/**
 * Vectors for chat actions (docs/protocol.md §7.7): a reply, an edit, a delete for everyone and reactions sealed as
 * envelopes of their own type, and the receiver's decisions — which edit is current, and which actions are
 * refused (`not_author`, `malformed`, and the envelope checks of §7.4 on the new types).
 */
import type { CryptoProvider } from '../../../src/common/crypto/provider';
import { toHex } from '../../../src/common/encoding/bytes';
import { utf8Decode } from '../../../src/common/encoding/utf8';
import type { ConversationId, MessageId } from '../../../src/common/ids';
import { chatActionPlaintext, type ChatAction } from '../../../src/common/protocol/chatAction';
import { envelopeAad, envelopeSigningInput } from '../../../src/common/protocol/envelope';
import { sealEnvelope } from '../../../src/common/protocol/envelopeSeal';
import { encodePlaintext, type MessagePlaintext } from '../../../src/common/protocol/plaintext';
import { fixedBytes, pairHex, vectorUser } from './fixedKeys';

const conversationId = 'conv-vector-0001' as ConversationId;
const original = 'msg-vector-0001' as MessageId;

const actions: { name: string; id: MessageId; sentAt: number; action: ChatAction; by?: 'mallory' }[] = [
  { name: 'reply', id: 'msg-vector-0101' as MessageId, sentAt: 1_735_689_801_000, action: { kind: 'reply', replyTo: original, text: 'Re: Grüße 👋' } },
  { name: 'edit', id: 'msg-vector-0102' as MessageId, sentAt: 1_735_689_802_000, action: { kind: 'edit', target: original, text: 'Hello Bob! (edited)' } },
  { name: 'delete', id: 'msg-vector-0103' as MessageId, sentAt: 1_735_689_803_000, action: { kind: 'delete', target: original } },
  {
    name: 'reaction added by mallory (any member may react to any message)',
    id: 'msg-vector-0104' as MessageId,
    sentAt: 1_735_689_805_000,
    action: { kind: 'reaction', target: original, value: '👍🏽', op: 'add' },
    by: 'mallory',
  },
  {
    name: 'reaction removed by mallory',
    id: 'msg-vector-0105' as MessageId,
    sentAt: 1_735_689_806_000,
    action: { kind: 'reaction', target: original, value: '👍🏽', op: 'remove' },
    by: 'mallory',
  },
];

export async function buildChatActionVectors(provider: CryptoProvider) {
  const alice = await vectorUser(provider, 'alice', ['desktop']);
  const mallory = await vectorUser(provider, 'mallory', ['laptop']);
  const sender = alice.devices[0]!;
  const other = mallory.devices[0]!;
  const key = await fixedBytes(provider, 'chat/key-v1');
  const seal = (plaintext: MessagePlaintext, type: ChatAction['kind'], device = sender, nonce?: Uint8Array) =>
    sealEnvelope(provider, {
      type,
      conversationId,
      keyVersion: 1,
      key,
      senderDevice: device.deviceId,
      signingPrivateKey: device.ed25519.privateKey,
      plaintext,
      channel: `conv.${conversationId}`,
      ...(nonce === undefined ? {} : { nonce }),
    });
  const valid = [];
  for (const [i, a] of actions.entries()) {
    const plaintext = chatActionPlaintext(a.action, a.id, a.sentAt);
    const nonce = await fixedBytes(provider, `chat/${i}/nonce`, 12);
    const envelope = await seal(plaintext, a.action.kind, a.by === 'mallory' ? other : sender, nonce);
    valid.push({
      name: a.name,
      action: a.action,
      plaintext,
      plaintextBytes: toHex(encodePlaintext(plaintext)),
      nonce: toHex(nonce),
      aad: utf8Decode(envelopeAad(envelope)),
      signingInput: toHex(envelopeSigningInput(envelope, nonce, Buffer.from(envelope.ciphertext, 'base64url'))),
      envelope,
    });
  }
  const edit = valid[1]!.envelope;
  const reaction = valid[3]!.envelope;
  // A nonce of its own for every invalid case (never two under one key).
  let count = 0;
  const fresh = () => fixedBytes(provider, `chat/invalid/${count++}/nonce`, 12);
  const jsonPlaintext = (id: string, body: unknown): MessagePlaintext => ({
    id: id as MessageId,
    sentAt: 1_735_689_804_000,
    type: 'json',
    body: body as never,
  });
  return {
    description:
      'Chat actions (§7.7): reply, edit, delete and reaction are envelopes (§7) of header type reply/edit/delete/reaction with a json body of one strict shape each. Context: the conversation key of version 1, the devices of alice (the author of msg-vector-0001) and mallory, both certified members.',
    conversationKey: toHex(key),
    devices: [alice, mallory].map((u) => ({ userId: u.userId, deviceId: u.devices[0]!.deviceId, ed25519: pairHex(u.devices[0]!.ed25519) })),
    author: { messageId: original, userId: alice.userId },
    valid,
    /** Envelopes that open (signature and tag verify) but are refused when applied or decoded. */
    invalid: [
      { name: 'header type changed from edit to delete', envelope: { ...edit, type: 'delete' }, error: 'bad_signature' },
      {
        name: "an edit of alice's message signed by mallory's device",
        envelope: await seal(
          chatActionPlaintext({ kind: 'edit', target: original, text: 'forged' }, 'msg-vector-0201' as MessageId, 1_735_689_804_000),
          'edit',
          other,
          await fresh(),
        ),
        error: 'not_author',
      },
      {
        name: "a delete of alice's message signed by mallory's device",
        envelope: await seal(
          chatActionPlaintext({ kind: 'delete', target: original }, 'msg-vector-0202' as MessageId, 1_735_689_804_000),
          'delete',
          other,
          await fresh(),
        ),
        error: 'not_author',
      },
      {
        name: 'edit body with an unknown member',
        envelope: await seal(jsonPlaintext('msg-vector-0203', { target: original, text: 'x', admin: true }), 'edit', sender, await fresh()),
        error: 'malformed',
      },
      {
        name: 'edit with an empty text',
        envelope: await seal(jsonPlaintext('msg-vector-0204', { target: original, text: '' }), 'edit', sender, await fresh()),
        error: 'malformed',
      },
      {
        name: 'delete naming itself',
        envelope: await seal(jsonPlaintext('msg-vector-0205', { target: 'msg-vector-0205' }), 'delete', sender, await fresh()),
        error: 'malformed',
      },
      {
        name: 'reply with a string body',
        envelope: await seal(
          { id: 'msg-vector-0206' as MessageId, sentAt: 1_735_689_804_000, type: 'string', body: 'no reference' },
          'reply',
          sender,
          await fresh(),
        ),
        error: 'malformed',
      },
      { name: 'header type changed from reaction to message', envelope: { ...reaction, type: 'message' }, error: 'bad_signature' },
      {
        name: 'reaction value with a space',
        envelope: await seal(jsonPlaintext('msg-vector-0207', { target: original, value: 'thumbs up', op: 'add' }), 'reaction', other, await fresh()),
        error: 'malformed',
      },
      {
        name: 'reaction value of 65 characters',
        envelope: await seal(jsonPlaintext('msg-vector-0208', { target: original, value: 'x'.repeat(65), op: 'add' }), 'reaction', other, await fresh()),
        error: 'malformed',
      },
      {
        name: 'reaction with an op other than add or remove',
        envelope: await seal(jsonPlaintext('msg-vector-0209', { target: original, value: '👍', op: 'toggle' }), 'reaction', other, await fresh()),
        error: 'malformed',
      },
      {
        name: 'reaction without op',
        envelope: await seal(jsonPlaintext('msg-vector-0210', { target: original, value: '👍' }), 'reaction', other, await fresh()),
        error: 'malformed',
      },
    ],
    /** Which edit is the current text: the greatest (sentAt, id), whatever order they arrive in. */
    ordering: [
      {
        name: 'a later sentAt wins',
        edits: [
          { id: 'msg-vector-0301', sentAt: 2, text: 'newer' },
          { id: 'msg-vector-0302', sentAt: 1, text: 'older' },
        ],
        current: 'newer',
      },
      {
        name: 'the same sentAt: the greater id wins',
        edits: [
          { id: 'msg-vector-0304', sentAt: 5, text: 'greater id' },
          { id: 'msg-vector-0303', sentAt: 5, text: 'smaller id' },
        ],
        current: 'greater id',
      },
    ],
  };
}
