/**
 * The messaging pipeline's `CursorStore` (src/common/messaging/ports.ts) over the profile state file: the
 * last timetoken received per conversation, so offline catch-up resumes from it after a restart. A cursor
 * advances on every received message, so its writes are coalesced (`ProfileState.updateSoon`: at most one
 * write of state.json per second, and a write on flush or a clean exit) instead of rewriting the file per
 * message.
 */
import type { ConversationId } from '../common/ids';
import type { CursorStore } from '../common/messaging/ports';
import type { ProfileState } from './profileState';

export function cursorStoreOf(state: ProfileState): CursorStore {
  return {
    async load(conversationId: ConversationId) {
      return state.get().cursors[conversationId];
    },
    async save(conversationId: ConversationId, timetoken: string) {
      state.updateSoon((s) => {
        s.cursors[conversationId] = timetoken;
      });
    },
  };
}
