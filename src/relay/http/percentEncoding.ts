/**
 * Percent-encoding as PubNub clients apply it to names and query values (docs/pubnub-wire.md §0):
 * `encodeURIComponent` plus `! ~ * ' ( )` as `%XX`. Used to rebuild the canonical query of a v2 request
 * signature, and to decode path segments and comma-separated name lists.
 */
import { BadRequestError } from '../errors';

export function pubnubEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!~*'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function decodeComponent(raw: string, what: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new BadRequestError('malformed_path', `Malformed percent-encoding in ${what}`);
  }
}

/** A comma-separated list of encoded names (`,` alone = empty list, as sent for groups-only subscribes). */
export function decodeNameList(raw: string, what: string): string[] {
  return raw
    .split(',')
    .filter((part) => part.length > 0)
    .map((part) => decodeComponent(part, what));
}
