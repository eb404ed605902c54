/**
 * Files in the window (docs/desktop.md "Files"): the view of a file message main hands the page
 * (`{"file": {fileName, size, mediaType, thumbnail, caption?}}` — never a key, hash or store reference), the
 * card's icon and type by media type, the file name as shown (bidirectional controls and invisible
 * characters removed, as for people's names: "\u202Egnp.exe" reads "gnp.exe", never "exe.png"), the
 * composer's refusal of a file the managed policy does not allow — said before anything is sent —, the
 * caption a file takes from the composer, and the line a transfer's progress reads as.
 */
import { mediaTypeOfName } from '../../../common/attachments/mediaTypeOf';
import { attachmentSendLimits, checkAttachmentAllowed } from '../../../common/attachments/sendPolicy';
import type { TransferState } from '../../../common/ipc/schemas/files';
import type { PolicyValues } from '../../../common/policy/values';
import { MAX_CAPTION } from '../../../common/protocol/attachmentMessage';
import { cleanName } from './displayText';
import { formatSize } from './messageText';

export interface FileView {
  readonly fileName: string;
  readonly size: number;
  readonly mediaType: string;
  /** The preview's size and type when the file has one (its bytes come from `fileThumbnail`, on demand). */
  readonly thumbnail: { readonly width: number; readonly height: number; readonly mediaType: string } | null;
  readonly caption?: string;
}

/** The file view of a message body, or undefined when the body is not a file message. */
export function fileViewOf(body: unknown): FileView | undefined {
  const file = (body as { file?: unknown } | null)?.file as Record<string, unknown> | undefined | null;
  if (typeof file !== 'object' || file === null) return undefined;
  const { fileName, size, mediaType, thumbnail, caption } = file;
  if (typeof fileName !== 'string' || typeof size !== 'number' || typeof mediaType !== 'string') return undefined;
  const t = thumbnail as { width?: unknown; height?: unknown; mediaType?: unknown } | null | undefined;
  const preview =
    typeof t === 'object' && t !== null && typeof t.width === 'number' && typeof t.height === 'number' && typeof t.mediaType === 'string'
      ? { width: t.width, height: t.height, mediaType: t.mediaType }
      : null;
  return { fileName, size, mediaType, thumbnail: preview, ...(typeof caption === 'string' ? { caption } : {}) };
}

/**
 * The caption a file sent from the composer takes: the text typed there, trimmed (one message: the file and
 * the text, docs/protocol.md §7.9). None while the composer replies to or edits a message (that text is
 * the reply or the edit), when nothing but white space is typed, or when the text is longer than a caption
 * may be (it then stays in the composer, to be sent as a message of its own).
 */
export function fileCaptionOf(draft: string, composing: boolean): string | undefined {
  const text = draft.trim();
  if (composing || text === '' || text.length > MAX_CAPTION) return undefined;
  return text;
}

export type FileKind = 'image' | 'pdf' | 'video' | 'audio' | 'archive' | 'text' | 'document' | 'spreadsheet' | 'presentation' | 'other';

/** What a card calls each kind (its type line and the icon's meaning). */
export const FILE_KIND_LABEL: Readonly<Record<FileKind, string>> = {
  image: 'Image',
  pdf: 'PDF document',
  video: 'Video',
  audio: 'Audio',
  archive: 'Archive',
  text: 'Text',
  document: 'Document',
  spreadsheet: 'Spreadsheet',
  presentation: 'Presentation',
  other: 'File',
};

/** The kind of a file by its media type (the card's icon and type line). */
export function fileKind(mediaType: string): FileKind {
  const type = mediaType.toLowerCase();
  const [major] = type.split('/');
  if (type === 'application/pdf') return 'pdf';
  if (major === 'image') return 'image';
  if (major === 'video') return 'video';
  if (major === 'audio') return 'audio';
  if (major === 'text' || type === 'application/json') return 'text';
  if (/zip|gzip|x-tar|x-7z|x-rar|compressed/.test(type)) return 'archive';
  if (/spreadsheet|excel|ms-excel/.test(type)) return 'spreadsheet';
  if (/presentation|powerpoint/.test(type)) return 'presentation';
  if (/msword|wordprocessing|opendocument\.text|rtf/.test(type)) return 'document';
  return 'other';
}

/** The file name as the window shows it: without bidirectional controls or invisible characters; "file" when nothing is left. */
export function shownFileName(name: string): string {
  const clean = cleanName(name);
  return clean === '' ? 'file' : clean;
}

/** "20 MB · PDF document". */
export function fileMeta(file: Pick<FileView, 'size' | 'mediaType'>): string {
  return `${formatSize(file.size)} · ${FILE_KIND_LABEL[fileKind(file.mediaType)]}`;
}

/**
 * Why the composer will not send this file, as a sentence — the managed policy's largest size or blocked
 * types (the same rule main applies: src/common/attachments/sendPolicy.ts), or an empty file — or null
 * when it may go. Decided from the name and size only: nothing is read.
 */
export function fileRefusal(
  file: { readonly name: string; readonly size: number },
  policy: Pick<PolicyValues, 'attachmentMaxSize' | 'attachmentBlockedTypes'> | undefined,
): string | null {
  const name = shownFileName(file.name);
  if (file.size === 0) return `“${name}” is empty, so there is nothing to send.`;
  if (policy === undefined) return null;
  try {
    checkAttachmentAllowed(attachmentSendLimits(policy), { size: file.size, mediaType: mediaTypeOfName(file.name) });
    return null;
  } catch (e) {
    return `“${name}” was not sent. ${(e as Error).message}`;
  }
}

/** How far a transfer is, 0–100. */
export function transferPercent(t: Pick<TransferState, 'done' | 'total'>): number {
  if (t.total <= 0) return 0;
  return Math.min(100, Math.floor((t.done / t.total) * 100));
}

/** A transfer as one line: "Uploading… 40 % (8 MB of 20 MB)", "Saved", "Cancelled", or the failure's sentence. */
export function transferLine(t: Pick<TransferState, 'direction' | 'state' | 'done' | 'total' | 'message'> & { readonly handing?: boolean }): string {
  const verb = t.direction === 'upload' ? (t.handing === true ? 'Preparing' : 'Uploading') : 'Downloading';
  switch (t.state) {
    case 'running':
      return t.total <= 0 ? `${verb}…` : `${verb}… ${transferPercent(t)} % (${formatSize(t.done)} of ${formatSize(t.total)})`;
    case 'done':
      return t.direction === 'upload' ? 'Sent' : 'Saved';
    case 'cancelled':
      return t.direction === 'upload' ? 'Cancelled: the file was not sent.' : 'Cancelled: the file was not saved.';
    case 'failed':
      return t.message ?? (t.direction === 'upload' ? 'The file could not be sent. Try again.' : 'The file could not be saved. Try again.');
    default:
      throw new Error(`unknown transfer state ${JSON.stringify(t.state satisfies never)}`);
  }
}
