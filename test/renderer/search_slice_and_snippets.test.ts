/**
 * The renderer side of message search (docs/desktop.md "Search") over the real contract dispatcher, with a
 * stand-in `searchMessages` / `messageContext` handler in main (in-memory; the real one is covered by
 * test/main/compromised_renderer_cannot_search_beyond_its_conversations.test.ts and the e2e spec): the
 * slice searches the open conversation or all, drops an answer to an older query, names the empty state
 * in a sentence, and opening a hit selects its conversation and loads its context. A snippet is text:
 * markup in a message renders as characters, only the highlight ranges become <mark>.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { buildBridge, createEventRouter } from '../../src/common/ipc/bridge';
import type { ConversationId, MessageId, UserId } from '../../src/common/ids';
import type { SearchArgs, SearchHitView } from '../../src/common/ipc/schemas/search';
import { SearchQueryError } from '../../src/client';
import { createDispatcher, type Handlers } from '../../src/main/ipc/dispatch';
import { createBridgeClient } from '../../src/renderer/src/bridge/client';
import { SearchSnippet, snippetParts } from '../../src/renderer/src/components/SearchSnippet';
import { SEARCH_DEBOUNCE_MS, searchStatusText } from '../../src/renderer/src/state/searchSlice';
import { createAppStore } from '../../src/renderer/src/state/store';

const WORK = 'conv-work-0001' as ConversationId;

function hit(text: string, tt: string): SearchHitView {
  const at = text.indexOf('budget');
  return {
    conversationId: WORK,
    timetoken: tt,
    messageId: `msg-${tt}` as MessageId,
    senderUser: 'user-alice-1' as UserId,
    sentAt: 1_733_000_000_000,
    snippet: { text, highlights: at < 0 ? [] : [[at, at + 6]] },
  };
}

function storeWith(handlers: Handlers) {
  const bridge = createBridgeClient(buildBridge(createDispatcher(handlers), createEventRouter().subscribe));
  return createAppStore(bridge, { events: { on: () => () => {} }, now: () => 1_000, isActive: () => true, startChat: null });
}

const settle = () => new Promise((r) => setTimeout(r, SEARCH_DEBOUNCE_MS + 50));

describe('search slice', () => {
  it('searches the open conversation, or all with the toggle; only the newest query’s answer is kept', async () => {
    const asked: SearchArgs[] = [];
    const store = storeWith({
      async searchMessages(args) {
        asked.push(args);
        return args.query === 'budget' ? [hit('The budget review', '17330000000000001')] : [];
      },
    });
    const s = store.getState();
    s.openMessageSearch(WORK);
    s.setSearchQuery('bud');
    s.setSearchQuery('budget');
    await settle();
    expect(asked).toEqual([{ query: 'budget', limit: 30, conversationId: WORK }]);
    expect(store.getState().search.hits.map((h) => h.snippet.text)).toEqual(['The budget review']);
    expect(searchStatusText(store.getState().search)).toBe('1 message found in this conversation.');

    store.getState().setSearchAll(true);
    store.getState().setSearchQuery('zeppelin');
    await settle();
    expect(asked.at(-1)).toEqual({ query: 'zeppelin', limit: 30 });
    expect(searchStatusText(store.getState().search)).toBe('No messages match “zeppelin” in your conversations.');
  });

  it('a refusal reads as a sentence; opening a hit selects its conversation and loads the messages around it', async () => {
    const store = storeWith({
      async searchMessages(args) {
        if (args.query.trim() === '"') throw new SearchQueryError('empty', 'the search query has no word in it');
        return [hit('The budget review', '17330000000000001')];
      },
      async messageContext(args) {
        return [{ timetoken: args.timetoken, outcome: { kind: 'rejected', code: 'bad_signature', message: 'x' } }];
      },
    });
    store.getState().openMessageSearch(null);
    store.getState().setSearchQuery('"');
    await settle();
    expect(store.getState().search.error?.code).toBe('search_query_empty');
    expect(searchStatusText(store.getState().search)).toBe('Type a word to search for.');
    store.getState().setSearchQuery('budget');
    await settle();
    await store.getState().openHit(store.getState().search.hits[0]!);
    expect(store.getState().conversations.selectedId).toBe(WORK);
    expect(store.getState().search.context).toMatchObject({ status: 'ready', messages: [{ timetoken: '17330000000000001' }] });
    store.getState().resetSearch();
    expect(store.getState().search).toMatchObject({ mode: 'closed', query: '', hits: [] });
  });
});

describe('snippets are text', () => {
  it('markup in a message is characters; only the highlight ranges are <mark>', () => {
    const text = '<img src=x onerror="window.__pwned=1"> the budget';
    const html = renderToStaticMarkup(createElement(SearchSnippet, { text, highlights: [[text.indexOf('budget'), text.length]] }));
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;');
    expect(html).toContain('<mark>budget</mark>');
  });

  it('ranges out of order, overlapping or past the end are clipped, never repeat text', () => {
    const parts = snippetParts('abcdef', [
      [4, 99],
      [0, 2],
      [1, 3],
      [7, 9],
    ]);
    expect(parts.map((p) => p.text).join('')).toBe('abcdef');
    expect(parts.filter((p) => p.marked).map((p) => p.text)).toEqual(['ab', 'c', 'ef']);
  });
});
