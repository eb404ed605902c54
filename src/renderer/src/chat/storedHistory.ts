/**
 * The renderer's `StoredHistory` (docs/messaging.md §Stored history): pages of main's encrypted local store
 * over the bridge (`historyPage`). The renderer keeps no plaintext of its own: what it shows after a
 * restart comes from main, then catch-up from PubNub adds what is newer.
 */
import type { BridgeClient } from '../bridge/client';
import type { JsonValue } from '../../../common/protocol/plaintext';
import type { StoredEntry, StoredHistory } from '../../../common/messaging/ports';

export function bridgeStoredHistory(bridge: Pick<BridgeClient, 'historyPage'>): StoredHistory {
  return {
    async page(conversationId, query) {
      const page = await bridge.historyPage(conversationId, query.before === undefined ? { limit: query.limit } : { before: query.before, limit: query.limit });
      return page.map(({ timetoken, outcome }): StoredEntry => {
        if (outcome.kind !== 'ok') return { timetoken, outcome };
        const p = outcome.plaintext;
        return { timetoken, outcome: { ...outcome, plaintext: p.type === 'string' ? p : { ...p, body: p.body as JsonValue } } };
      });
    },
  };
}
