/**
 * Vectors for attachment messages (docs/protocol.md §7.9): a file's descriptor (§20.5) sealed as an envelope
 * of header type `attachment` — with a caption, with a thumbnail, forwarded by another member under the same
 * descriptor — and envelopes refused (`bad_signature`, `signer_not_member`, `malformed`, `unsupported_version`).
 * One case lists 144 parts of 4 MiB (a 600 MB file) with a thumbnail: it still fits the publish size (§7.5).
 */
import type { CryptoProvider } from '../../../src/common/crypto/provider';
import { toBase64Url } from '../../../src/common/encoding/base64url';
import { toHex } from '../../../src/common/encoding/bytes';
import { utf8Decode } from '../../../src/common/encoding/utf8';
import type { ConversationId, MessageId } from '../../../src/common/ids';
import { ciphertextSize } from '../../../src/common/attachments/format';
import { partSizes, PUBNUB_PART_SIZE } from '../../../src/common/attachments/parts';
import { attachmentPlaintext, type AttachmentMessage } from '../../../src/common/protocol/attachmentMessage';
import { envelopeAad, envelopeSigningInput } from '../../../src/common/protocol/envelope';
import { sealEnvelope } from '../../../src/common/protocol/envelopeSeal';
import { encodePlaintext, type MessagePlaintext } from '../../../src/common/protocol/plaintext';
import { publishSize } from '../../../src/common/protocol/publishSize';
import { fixedBytes, flip, pairHex, vectorUser } from './fixedKeys';

const conversationId = 'conv-vector-0001' as ConversationId;
const channel = `conv.${conversationId}`;

/** A store reference as the local and S3 stores make them (43 base64url characters). */
async function ref(provider: CryptoProvider, label: string): Promise<string> {
  return toBase64Url(await fixedBytes(provider, `attachment-message/ref/${label}`));
}

async function hash(provider: CryptoProvider, label: string): Promise<string> {
  return toBase64Url(await fixedBytes(provider, `attachment-message/sha256/${label}`));
}

export async function buildAttachmentMessageVectors(provider: CryptoProvider) {
  const alice = await vectorUser(provider, 'alice', ['desktop']);
  const mallory = await vectorUser(provider, 'mallory', ['laptop']);
  const sender = alice.devices[0]!;
  const other = mallory.devices[0]!;
  const key = await fixedBytes(provider, 'attachment-message/key-v1');
  const outsider = (await vectorUser(provider, 'oscar', ['phone'])).devices[0]!;

  const pdfSize = 20_000_000;
  const pdfCiphertext = ciphertextSize(pdfSize, 65_536);
  const pdfParts = [];
  for (const [i, size] of partSizes(pdfCiphertext, PUBNUB_PART_SIZE).entries())
    pdfParts.push({ ref: await ref(provider, `pdf/${i}`), size, sha256: await hash(provider, `pdf/${i}`) });
  const pdf = {
    v: 1 as const,
    key: toBase64Url(await fixedBytes(provider, 'attachment-message/pdf/file-key')),
    size: pdfSize,
    chunkSize: 65_536,
    sha256: await hash(provider, 'pdf'),
    mediaType: 'application/pdf',
    fileName: 'Quarterly report.pdf',
    parts: pdfParts,
  };
  const thumbnailSize = 9_000;
  const screenshot = {
    v: 1 as const,
    key: toBase64Url(await fixedBytes(provider, 'attachment-message/png/file-key')),
    size: 1_048_576,
    chunkSize: 65_536,
    sha256: await hash(provider, 'png'),
    mediaType: 'image/png',
    fileName: 'Screenshot 2026-12-05.png',
    parts: [{ ref: await ref(provider, 'png/0'), size: ciphertextSize(1_048_576, 65_536), sha256: await hash(provider, 'png/0') }],
    thumbnail: {
      key: toBase64Url(await fixedBytes(provider, 'attachment-message/png/thumbnail-key')),
      size: thumbnailSize,
      chunkSize: 65_536,
      sha256: await hash(provider, 'png/thumbnail'),
      mediaType: 'image/jpeg' as const,
      width: 320,
      height: 180,
      parts: [{ ref: await ref(provider, 'png/thumbnail/0'), size: ciphertextSize(thumbnailSize, 65_536), sha256: await hash(provider, 'png/thumbnail/0') }],
    },
  };
  const hugeSize = 600_000_000;
  const hugeParts = [];
  for (const [i, size] of partSizes(ciphertextSize(hugeSize, 65_536), PUBNUB_PART_SIZE).entries())
    hugeParts.push({ ref: await ref(provider, `huge/${i}`), size, sha256: await hash(provider, `huge/${i}`) });
  const huge = { ...screenshot, size: hugeSize, mediaType: 'video/mp4', fileName: 'All hands recording.mp4', parts: hugeParts };

  const messages: { name: string; id: MessageId; sentAt: number; message: AttachmentMessage; by?: 'mallory' }[] = [
    {
      name: 'a 20 MB PDF in five parts with a caption',
      id: 'msg-vector-0501' as MessageId,
      sentAt: 1_735_689_901_000,
      message: { descriptor: pdf, caption: 'Numbers for Q4 📊' },
    },
    { name: 'a screenshot with its thumbnail, no caption', id: 'msg-vector-0502' as MessageId, sentAt: 1_735_689_902_000, message: { descriptor: screenshot } },
    {
      name: 'the PDF forwarded by mallory: the same descriptor in a new message (no new upload)',
      id: 'msg-vector-0503' as MessageId,
      sentAt: 1_735_689_903_000,
      message: { descriptor: pdf },
      by: 'mallory',
    },
    {
      name: 'a 600 MB file in 144 parts of 4 MiB with a thumbnail still fits a publish',
      id: 'msg-vector-0504' as MessageId,
      sentAt: 1_735_689_904_000,
      message: { descriptor: huge },
    },
  ];

  const seal = (plaintext: MessagePlaintext, device = sender, nonce?: Uint8Array, type: 'attachment' | 'message' = 'attachment') =>
    sealEnvelope(provider, {
      type,
      conversationId,
      keyVersion: 1,
      key,
      senderDevice: device.deviceId,
      signingPrivateKey: device.ed25519.privateKey,
      plaintext,
      channel,
      ...(nonce === undefined ? {} : { nonce }),
    });
  const valid = [];
  for (const [i, m] of messages.entries()) {
    const plaintext = attachmentPlaintext(m.message, m.id, m.sentAt);
    const nonce = await fixedBytes(provider, `attachment-message/${i}/nonce`, 12);
    const envelope = await seal(plaintext, m.by === 'mallory' ? other : sender, nonce);
    valid.push({
      name: m.name,
      attachment: m.message,
      plaintext,
      plaintextBytes: toHex(encodePlaintext(plaintext)),
      nonce: toHex(nonce),
      aad: utf8Decode(envelopeAad(envelope)),
      signingInput: toHex(envelopeSigningInput(envelope, nonce, Buffer.from(envelope.ciphertext, 'base64url'))),
      envelope,
      publishSize: publishSize(envelope, channel),
    });
  }
  const first = valid[0]!.envelope;
  let count = 0;
  const fresh = () => fixedBytes(provider, `attachment-message/invalid/${count++}/nonce`, 12);
  const json = (id: string, body: unknown): MessagePlaintext => ({ id: id as MessageId, sentAt: 1_735_689_905_000, type: 'json', body: body as never });
  return {
    description:
      'Attachment messages (§7.9): a file is an envelope (§7) of header type attachment whose json body is {"descriptor": <§20.5>, "caption"?: <1-4000 characters>}. Context: the conversation key of version 1; the devices of alice and mallory are certified members, any other device is not. The descriptors name store objects that are not part of these vectors (their hashes are labels).',
    conversationKey: toHex(key),
    devices: [alice, mallory].map((u) => ({ userId: u.userId, deviceId: u.devices[0]!.deviceId, ed25519: pairHex(u.devices[0]!.ed25519) })),
    valid,
    invalid: [
      { name: 'header type changed from attachment to message', envelope: { ...first, type: 'message' }, error: 'bad_signature' },
      { name: 'a forged signature', envelope: { ...first, signature: flip(first.signature) }, error: 'bad_signature' },
      { name: 'sealed by a device that is not a member', envelope: await seal(valid[0]!.plaintext, outsider, await fresh()), error: 'signer_not_member' },
      {
        name: 'a string body',
        envelope: await seal({ id: 'msg-vector-0601' as MessageId, sentAt: 1, type: 'string', body: 'file' }, sender, await fresh()),
        error: 'malformed',
      },
      {
        name: 'a body with an unknown member',
        envelope: await seal(json('msg-vector-0602', { descriptor: pdf, url: 'https://example.com/x.pdf' }), sender, await fresh()),
        error: 'malformed',
      },
      {
        name: 'a body without a descriptor',
        envelope: await seal(json('msg-vector-0603', { caption: 'where is it?' }), sender, await fresh()),
        error: 'malformed',
      },
      { name: 'an empty caption', envelope: await seal(json('msg-vector-0604', { descriptor: pdf, caption: '' }), sender, await fresh()), error: 'malformed' },
      {
        name: 'a caption of 4001 characters',
        envelope: await seal(json('msg-vector-0605', { descriptor: screenshot, caption: 'x'.repeat(4001) }), sender, await fresh()),
        error: 'malformed',
      },
      {
        name: 'a sender-size lie: the descriptor says 1 KB more than its parts hold',
        envelope: await seal(json('msg-vector-0606', { descriptor: { ...pdf, size: pdf.size + 1000 } }), sender, await fresh()),
        error: 'malformed',
      },
      {
        name: 'a right-to-left override in the file name',
        envelope: await seal(json('msg-vector-0607', { descriptor: { ...pdf, fileName: 'invoice\u202efdp.exe' } }), sender, await fresh()),
        error: 'malformed',
      },
      {
        name: 'a descriptor of version 2',
        envelope: await seal(json('msg-vector-0608', { descriptor: { ...pdf, v: 2 } }), sender, await fresh()),
        error: 'unsupported_version',
      },
    ],
  };
}
