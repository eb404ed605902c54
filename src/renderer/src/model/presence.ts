/**
 * What a presence dot says (docs/messaging.md "Presence"): "Online", "Away", "Offline, last seen 10:42"
 * (a time today, else a date and time), "Offline" without a known time. Nothing for a peer whose presence is
 * not known yet.
 */
import type { PeerPresence } from '../../../common/presence/presenceFeed';
import { clockTime, daysBetween, listTime } from './relativeTime';

/** "10:42" today, else the list's date ("Tue", "10 Mar") and the clock. */
function seenAt(at: number, now: number): string {
  return daysBetween(at, now) === 0 ? clockTime(at) : `${listTime(at, now)} ${clockTime(at)}`;
}

/** The dot's accessible label, or undefined when there is nothing to show. */
export function presenceLabel(p: PeerPresence | undefined, now: number): string | undefined {
  switch (p?.state) {
    case undefined:
    case 'unknown':
      return undefined;
    case 'online':
      return 'Online';
    case 'away':
      return 'Away';
    case 'offline':
      return p.lastSeen === undefined ? 'Offline' : `Offline, last seen ${seenAt(p.lastSeen, now)}`;
  }
}
