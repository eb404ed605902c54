/**
 * A preview image made on the sending device before encryption (docs/protocol.md §20.5: a file of its own,
 * with its own key): JPEG, PNG or WebP, at most MAX_THUMBNAIL_SIZE bytes and MAX_THUMBNAIL_SIDE pixels a side.
 */
import type { THUMBNAIL_MEDIA_TYPES } from '../../common/attachments/mediaType';

export interface Thumbnail {
  readonly bytes: Uint8Array;
  readonly mediaType: (typeof THUMBNAIL_MEDIA_TYPES)[number];
  readonly width: number;
  readonly height: number;
}
