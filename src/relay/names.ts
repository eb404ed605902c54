/**
 * Validation of the names that travel in PubNub paths and queries: keys, channels, wildcard channels, channel
 * groups and user ids. PubNub limits channel names to 92 characters and forbids `,` `:` `*` `/` `\` and
 * non-printable characters; `-pnpres` names the presence twin of a channel (docs/pubnub-wire.md §3).
 */
import { BadRequestError } from './errors';

export const PRESENCE_SUFFIX = '-pnpres';
const MAX_NAME = 92;
const FORBIDDEN = /[,:*/\\\u0000-\u001f\u007f]/;
const KEY = /^[A-Za-z0-9_.:-]{1,100}$/;

export function isPresenceName(name: string): boolean {
  return name.endsWith(PRESENCE_SUFFIX);
}

export function stripPresence(name: string): string {
  return isPresenceName(name) ? name.slice(0, -PRESENCE_SUFFIX.length) : name;
}

export function checkKey(key: string, what: 'Publish' | 'Subscribe'): string {
  if (!KEY.test(key)) throw new BadRequestError('invalid_key', `Invalid ${what} Key`);
  return key;
}

function checkPlainName(name: string, what: string): string {
  if (name.length === 0 || name.length > MAX_NAME || FORBIDDEN.test(name)) {
    throw new BadRequestError('invalid_name', `Invalid ${what} name: ${JSON.stringify(name.slice(0, 100))}`);
  }
  return name;
}

/** A concrete channel (presence twins allowed only where `allowPresence`). */
export function checkChannel(name: string, allowPresence = false): string {
  checkPlainName(name, 'channel');
  if (!allowPresence && isPresenceName(name)) {
    throw new BadRequestError('invalid_name', `Channel ${JSON.stringify(name)} is reserved for presence events`);
  }
  return name;
}

/** Subscribe names: concrete channels, presence twins, and wildcards `a.*` / `a.b.*` (and their `-pnpres`). */
export function checkSubscribeName(name: string): string {
  const base = stripPresence(name);
  if (base.endsWith('.*')) {
    const prefix = base.slice(0, -2);
    if (prefix.split('.').length > 2) {
      throw new BadRequestError('invalid_name', `Wildcard ${JSON.stringify(name)} has more than three levels`);
    }
    checkPlainName(prefix, 'wildcard channel');
    return name;
  }
  return checkChannel(name, true);
}

export function isWildcard(name: string): boolean {
  return stripPresence(name).endsWith('.*');
}

export function checkGroup(name: string, allowPresence = false): string {
  checkPlainName(name, 'channel group');
  if (!allowPresence && isPresenceName(name)) {
    throw new BadRequestError('invalid_name', `Channel group ${JSON.stringify(name)} is reserved for presence`);
  }
  return name;
}

export function checkUuid(uuid: string): string {
  if (uuid.length === 0 || uuid.length > MAX_NAME || /[\u0000-\u001f\u007f]/.test(uuid)) {
    throw new BadRequestError('invalid_parameter', 'Invalid uuid');
  }
  return uuid;
}
