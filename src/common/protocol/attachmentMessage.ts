/**
 * Attachment messages (docs/protocol.md §7.9): a file travels as a message envelope (§7) of header `type`
 * `attachment`, sealed with the conversation key and signed by the sender device exactly like a message —
 * the type is in the AAD and the signature, and every check of §7.4 applies unchanged. The inner plaintext
 * (§7.2) is a `json` body of one closed shape:
 *   {"descriptor": <attachment descriptor, §20.5>, "caption"?: <1..MAX_CAPTION characters>}
 * The descriptor (file key, sizes, hashes, name, media type, store references, the thumbnail's own key and
 * reference) exists only inside this ciphertext. A forwarded file is a new `attachment` message with the
 * same descriptor (no new upload). The plaintext's `id` and `sentAt` are the message's own.
 */
import { z } from 'zod';
import { AttachmentDescriptorSchema, type AttachmentDescriptor } from '../attachments/descriptor';
import { isWellFormedUnicode } from '../encoding/utf8';
import type { MessageId } from '../ids';
import type { EnvelopeType } from './envelope';
import { MalformedError } from './errors';
import type { JsonValue, MessagePlaintext } from './plaintext';
import { parseWire } from './wire';

/** The envelope type of an attachment message. */
export const ATTACHMENT_ENVELOPE_TYPE = 'attachment';

/** Longest caption, in UTF-16 code units (the whole message must still fit the publish size, §7.5). */
export const MAX_CAPTION = 4_000;

/** A decoded attachment message. */
export interface AttachmentMessage {
  readonly descriptor: AttachmentDescriptor;
  readonly caption?: string;
}

const BodySchema = z.strictObject({
  descriptor: AttachmentDescriptorSchema,
  caption: z
    .string()
    .min(1)
    .max(MAX_CAPTION)
    .refine((t) => isWellFormedUnicode(t), 'caption must be well-formed Unicode')
    .optional(),
});

/** True for the envelope type of §7.9. */
export function isAttachmentType(type: EnvelopeType | string): type is typeof ATTACHMENT_ENVELOPE_TYPE {
  return type === ATTACHMENT_ENVELOPE_TYPE;
}

/**
 * The inner plaintext of an attachment message with its own `id` and `sentAt`; MalformedError (or
 * UnsupportedVersionError) when the descriptor or caption does not fit its shape.
 */
export function attachmentPlaintext(message: AttachmentMessage, id: MessageId, sentAt: number): MessagePlaintext {
  const body: Record<string, JsonValue> = { descriptor: message.descriptor as unknown as JsonValue };
  if (message.caption !== undefined) body.caption = message.caption;
  const plaintext: MessagePlaintext = { id, sentAt, type: 'json', body };
  decodeAttachmentMessage(ATTACHMENT_ENVELOPE_TYPE, plaintext);
  return plaintext;
}

/**
 * The attachment an opened envelope of type `type` carries: undefined for any other type; MalformedError
 * when the body is not json or not the closed shape (a descriptor that does not parse included), and
 * UnsupportedVersionError for a descriptor of another version (§20.5).
 */
export function decodeAttachmentMessage(type: EnvelopeType | string, plaintext: MessagePlaintext): AttachmentMessage | undefined {
  if (!isAttachmentType(type)) return undefined;
  if (plaintext.type !== 'json') throw new MalformedError('attachment: the body must be json');
  const body = plaintext.body;
  // The descriptor's own parse (§20.5) decides `unsupported_version` before the closed body is checked.
  if (typeof body === 'object' && body !== null && !Array.isArray(body) && 'descriptor' in body) {
    const d = body.descriptor;
    if (typeof d === 'object' && d !== null && !Array.isArray(d) && 'v' in d && d.v !== 1) {
      parseWire(AttachmentDescriptorSchema, d, 'attachment descriptor');
    }
  }
  const parsed = parseWire(BodySchema, body, 'attachment body');
  return parsed.caption === undefined ? { descriptor: parsed.descriptor } : { descriptor: parsed.descriptor, caption: parsed.caption };
}
