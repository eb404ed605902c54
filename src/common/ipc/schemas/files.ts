/**
 * IPC schemas for files (docs/desktop.md "Files"; docs/api.md "Desktop bridge"). The page never names a path:
 * main asks the user with its own open and save dialogs, and keeps what it opened by a transfer id. Pasted
 * bytes are bounded. The page gets a file's name, size and type (the message body's view) and the thumbnail
 * bytes of what it shows — never a file key, hash or store reference.
 */
import { z } from 'zod';
import { ConversationIdSchema, MessageIdSchema } from '../../ids';
import { MAX_CAPTION } from '../../protocol/attachmentMessage';
import { MAX_FILE_NAME_BYTES } from '../../attachments/fileName';
import { MAX_THUMBNAIL_SIZE } from '../../attachments/descriptor';

/** The largest pasted file (an image from the clipboard), in bytes. */
export const MAX_PASTE_BYTES = 25 * 1024 * 1024;

const Caption = z.string().min(1).max(MAX_CAPTION);
/** A transfer main runs: 22 base64url characters it made. */
export const TransferIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/);
const base64 = (maxBytes: number) =>
  z
    .string()
    .max(Math.ceil(maxBytes / 3) * 4)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');

/** `attachFile(conversationId, caption?)`: main shows its open dialog; null when the user chose nothing. */
export const attachFileArgsSchema = z.tuple([ConversationIdSchema, Caption.optional()]);
/** `pasteFile(conversationId, {fileName, base64}, caption?)`: bytes from the clipboard, at most MAX_PASTE_BYTES. */
export const pasteFileArgsSchema = z.tuple([
  ConversationIdSchema,
  z.strictObject({ fileName: z.string().min(1).max(MAX_FILE_NAME_BYTES), base64: base64(MAX_PASTE_BYTES) }),
  Caption.optional(),
]);
export const transferArgsSchema = z.tuple([TransferIdSchema]);

/**
 * The largest piece of a file the page hands main in one call of the chunked upload, or main hands the page
 * in one call of the browser-mode download: 512 KiB (its base64 and JSON stay under the web host's 1 MiB
 * request body).
 */
export const MAX_FILE_CHUNK = 512 * 1024;
/** `beginFileUpload(conversationId, {fileName, size}, caption?)`: main opens an upload of `size` bytes the page holds. */
export const beginFileUploadArgsSchema = z.tuple([
  ConversationIdSchema,
  z.strictObject({ fileName: z.string().min(1).max(MAX_FILE_NAME_BYTES), size: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER) }),
  Caption.optional(),
]);
export const beginFileUploadResultSchema = z.object({ transferId: TransferIdSchema });
/** `fileUploadChunk(transferId, offset, base64)`: the next piece, in order (`offset` = the bytes main holds). */
export const fileUploadChunkArgsSchema = z.tuple([TransferIdSchema, z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), base64(MAX_FILE_CHUNK)]);
export const fileUploadChunkResultSchema = z.object({ received: z.number().int().min(0) });
/** `fileDownloadChunk(transferId, offset)`: a piece of a verified download `beginFileDownload` prepared. */
export const fileDownloadChunkArgsSchema = z.tuple([TransferIdSchema, z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)]);
export const fileDownloadChunkResultSchema = z.object({ base64: base64(MAX_FILE_CHUNK), end: z.boolean() });
export const fileRefArgsSchema = z.tuple([ConversationIdSchema, MessageIdSchema]);
/** `forwardFile(from, messageId, to, caption?)`: the same descriptor in a new message (no upload). */
export const forwardFileArgsSchema = z.tuple([ConversationIdSchema, MessageIdSchema, ConversationIdSchema, Caption.optional()]);
export const forwardResultSchema = z.object({ messageId: MessageIdSchema, timetoken: z.string().regex(/^\d{1,20}$/) });

/** How a transfer ended (or where it is): the result of the methods and the payload of `fileTransfer` events. */
export const transferStateSchema = z.object({
  transferId: TransferIdSchema,
  conversationId: ConversationIdSchema,
  direction: z.enum(['upload', 'download']),
  fileName: z.string().max(1024),
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  done: z.number().int().min(0),
  total: z.number().int().min(0),
  /** The sent message (uploads, when done), or the message whose file is downloaded. */
  messageId: MessageIdSchema.optional(),
  /** A failure: its code (logged too) and a sentence for the person. */
  code: z.string().max(100).optional(),
  message: z.string().max(500).optional(),
});
export type TransferState = z.infer<typeof transferStateSchema>;

/** A thumbnail's verified bytes (base64) for display. */
export const thumbnailSchema = z.object({
  mediaType: z.enum(['image/jpeg', 'image/png', 'image/webp']),
  width: z.number().int().min(1),
  height: z.number().int().min(1),
  base64: base64(MAX_THUMBNAIL_SIZE),
});
