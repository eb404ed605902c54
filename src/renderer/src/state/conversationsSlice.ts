/**
 * Conversations slice (conversation list, new DM and new group, members panel): the summaries main
 * reports, the search query, the selected conversation, user search for new conversations, and the member
 * operations (add, remove, roles, rename, leave, rotate now). The verified membership history of the
 * conversations the user opens (`membershipHistory`; model/membershipLines.ts makes its chat lines) is
 * loaded on opening and again whenever the conversation's members, roles or history setting change in
 * its summary (after an operation here, or a member notice main reported); a history that does not verify
 * is kept as that conversation's error instead. Conversations main refused to list (their membership did
 * not verify) are kept with why, so the user is told rather than the conversation silently missing.
 */
import type { StateCreator } from 'zustand';
import type { z } from 'zod';
import type { BridgeClient } from '../bridge/client';
import type { AssignableRole } from '../../../common/domain';
import type { ConversationId, UserId } from '../../../common/ids';
import type { ConversationSummary, createConversationArgsSchema, MembershipEventView, RefusedConversation } from '../../../common/ipc/schemas/conversations';
import type { UserSummary } from '../../../common/ipc/schemas/session';
import { toUiError, type UiError } from '../model/uiError';

export type CreateConversationInput = Omit<z.infer<typeof createConversationArgsSchema>, 'historyPolicy'> & {
  historyPolicy?: z.infer<typeof createConversationArgsSchema>['historyPolicy'];
};

/** A directory search's answer and the (trimmed) query it answers. */
export interface UserSearch {
  query: string;
  users: readonly UserSummary[];
}

export interface ConversationsSlice {
  conversations: {
    list: ConversationSummary[];
    status: 'idle' | 'loading' | 'ready' | 'error';
    query: string;
    selectedId: ConversationId | null;
    /** Verified membership history per conversation loaded so far. */
    history: Record<string, MembershipEventView[]>;
    /** Why a conversation's history could not be shown (its chain did not verify), per conversation. */
    historyErrors: Record<string, UiError>;
    /** Conversations main left out of the list because their membership did not verify, with why. */
    refused: RefusedConversation[];
    /** The last directory search main answered, with the query it answers (a picker shows it only for that query). */
    userSearch: UserSearch;
    busy: boolean;
    error: UiError | null;
  };
  /**
   * Asks main for the kept conversation list at once (before the session answer), so the first paint has
   * rows; settles once it is shown (or there was none).
   */
  prefetchKeptConversations(): Promise<void>;
  loadConversations(): Promise<void>;
  selectConversation(id: ConversationId | null): void;
  loadHistory(id: ConversationId): Promise<void>;
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
  history: {},
  historyErrors: {},
  refused: [],
  userSearch: { query: '', users: [] },
  busy: false,
  error: null,
};

/** What of a summary the membership history decides: members with roles, and the history setting. */
export function membershipSignature(summary: ConversationSummary | undefined): string {
  if (summary === undefined) return '';
  const members = summary.members.map((m) => `${m.userId}:${m.role}`).sort();
  return `${summary.historyPolicy}|${members.join(',')}`;
}

/** The list with `next` merged in. */
export function mergeSummary(list: readonly ConversationSummary[], next: ConversationSummary): ConversationSummary[] {
  const prior = list.some((c) => c.conversationId === next.conversationId);
  return prior ? list.map((c) => (c.conversationId === next.conversationId ? next : c)) : [...list, next];
}

export function createConversationsSlice(bridge: BridgeClient): StateCreator<ConversationsSlice, [], [], ConversationsSlice> {
  return (set, get) => {
    const patch = (p: Partial<ConversationsSlice['conversations']>) => set((s) => ({ conversations: { ...s.conversations, ...p } }));
    /** The latest request per conversation: an older answer that arrives later is dropped. */
    const historyRequests = new Map<string, number>();
    /** The query of the latest directory search asked: an earlier question's later answer is dropped. */
    let latestUserQuery = '';
    /** Reloads the history of the conversations whose membership changed, when it is shown or was loaded. */
    const reloadChanged = (before: readonly ConversationSummary[], after: readonly ConversationSummary[]) => {
      const { history, selectedId } = get().conversations;
      for (const next of after) {
        const id = next.conversationId;
        if (id !== selectedId && history[id] === undefined) continue;
        const prior = before.find((c) => c.conversationId === id);
        if (membershipSignature(prior) !== membershipSignature(next)) void get().loadHistory(id);
      }
    };
    const apply = (summary: ConversationSummary) => {
      const before = get().conversations.list;
      const list = mergeSummary(before, summary);
      patch({ list });
      reloadChanged(before, [summary]);
    };
    /** The kept list asked once at start (`prefetchKeptConversations`), shared by the first `loadConversations`. */
    let kept: Promise<void> | null = null;
    /**
     * At start, the list kept from the last verified answer paints at once (docs/desktop.md "Start"); the
     * verified answer of `listConversations` replaces it. A main without the method, none kept, or a list
     * already shown leaves the state as it is.
     */
    const askKept = (): Promise<ConversationSummary[]> => {
      try {
        // Asked now, not a microtask later: the first requests of a page share a few connections in browser mode.
        return bridge.keptConversations().catch(() => []);
      } catch {
        return Promise.resolve([]);
      }
    };
    const readKept = () =>
      (kept ??= askKept().then((list) => {
        const { status, list: shown } = get().conversations;
        if (list.length > 0 && shown.length === 0 && (status === 'idle' || status === 'loading')) patch({ list, status: 'ready' });
      }));
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
      prefetchKeptConversations: () => readKept(),
      async loadConversations() {
        if (get().conversations.status !== 'ready') {
          patch({ status: 'loading' });
          await readKept();
        }
        try {
          const fresh = await bridge.listConversations();
          const state = get().conversations;
          const ids = new Set(fresh.map((c) => c.conversationId));
          const selectedId = state.selectedId !== null && ids.has(state.selectedId) ? state.selectedId : null;
          patch({ list: fresh, status: 'ready', error: null, selectedId });
          reloadChanged(state.list, fresh);
          // A main without the method (a stand-in build) refuses nothing.
          const refused = await Promise.resolve()
            .then(() => bridge.refusedConversations())
            .catch(() => []);
          patch({ refused });
        } catch (e) {
          patch({ status: 'error', error: toUiError(e) });
        }
      },
      selectConversation(selectedId) {
        patch({ selectedId });
        if (selectedId !== null) void get().loadHistory(selectedId);
      },
      async loadHistory(id) {
        const request = (historyRequests.get(id) ?? 0) + 1;
        historyRequests.set(id, request);
        const current = () => historyRequests.get(id) === request;
        try {
          const events = await bridge.membershipHistory(id);
          if (!current()) return;
          const { history, historyErrors } = get().conversations;
          const { [id]: _dropped, ...errors } = historyErrors;
          patch({ history: { ...history, [id]: events }, historyErrors: errors });
        } catch (e) {
          if (!current()) return;
          const error = toUiError(e);
          const { history, historyErrors } = get().conversations;
          const { [id]: _dropped, ...rest } = history;
          // A build without the method (a stand-in main) has no history to show; that is not a refusal.
          if (error.code === 'unavailable') patch({ history: { ...rest, [id]: [] } });
          else patch({ history: rest, historyErrors: { ...historyErrors, [id]: error } });
        }
      },
      setConversationQuery: (query) => patch({ query }),
      async searchUsers(query) {
        const asked = query.trim();
        latestUserQuery = asked;
        if (asked === '') {
          patch({ userSearch: { query: '', users: [] } });
          return;
        }
        try {
          const users = await bridge.searchUsers(asked);
          // Answers can arrive out of order while someone types: only the latest question's answer is kept.
          if (latestUserQuery === asked) patch({ userSearch: { query: asked, users }, error: null });
        } catch (e) {
          if (latestUserQuery === asked) patch({ userSearch: { query: asked, users: [] }, error: toUiError(e) });
        }
      },
      async createConversation(input) {
        const summary = await mutate(() => bridge.createConversation({ ...input, historyPolicy: input.historyPolicy ?? 'shared' }));
        if (summary) get().selectConversation(summary.conversationId);
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
  historyOf: (id: string | null) => (s: ConversationsSlice) => (id === null ? noHistory : (s.conversations.history[id] ?? noHistory)),
  refused: (s: ConversationsSlice) => s.conversations.refused,
  historyErrorOf: (id: string | null) => (s: ConversationsSlice) => (id === null ? null : (s.conversations.historyErrors[id] ?? null)),
  userSearch: (s: ConversationsSlice) => s.conversations.userSearch,
  busy: (s: ConversationsSlice) => s.conversations.busy,
  error: (s: ConversationsSlice) => s.conversations.error,
};

const noHistory: MembershipEventView[] = [];
