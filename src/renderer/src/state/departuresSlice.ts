/**
 * Conversations this user was removed from (docs/desktop.md "A removed user is told"). When main reports
 * a `member_removed` notice for a conversation (`conversationsChanged`, reason `member_removed`) and the
 * next conversation list no longer has it, it was this user who was removed: the conversation stays in
 * the list and open, with what was received, a banner saying so and the composer disabled — instead of
 * vanishing. The key service serves the membership chain to current members only, so the removed user
 * cannot verify the removal statement or who made it; the sentence names no one. Leaving on one's own
 * (`left`) is not a removal. Kept for this session only.
 */
import type { StateCreator } from 'zustand';
import type { ConversationSummary } from '../../../common/ipc/schemas/conversations';
import type { StoreEnv } from './env';

export interface DeparturesSlice {
  departures: {
    /** Conversations a removal notice named, until the list shows whether this user is still in them. */
    noticed: Record<string, true>;
    /** Conversations this user was removed from, as the list last showed them. */
    removed: Record<string, ConversationSummary>;
  };
  /** The conversation list changed from `before` to `after`: a noticed conversation that left it was a removal of this user. */
  noteDepartures(before: readonly ConversationSummary[], after: readonly ConversationSummary[]): string[];
}

export const REMOVED_SENTENCE = 'You were removed from this conversation.';
export const REMOVED_DETAIL = 'Messages you received are still here, but you can no longer send or receive new ones in it.';

export function createDeparturesSlice(env: StoreEnv): StateCreator<DeparturesSlice, [], [], DeparturesSlice> {
  return (set, get) => {
    const patch = (p: Partial<DeparturesSlice['departures']>) => set((s) => ({ departures: { ...s.departures, ...p } }));
    env.events.on('conversationsChanged', ({ conversationId, reason }) => {
      if (conversationId === null) return;
      const noticed = { ...get().departures.noticed };
      if (reason === 'member_removed') noticed[conversationId] = true;
      else if (reason === 'left') delete noticed[conversationId];
      else return;
      patch({ noticed });
    });
    return {
      departures: { noticed: {}, removed: {} },
      noteDepartures(before, after) {
        const { noticed, removed } = get().departures;
        const still = new Set(after.map((c) => c.conversationId as string));
        const gone = before.filter((c) => !still.has(c.conversationId) && noticed[c.conversationId]);
        if (gone.length === 0) return [];
        const nextNoticed = { ...noticed };
        const nextRemoved = { ...removed };
        for (const c of gone) {
          delete nextNoticed[c.conversationId];
          nextRemoved[c.conversationId] = c;
        }
        patch({ noticed: nextNoticed, removed: nextRemoved });
        return gone.map((c) => c.conversationId);
      },
    };
  };
}

export const departuresSelectors = {
  removed: (s: DeparturesSlice) => s.departures.removed,
  removedOf: (id: string | null) => (s: DeparturesSlice) => (id === null ? null : (s.departures.removed[id] ?? null)),
};
