/**
 * Container: message search and the quick switcher (docs/desktop.md "Search"). Ctrl/Cmd+F opens message
 * search in the open conversation (a toggle widens it to all), Ctrl/Cmd+K the quick switcher; both also have
 * a button. Hits are named with the conversation's title, the sender's name and the date; opening one
 * selects its conversation and jumps to the message in its timeline (the dialog closes, the message is
 * scrolled into view, focused and highlighted, and a status line announces it), or — beyond the jump's
 * bound, or no longer stored — shows the stored messages around it with the found one marked and says why.
 */
import { useEffect, useMemo, useState } from 'react';
import type { SearchHitView } from '../../../common/ipc/schemas/search';
import { QuickSwitcher } from '../components/QuickSwitcher';
import { SearchDialog, type ContextRow, type SearchResultRow } from '../components/SearchDialog';
import { conversationRows } from '../model/conversationRows';
import { conversationTitle, nameOf } from '../model/people';
import { chatSelectors } from '../state/chatSlice';
import { conversationsSelectors } from '../state/conversationsSlice';
import { jumpStatusText, searchSelectors, searchStatusText } from '../state/searchSlice';
import { sessionSelectors } from '../state/sessionSlice';
import { useAppStore, useAppStoreApi } from './storeContext';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const mac = typeof navigator !== 'undefined' && /Mac/i.test(navigator.platform);

export function SearchContainer() {
  const store = useAppStoreApi();
  const search = useAppStore(searchSelectors.state);
  const list = useAppStore(conversationsSelectors.list);
  const selectedId = useAppStore(conversationsSelectors.selectedId);
  const selfUserId = useAppStore(sessionSelectors.selfUserId);
  const views = useAppStore(chatSelectors.views);
  const [switcherQuery, setSwitcherQuery] = useState('');
  const s = store.getState();

  useEffect(() => {
    function onKeyDown(e: KeyboardEvent) {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return;
      const key = e.key.toLowerCase();
      if (key === 'f') {
        e.preventDefault();
        const state = store.getState();
        state.openMessageSearch(state.conversations.selectedId);
      } else if (key === 'k') {
        e.preventDefault();
        setSwitcherQuery('');
        store.getState().openSwitcher();
      }
    }
    document.addEventListener('keydown', onKeyDown);
    return () => {
      document.removeEventListener('keydown', onKeyDown);
      store.getState().resetSearch();
    };
  }, [store]);

  const byId = useMemo(() => new Map(list.map((c) => [c.conversationId as string, c])), [list]);
  const rowOf = (hit: SearchHitView): SearchResultRow => {
    const summary = byId.get(hit.conversationId);
    return {
      hit,
      conversation: summary ? conversationTitle(summary, selfUserId) : 'A conversation',
      sender: nameOf(hit.senderUser, summary?.members ?? [], selfUserId),
      date: dateFormat.format(hit.sentAt),
    };
  };
  const results = useMemo(() => search.hits.map(rowOf), [search.hits, byId, selfUserId]);
  const switcherRows = useMemo(() => conversationRows(list, views, selfUserId, switcherQuery), [list, views, selfUserId, switcherQuery]);
  const scope = search.scopeId === null ? undefined : byId.get(search.scopeId);

  const context = useMemo(() => {
    const c = search.context;
    if (c === null) return null;
    const summary = byId.get(c.hit.conversationId);
    const members = summary?.members ?? [];
    const rows: ContextRow[] = c.messages.map((m) => {
      const found = m.timetoken === c.hit.timetoken;
      const ok = m.outcome.kind === 'ok' ? m.outcome : null;
      return {
        key: m.timetoken,
        found,
        sender: ok ? nameOf(ok.senderUser, members, selfUserId) : 'Unknown sender',
        date: ok ? dateFormat.format(ok.plaintext.sentAt) : '',
        text: found ? c.hit.snippet.text : ok ? (ok.plaintext.type === 'string' ? ok.plaintext.body : '(data)') : 'A message that could not be verified',
        highlights: found ? c.hit.snippet.highlights : [],
      };
    });
    return {
      title: summary ? conversationTitle(summary, selfUserId) : 'A conversation',
      rows,
      loading: c.status === 'loading',
      hit: rowOf(c.hit),
      jumpText: jumpStatusText(c.jump),
    };
  }, [search.context, byId, selfUserId]);
  const revealed = search.revealed === null ? null : rowOf(search.revealed);

  const shortcut = (k: string) => (mac ? `⌘${k}` : `Ctrl+${k}`);
  return (
    <>
      <div className="search-launchers" role="toolbar" aria-label="Search">
        <button type="button" aria-keyshortcuts={mac ? 'Meta+F' : 'Control+F'} onClick={() => s.openMessageSearch(selectedId)} data-testid="open-search">
          Search messages <kbd>{shortcut('F')}</kbd>
        </button>
        <button
          type="button"
          aria-keyshortcuts={mac ? 'Meta+K' : 'Control+K'}
          onClick={() => {
            setSwitcherQuery('');
            s.openSwitcher();
          }}
          data-testid="open-switcher"
        >
          Go to conversation <kbd>{shortcut('K')}</kbd>
        </button>
      </div>
      <p className="visually-hidden" role="status" data-testid="jump-announcement">
        {revealed === null ? '' : `Showing the message from ${revealed.sender} on ${revealed.date} in ${revealed.conversation}.`}
      </p>
      {search.mode === 'messages' && (
        <SearchDialog
          query={search.query}
          scopeTitle={scope ? conversationTitle(scope, selfUserId) : null}
          all={search.all || scope === undefined}
          busy={search.status === 'searching'}
          status={searchStatusText(search)}
          results={results}
          context={context}
          onQuery={s.setSearchQuery}
          onAll={s.setSearchAll}
          onOpen={(hit) => void s.openHit(hit)}
          onBack={s.backToResults}
          onClose={s.closeSearch}
        />
      )}
      {search.mode === 'switcher' && (
        <QuickSwitcher
          query={switcherQuery}
          rows={switcherRows}
          onQuery={setSwitcherQuery}
          onChoose={(id) => {
            s.selectConversation(id);
            s.closeSearch();
          }}
          onClose={s.closeSearch}
        />
      )}
    </>
  );
}
