/**
 * Replays test/vectors/attachment-messages.json (docs/protocol.md §7.9) from its recorded inputs alone: each
 * valid attachment message reseals byte for byte, opens to its descriptor and caption and fits the publish
 * size (§7.5); each invalid case fails with its code — at the envelope (`bad_signature`,
 * `signer_not_member`) or at decoding (`malformed`, `unsupported_version`).
 */
import { describe, expect, it } from 'vitest';
import type { MessageId } from '../../src/common/ids';
import { attachmentPlaintext, decodeAttachmentMessage, MAX_CAPTION } from '../../src/common/protocol/attachmentMessage';
import type { Envelope } from '../../src/common/protocol/envelope';
import { openEnvelope } from '../../src/common/protocol/envelopeSeal';
import { MalformedError } from '../../src/common/protocol/errors';
import type { MessagePlaintext } from '../../src/common/protocol/plaintext';
import { MAX_PUBLISH_BYTES, publishSize } from '../../src/common/protocol/publishSize';
import { envelopeVectorFile, type Case } from './envelopeVectorFile';
import { provider } from './fixtures';

const { v, ctx, expectReseals } = envelopeVectorFile<{ valid: Case[]; invalid: Case[] } & Case>('attachment-messages.json');

async function receive(envelope: unknown) {
  const opened = await openEnvelope(provider, envelope, ctx);
  return { opened, attachment: decodeAttachmentMessage(opened.header.type, opened.message) };
}

describe('attachment-messages.json', () => {
  it.each(v.valid)('valid: $name', async (c) => {
    const env = c.envelope as Envelope;
    const plaintext = c.plaintext as MessagePlaintext;
    await expectReseals(env, plaintext, c);
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
