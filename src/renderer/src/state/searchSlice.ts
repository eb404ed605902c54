/**
 * Search slice (docs/desktop.md "Search"): message search (Ctrl/Cmd+F) over main's encrypted store — in the
 * open conversation or, with the toggle, in every conversation — and the quick switcher (Ctrl/Cmd+K) that
 * jumps to a conversation by name. The renderer sends the typed text and gets hits (conversation, sender,
 * date, snippet with highlight ranges) from main; it never holds an index. Opening a hit selects its
 * conversation and loads the stored messages around it (`messageContext`); when the message is stored, the
 * conversation's timeline loads stored pages back to it (`revealMessage`, at most 2,000 messages) and the
 * dialog closes on the message, scrolled into view and highlighted. Otherwise the dialog keeps the
 * messages around it and says why in a sentence. Typing searches after a short pause; an answer to an
 * older query is dropped.
 */
import type { StateCreator } from 'zustand';
import type { BridgeClient } from '../bridge/client';
import type { ConversationId } from '../../../common/ids';
import type { StoredMessageView } from '../../../common/ipc/schemas/messages';
import type { SearchHitView } from '../../../common/ipc/schemas/search';
import { toUiError, type UiError } from '../model/uiError';
import type { RevealOutcome } from './chatSlice';

/** How many hits one search asks for, and how many stored messages around a hit are shown. */
export const SEARCH_LIMIT = 30;
export const CONTEXT_SIZE = 21;
/** The pause after typing before the search runs (ms). */
export const SEARCH_DEBOUNCE_MS = 150;

export interface SearchContext {
  readonly hit: SearchHitView;
  readonly messages: readonly StoredMessageView[];
  readonly status: 'loading' | 'ready' | 'error';
  /** The jump to the message in the conversation: under way, or why it did not happen (null before it starts). */
  readonly jump: 'finding' | Exclude<RevealOutcome, 'shown'> | null;
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
    /** The hit last shown in its conversation's timeline (the container announces it), or null. */
    revealed: SearchHitView | null;
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
  revealed: null,
};

/** What the slice needs of the rest of the store: selecting a conversation. */
interface Host {
  selectConversation(id: ConversationId | null): void;
  revealMessage(id: ConversationId, timetoken: string, onFound?: () => void): Promise<RevealOutcome>;
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
        patch({ context: { hit, messages: [], status: 'loading', jump: null }, revealed: null });
        const current = () => get().search.context?.hit === hit;
        let messages: readonly StoredMessageView[];
        try {
          messages = await bridge.messageContext({ conversationId: hit.conversationId, timetoken: hit.timetoken, limit: CONTEXT_SIZE });
        } catch (e) {
          if (current()) patch({ context: { hit, messages: [], status: 'error', jump: null }, error: toUiError(e) });
          return;
        }
        if (!current()) return;
        // Deleted since the search (it expired): the context view says so; there is nothing to jump to.
        if (!messages.some((m) => m.timetoken === hit.timetoken)) {
          patch({ context: { hit, messages, status: 'ready', jump: 'missing' } });
          return;
        }
        patch({ context: { hit, messages, status: 'ready', jump: 'finding' } });
        // Found: the dialog closes in the same update that marks the message, so focus goes to the message.
        const outcome = await get().revealMessage(hit.conversationId, hit.timetoken, () => {
          if (!current()) return;
          if (timer !== undefined) clearTimeout(timer);
          patch({ mode: 'closed', context: null, revealed: hit });
        });
        if (outcome !== 'shown' && current()) patch({ context: { hit, messages, status: 'ready', jump: outcome } });
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

/** The sentence the opened result reads while it jumps into the conversation, or why it did not; null when nothing is to be said. */
export function jumpStatusText(jump: SearchContext['jump']): string | null {
  switch (jump) {
    case null:
      return null;
    case 'finding':
      return 'Finding the message in the conversation…';
    case 'beyond':
      return 'This message is more than 2,000 messages back, so it is shown here only. Use “Load older messages” in the conversation to read back to it.';
    case 'missing':
      return 'This message is no longer stored on this computer, so it cannot be shown in the conversation.';
    case 'failed':
      return 'The conversation could not be loaded back to this message, so it is shown here with the messages around it.';
    default:
      throw new Error(`unknown jump state ${JSON.stringify(jump satisfies never)}`);
  }
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
