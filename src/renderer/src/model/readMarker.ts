/**
 * What this user has seen, apart from what they tell others (docs/messaging.md §Receipts and reactions).
 * The local read marker moves up to the newest message that was on screen while the window had focus; it
 * drives the unread badges. The outgoing read receipt follows it only while "Send read receipts" is on.
 * Markers are kept in the page's storage per user and conversation, as the catch-up cursors are.
 */
import type { ConversationView } from '../../../common/messaging/messaging';
import { compareTimetokens } from '../../../common/messaging/timetoken';

const TIMETOKEN = /^[0-9]{1,20}$/;

/** The later of two timetokens (either may be missing). */
export function laterTimetoken(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return compareTimetokens(a, b) >= 0 ? a : b;
}

/**
 * The view with its unread count lowered to what the local marker leaves unread: messages of other users
 * after both this client's own receipt (the pipeline's count) and the local marker. Unchanged (the same
 * object) when the marker covers nothing more.
 */
export function withLocalRead(view: ConversationView, marker: string | undefined, selfUserId: string | null): ConversationView {
  if (marker === undefined || view.unread === 0) return view;
  const afterMarker = view.items.filter(
    (i) => i.kind === 'message' && i.senderUser !== selfUserId && i.timetoken !== undefined && compareTimetokens(i.timetoken, marker) > 0,
  ).length;
  return afterMarker >= view.unread ? view : { ...view, unread: afterMarker };
}

/**
 * The newest timetoken among rows seen on screen; undefined when none of them has one (only sends not yet
 * acknowledged by the relay).
 */
export function newestSeen(timetokens: readonly (string | undefined)[]): string | undefined {
  let newest: string | undefined;
  for (const t of timetokens) if (t !== undefined && TIMETOKEN.test(t)) newest = laterTimetoken(newest, t);
  return newest;
}

export interface ReadMarkerStore {
  load(userId: string, conversationId: string): string | undefined;
  save(userId: string, conversationId: string, timetoken: string): void;
}

/** Markers in the page's storage; a storage that refuses keeps them for this session only. */
export function storageReadMarkers(storage: Pick<Storage, 'getItem' | 'setItem'> | undefined): ReadMarkerStore {
  const key = (userId: string, conversationId: string) => `seed.read.${userId}.${conversationId}`;
  return {
    load(userId, conversationId) {
      try {
        const value = storage?.getItem(key(userId, conversationId)) ?? null;
        return value !== null && TIMETOKEN.test(value) ? value : undefined;
      } catch {
        return undefined;
      }
    },
    save(userId, conversationId, timetoken) {
      try {
        storage?.setItem(key(userId, conversationId), timetoken);
      } catch {
        // Kept in memory for this session.
      }
    },
  };
}

/**
 * The rows as a user who sends no read receipts sees them: nobody's receipts ("Read by …" reads "Sent"),
 * as in Signal — receipts go both ways or not at all. The receipts still arrive; they are only not shown.
 */
export function withoutReceipts<R extends { kind: string }>(rows: readonly R[]): R[] {
  return rows.map((r) => {
    const m = r as R & { kind: 'message'; delivery?: string | null; readBy?: readonly string[] };
    if (r.kind !== 'message' || (m.readBy?.length ?? 0) === 0) return r;
    return { ...r, readBy: [], delivery: m.delivery === 'read' ? 'sent' : m.delivery };
  });
}
