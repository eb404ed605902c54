/**
 * Replays test/vectors/attachment-messages.json (docs/protocol.md §7.9) from its recorded inputs alone: each
 * valid attachment message reseals byte for byte, opens to its descriptor and caption and fits the publish
 * size (§7.5); each invalid case fails with its code — at the envelope (`bad_signature`,
 * `signer_not_member`) or at decoding (`malformed`, `unsupported_version`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/common/encoding/bytes';
import type { ConversationId, DeviceId, MessageId } from '../../src/common/ids';
import { attachmentPlaintext, decodeAttachmentMessage, MAX_CAPTION } from '../../src/common/protocol/attachmentMessage';
import type { Envelope } from '../../src/common/protocol/envelope';
import { openEnvelope, sealEnvelope } from '../../src/common/protocol/envelopeSeal';
import { MalformedError } from '../../src/common/protocol/errors';
import { encodePlaintext, type MessagePlaintext } from '../../src/common/protocol/plaintext';
import { MAX_PUBLISH_BYTES, publishSize } from '../../src/common/protocol/publishSize';
import { provider } from './fixtures';

/* eslint-disable @typescript-eslint/no-explicit-any -- the vector file is untyped JSON, read field by field */
type Case = Record<string, any>;
const v = JSON.parse(readFileSync(join(__dirname, '..', 'vectors', 'attachment-messages.json'), 'utf8')) as { valid: Case[]; invalid: Case[] } & Case;
/* eslint-enable @typescript-eslint/no-explicit-any */
const key = fromHex(v.conversationKey as string);
const devices = v.devices as { userId: string; deviceId: DeviceId; ed25519: { privateKey: string; publicKey: string } }[];
const ctx = {
  conversationId: 'conv-vector-0001' as ConversationId,
  keyForVersion: (n: number) => (n === 1 ? key : undefined),
  memberSigningKey: (d: DeviceId) => {
    const device = devices.find((x) => x.deviceId === d);
    return device === undefined ? undefined : fromHex(device.ed25519.publicKey);
  },
};

async function receive(envelope: unknown) {
  const opened = await openEnvelope(provider, envelope, ctx);
  return { opened, attachment: decodeAttachmentMessage(opened.header.type, opened.message) };
}

describe('attachment-messages.json', () => {
  it.each(v.valid)('valid: $name', async (c) => {
    const env = c.envelope as Envelope;
    const plaintext = c.plaintext as MessagePlaintext;
    expect(toHex(encodePlaintext(plaintext))).toBe(c.plaintextBytes);
    const resealed = await sealEnvelope(provider, {
      type: env.type,
      conversationId: env.conversationId,
      keyVersion: env.keyVersion,
      key,
      senderDevice: env.senderDevice,
      signingPrivateKey: fromHex(devices.find((d) => d.deviceId === env.senderDevice)!.ed25519.privateKey),
      plaintext,
      channel: `conv.${env.conversationId}`,
      nonce: fromHex(c.nonce),
    });
    expect(resealed).toEqual(env);
    const { opened, attachment } = await receive(env);
    expect(env.type).toBe('attachment');
    expect(opened.message).toEqual(plaintext);
    expect(attachment).toEqual(c.attachment);
    expect(publishSize(env, `conv.${env.conversationId}`)).toBe(c.publishSize);
    expect(c.publishSize).toBeLessThanOrEqual(MAX_PUBLISH_BYTES);
  });

  it.each(v.invalid)('invalid: $name → $error', async (c) => {
    await expect(receive(c.envelope)).rejects.toMatchObject({ code: c.error });
  });

  it('a sender cannot build the plaintext of a descriptor that does not parse, or of a caption over the limit', () => {
    const descriptor = v.valid[0]!.attachment.descriptor;
    const id = 'msg-vector-0701' as MessageId;
    expect(() => attachmentPlaintext({ descriptor: { ...descriptor, size: descriptor.size + 1 } }, id, 1)).toThrow(MalformedError);
    expect(() => attachmentPlaintext({ descriptor, caption: 'x'.repeat(MAX_CAPTION + 1) }, id, 1)).toThrow(MalformedError);
    expect(attachmentPlaintext({ descriptor, caption: 'x'.repeat(MAX_CAPTION) }, id, 1).type).toBe('json');
  });

  it('other envelope types carry no attachment, whatever their body', () => {
    const plaintext = v.valid[0]!.plaintext as MessagePlaintext;
    expect(decodeAttachmentMessage('message', plaintext)).toBeUndefined();
    expect(decodeAttachmentMessage('reply', plaintext)).toBeUndefined();
  });
});
