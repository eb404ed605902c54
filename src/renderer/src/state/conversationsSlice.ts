/**
 * Conversations slice (conversation list, new DM and new group, members panel): the summaries main
 * reports, the search query, the selected conversation, user search for new conversations, and the member
 * operations (add, remove, roles, rename, leave, rotate now). Member changes seen between two summaries of
 * a conversation become system lines in its chat (model/memberChanges.ts).
 */
import type { StateCreator } from 'zustand';
import type { z } from 'zod';
import type { BridgeClient } from '../bridge/client';
import type { AssignableRole } from '../../../common/domain';
import type { ConversationId, UserId } from '../../../common/ids';
import type { ConversationSummary, createConversationArgsSchema } from '../../../common/ipc/schemas/conversations';
import type { UserSummary } from '../../../common/ipc/schemas/session';
import { memberChanges, type MemberNote } from '../model/memberChanges';
import { toUiError, type UiError } from '../model/uiError';
import type { StoreEnv } from './env';

export type CreateConversationInput = Omit<z.infer<typeof createConversationArgsSchema>, 'historyPolicy'> & {
  historyPolicy?: z.infer<typeof createConversationArgsSchema>['historyPolicy'];
};

export interface ConversationsSlice {
  conversations: {
    list: ConversationSummary[];
    status: 'idle' | 'loading' | 'ready' | 'error';
    query: string;
    selectedId: ConversationId | null;
    notes: Record<string, MemberNote[]>;
    userResults: UserSummary[];
    busy: boolean;
    error: UiError | null;
  };
  loadConversations(): Promise<void>;
  selectConversation(id: ConversationId | null): void;
  setConversationQuery(query: string): void;
  searchUsers(query: string): Promise<void>;
  createConversation(input: CreateConversationInput): Promise<ConversationSummary | null>;
  renameConversation(id: ConversationId, name: string): Promise<void>;
  addMember(id: ConversationId, userId: UserId, role?: AssignableRole): Promise<void>;
  removeMember(id: ConversationId, userId: UserId): Promise<void>;
  setMemberRole(id: ConversationId, userId: UserId, role: AssignableRole): Promise<void>;
  leaveConversation(id: ConversationId): Promise<void>;
  rotateKey(id: ConversationId): Promise<number | null>;
  clearConversationsError(): void;
}

export const initialConversationsState: ConversationsSlice['conversations'] = {
  list: [],
  status: 'idle',
  query: '',
  selectedId: null,
  notes: {},
  userResults: [],
  busy: false,
  error: null,
};

/** The list with `next` merged in, and the member notes its change produced. */
export function mergeSummary(
  list: readonly ConversationSummary[],
  notes: Readonly<Record<string, MemberNote[]>>,
  next: ConversationSummary,
  at: number,
): { list: ConversationSummary[]; notes: Record<string, MemberNote[]> } {
  const prior = list.find((c) => c.conversationId === next.conversationId);
  const added = prior ? memberChanges(prior.members, next.members, at) : [];
  const merged = prior ? list.map((c) => (c.conversationId === next.conversationId ? next : c)) : [...list, next];
  if (added.length === 0) return { list: merged, notes: { ...notes } };
  return { list: merged, notes: { ...notes, [next.conversationId]: [...(notes[next.conversationId] ?? []), ...added] } };
}

export function createConversationsSlice(bridge: BridgeClient, env: StoreEnv): StateCreator<ConversationsSlice, [], [], ConversationsSlice> {
  return (set, get) => {
    const patch = (p: Partial<ConversationsSlice['conversations']>) => set((s) => ({ conversations: { ...s.conversations, ...p } }));
    const apply = (summary: ConversationSummary) => {
      const { list, notes } = get().conversations;
      patch(mergeSummary(list, notes, summary, env.now()));
    };
    async function mutate(work: () => Promise<ConversationSummary>): Promise<ConversationSummary | null> {
      patch({ busy: true, error: null });
      try {
        const summary = await work();
        apply(summary);
        patch({ busy: false });
        return summary;
      } catch (e) {
        patch({ busy: false, error: toUiError(e) });
        return null;
      }
    }
    return {
      conversations: initialConversationsState,
      async loadConversations() {
        if (get().conversations.status !== 'ready') patch({ status: 'loading' });
        try {
          const fresh = await bridge.listConversations();
          const state = get().conversations;
          let notes = state.notes;
          if (state.status === 'ready') for (const summary of fresh) notes = mergeSummary(state.list, notes, summary, env.now()).notes;
          const ids = new Set(fresh.map((c) => c.conversationId));
          const selectedId = state.selectedId !== null && ids.has(state.selectedId) ? state.selectedId : null;
          patch({ list: fresh, notes, status: 'ready', error: null, selectedId });
        } catch (e) {
          patch({ status: 'error', error: toUiError(e) });
        }
      },
      selectConversation: (selectedId) => patch({ selectedId }),
      setConversationQuery: (query) => patch({ query }),
      async searchUsers(query) {
        if (query.trim() === '') {
          patch({ userResults: [] });
          return;
        }
        try {
          patch({ userResults: await bridge.searchUsers(query.trim()), error: null });
        } catch (e) {
          patch({ userResults: [], error: toUiError(e) });
        }
      },
      async createConversation(input) {
        const summary = await mutate(() => bridge.createConversation({ ...input, historyPolicy: input.historyPolicy ?? 'shared' }));
        if (summary) patch({ selectedId: summary.conversationId });
        return summary;
      },
      renameConversation: async (conversationId, name) => void (await mutate(() => bridge.renameConversation({ conversationId, name }))),
      addMember: async (conversationId, userId, role = 'member') => void (await mutate(() => bridge.addMember({ conversationId, userId, role }))),
      removeMember: async (conversationId, userId) => void (await mutate(() => bridge.removeMember({ conversationId, userId }))),
      setMemberRole: async (conversationId, userId, role) => void (await mutate(() => bridge.setMemberRole({ conversationId, userId, role }))),
      async leaveConversation(id) {
        patch({ busy: true, error: null });
        try {
          await bridge.leaveConversation(id);
          const { list, selectedId } = get().conversations;
          patch({ busy: false, list: list.filter((c) => c.conversationId !== id), selectedId: selectedId === id ? null : selectedId });
        } catch (e) {
          patch({ busy: false, error: toUiError(e) });
        }
      },
      async rotateKey(id) {
        patch({ busy: true, error: null });
        try {
          const { keyVersion } = await bridge.rotateKey(id);
          patch({ busy: false, list: get().conversations.list.map((c) => (c.conversationId === id ? { ...c, keyVersion, needsRotation: false } : c)) });
          return keyVersion;
        } catch (e) {
          patch({ busy: false, error: toUiError(e) });
          return null;
        }
      },
      clearConversationsError: () => patch({ error: null }),
    };
  };
}

export const conversationsSelectors = {
  list: (s: ConversationsSlice) => s.conversations.list,
  status: (s: ConversationsSlice) => s.conversations.status,
  query: (s: ConversationsSlice) => s.conversations.query,
  selectedId: (s: ConversationsSlice) => s.conversations.selectedId,
  selected: (s: ConversationsSlice) => s.conversations.list.find((c) => c.conversationId === s.conversations.selectedId) ?? null,
  notesOf: (id: string | null) => (s: ConversationsSlice) => (id === null ? noNotes : (s.conversations.notes[id] ?? noNotes)),
  userResults: (s: ConversationsSlice) => s.conversations.userResults,
  busy: (s: ConversationsSlice) => s.conversations.busy,
  error: (s: ConversationsSlice) => s.conversations.error,
};

const noNotes: MemberNote[] = [];
