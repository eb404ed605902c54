/**
 * What the renderer may know of a file message (docs/desktop.md "Files"): name, size, type, caption and the
 * thumbnail's size — never the file key, the hashes or the store references, which stay in main. Main puts
 * it in place of the message body on every path to the page (open, stored history, search).
 */
import type { AttachmentMessage } from '../protocol/attachmentMessage';
import type { JsonValue } from '../protocol/plaintext';

export interface AttachmentView {
  readonly fileName: string;
  readonly size: number;
  readonly mediaType: string;
  readonly thumbnail: { readonly width: number; readonly height: number; readonly mediaType: string } | null;
  readonly caption?: string;
}

/** The view of a file message. */
export function attachmentView(m: AttachmentMessage): AttachmentView {
  const d = m.descriptor;
  return {
    fileName: d.fileName,
    size: d.size,
    mediaType: d.mediaType,
    thumbnail: d.thumbnail === undefined ? null : { width: d.thumbnail.width, height: d.thumbnail.height, mediaType: d.thumbnail.mediaType },
    ...(m.caption === undefined ? {} : { caption: m.caption }),
  };
}

/** The JSON body the page gets for a file message: `{"file": <view>}`. */
export function attachmentViewBody(m: AttachmentMessage): JsonValue {
  return { file: attachmentView(m) as unknown as JsonValue };
}
