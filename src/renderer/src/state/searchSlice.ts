/**
 * Search slice (docs/desktop.md "Search"): message search (Ctrl/Cmd+F) over main's encrypted store — in the
 * open conversation or, with the toggle, in every conversation — and the quick switcher (Ctrl/Cmd+K) that
 * jumps to a conversation by name. The renderer sends the typed text and gets hits (conversation, sender,
 * date, snippet with highlight ranges) from main; it never holds an index. Opening a hit selects its
 * conversation and loads the stored messages around it (`messageContext`) so the message shows, marked.
 * Typing searches after a short pause; an answer to an older query is dropped.
 */
import type { StateCreator } from 'zustand';
import type { BridgeClient } from '../bridge/client';
import type { ConversationId } from '../../../common/ids';
import type { StoredMessageView } from '../../../common/ipc/schemas/messages';
import type { SearchHitView } from '../../../common/ipc/schemas/search';
import { toUiError, type UiError } from '../model/uiError';

/** How many hits one search asks for, and how many stored messages around a hit are shown. */
export const SEARCH_LIMIT = 30;
export const CONTEXT_SIZE = 21;
/** The pause after typing before the search runs (ms). */
export const SEARCH_DEBOUNCE_MS = 150;

export interface SearchContext {
  readonly hit: SearchHitView;
  readonly messages: readonly StoredMessageView[];
  readonly status: 'loading' | 'ready' | 'error';
}

export interface SearchSlice {
  search: {
    /** Which overlay is open. */
    mode: 'closed' | 'messages' | 'switcher';
    query: string;
    /** The conversation searched when `all` is off (the one open when search opened). */
    scopeId: ConversationId | null;
    all: boolean;
    status: 'idle' | 'searching' | 'done' | 'error';
    /** The query the hits answer (the empty state names it). */
    answered: string;
    hits: readonly SearchHitView[];
    error: UiError | null;
    context: SearchContext | null;
  };
  openMessageSearch(scopeId: ConversationId | null): void;
  openSwitcher(): void;
  closeSearch(): void;
  setSearchQuery(query: string): void;
  setSearchAll(all: boolean): void;
  openHit(hit: SearchHitView): Promise<void>;
  backToResults(): void;
  /** Forgets the query, hits and context (the messenger closed: sign-out). */
  resetSearch(): void;
}

export const initialSearchState: SearchSlice['search'] = {
  mode: 'closed',
  query: '',
  scopeId: null,
  all: false,
  status: 'idle',
  answered: '',
  hits: [],
  error: null,
  context: null,
};

/** What the slice needs of the rest of the store: selecting a conversation. */
interface Host {
  selectConversation(id: ConversationId | null): void;
}

export function createSearchSlice(bridge: BridgeClient): StateCreator<SearchSlice & Host, [], [], SearchSlice> {
  return (set, get) => {
    const patch = (p: Partial<SearchSlice['search']>) => set((s) => ({ search: { ...s.search, ...p } }));
    let timer: ReturnType<typeof setTimeout> | undefined;
    let seq = 0;
    async function run(): Promise<void> {
      const { query, all, scopeId } = get().search;
      const mine = ++seq;
      if (query.trim() === '') {
        patch({ status: 'idle', hits: [], answered: '', error: null });
        return;
      }
      patch({ status: 'searching', error: null });
      try {
        const hits = await bridge.searchMessages({ query, limit: SEARCH_LIMIT, ...(all || scopeId === null ? {} : { conversationId: scopeId }) });
        if (mine === seq) patch({ status: 'done', hits, answered: query, error: null });
      } catch (e) {
        if (mine === seq) patch({ status: 'error', hits: [], answered: query, error: toUiError(e) });
      }
    }
    const schedule = () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(() => void run(), SEARCH_DEBOUNCE_MS);
    };
    return {
      search: initialSearchState,
      openMessageSearch(scopeId) {
        patch({ mode: 'messages', scopeId, all: scopeId === null ? true : get().search.all, context: null });
        if (get().search.query.trim() !== '') schedule();
      },
      openSwitcher() {
        patch({ mode: 'switcher', context: null });
      },
      closeSearch() {
        if (timer !== undefined) clearTimeout(timer);
        seq += 1;
        patch({ mode: 'closed', context: null, status: get().search.status === 'searching' ? 'idle' : get().search.status });
      },
      setSearchQuery(query) {
        patch({ query, context: null });
        schedule();
      },
      setSearchAll(all) {
        patch({ all, context: null });
        schedule();
      },
      async openHit(hit) {
        get().selectConversation(hit.conversationId);
        patch({ context: { hit, messages: [], status: 'loading' } });
        try {
          const messages = await bridge.messageContext({ conversationId: hit.conversationId, timetoken: hit.timetoken, limit: CONTEXT_SIZE });
          if (get().search.context?.hit === hit) patch({ context: { hit, messages, status: 'ready' } });
        } catch (e) {
          if (get().search.context?.hit === hit) patch({ context: { hit, messages: [], status: 'error' }, error: toUiError(e) });
        }
      },
      backToResults() {
        patch({ context: null });
      },
      resetSearch() {
        if (timer !== undefined) clearTimeout(timer);
        seq += 1;
        set({ search: initialSearchState });
      },
    };
  };
}

export const searchSelectors = {
  state: (s: SearchSlice) => s.search,
  mode: (s: SearchSlice) => s.search.mode,
};

/** The sentence the status line reads (also to screen readers). */
export function searchStatusText(state: SearchSlice['search']): string {
  if (state.query.trim() === '') return state.all || state.scopeId === null ? 'Type to search all your conversations.' : 'Type to search this conversation.';
  if (state.status === 'searching') return 'Searching…';
  if (state.status === 'error') {
    switch (state.error?.code) {
      case 'search_query_empty':
        return 'Type a word to search for.';
      case 'search_query_too_long':
      case 'invalid_arguments':
        return 'That search is too long. Use fewer words.';
      case 'search_not_member':
        return 'You are no longer in this conversation, so it cannot be searched.';
      default:
        return `Search did not work: ${state.error?.message ?? 'unknown error'}`;
    }
  }
  if (state.status === 'done') {
    const where = state.all || state.scopeId === null ? 'in your conversations' : 'in this conversation';
    if (state.hits.length === 0) return `No messages match “${state.answered}” ${where}.`;
    return `${state.hits.length}${state.hits.length === SEARCH_LIMIT ? '+' : ''} ${state.hits.length === 1 ? 'message' : 'messages'} found ${where}.`;
  }
  return '';
}
