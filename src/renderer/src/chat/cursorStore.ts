/**
 * The renderer's `CursorStore` (docs/messaging.md §Ports): one catch-up timetoken per conversation, kept in
 * the page's `Storage` under a key scoped to the signed-in user, so a restart resumes catch-up where it
 * stopped. A timetoken is not secret; a storage failure is reported by the pipeline (`cursor_failed`).
 */
import type { ConversationId, UserId } from '../../../common/ids';
import type { CursorStore } from '../../../common/messaging/ports';

const TIMETOKEN = /^[0-9]{1,20}$/;

export function storageCursorStore(storage: Pick<Storage, 'getItem' | 'setItem'>, userId: UserId): CursorStore {
  const key = (conversationId: ConversationId) => `seed.cursor.${userId}.${conversationId}`;
  return {
    async load(conversationId) {
      const value = storage.getItem(key(conversationId));
      return value !== null && TIMETOKEN.test(value) ? value : undefined;
    },
    async save(conversationId, timetoken) {
      storage.setItem(key(conversationId), timetoken);
    },
  };
}
