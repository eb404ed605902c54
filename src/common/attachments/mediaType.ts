/**
 * Media types inside attachment descriptors (docs/protocol.md §20.5): `type/subtype` in RFC 6838 §4.2
 * restricted-name syntax, lower case, without parameters. What a client does with a type (preview, refuse)
 * is its own policy; the wire only keeps the text well formed.
 */

/** The type of anything not known better. */
export const DEFAULT_MEDIA_TYPE = 'application/octet-stream';
/** The media types a thumbnail may have. */
export const THUMBNAIL_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;

const NAME = '[a-z0-9][a-z0-9!#$&^_.+-]{0,126}';
const MEDIA_TYPE = new RegExp(`^${NAME}/${NAME}$`);

/** True for a media type the wire accepts. */
export function isMediaType(value: string): boolean {
  return MEDIA_TYPE.test(value);
}

/** `value` lower-cased without parameters when that is well formed, else application/octet-stream. */
export function normaliseMediaType(value: string): string {
  const bare = (value.split(';')[0] ?? '').trim().toLowerCase();
  return isMediaType(bare) ? bare : DEFAULT_MEDIA_TYPE;
}
