/**
 * The row of a conversation's timeline to scroll to, focus and highlight (jump to a search hit; docs/desktop.md
 * "Search"), with the call that forgets the jump once the list has shown it.
 */
import { useMemo } from 'react';
import type { ConversationId } from '../../../common/ids';
import { revealedRow } from '../model/reveal';
import type { TimelineRow } from '../model/timelineRows';
import { chatSelectors } from '../state/chatSlice';
import { useAppStore, useAppStoreApi } from './storeContext';

export function useRevealedRow(conversationId: ConversationId, rows: readonly TimelineRow[]): { key: string; seq: number; done(): void } | null {
  const store = useAppStoreApi();
  const reveal = useAppStore(chatSelectors.reveal(conversationId));
  return useMemo(() => {
    const row = revealedRow(rows, reveal);
    return row === null ? null : { ...row, done: () => store.getState().consumeReveal(row.seq) };
  }, [rows, reveal, store]);
}
