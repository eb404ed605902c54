/**
 * The renderer's `StoredHistory` (docs/messaging.md §Stored history): pages of main's encrypted local store
 * over the bridge (`historyPage`), each message with its stored reactions and receipts, and the reactions
 * and receipts the pipeline learns kept there (`keepMessageActions`). The renderer keeps no plaintext of its
 * own: what it shows after a restart comes from main, then catch-up from PubNub adds what is newer.
 */
import type { BridgeClient } from '../bridge/client';
import type { JsonValue } from '../../../common/protocol/plaintext';
import type { StoredEntry, StoredHistory } from '../../../common/messaging/ports';
import type { UserId } from '../../../common/ids';

export function bridgeStoredHistory(
  bridge: Pick<BridgeClient, 'historyPage' | 'keepMessageActions'> & Partial<Pick<BridgeClient, 'deleteForMe'>>,
): StoredHistory {
  return {
    async page(conversationId, query) {
      const page = await bridge.historyPage(conversationId, query.before === undefined ? { limit: query.limit } : { before: query.before, limit: query.limit });
      return page.map(({ timetoken, outcome, actions }): StoredEntry => {
        const kept = actions === undefined ? {} : { actions };
        if (outcome.kind !== 'ok') return { timetoken, outcome, ...kept };
        const p = outcome.plaintext;
        return { timetoken, outcome: { ...outcome, plaintext: p.type === 'string' ? p : { ...p, body: p.body as JsonValue } }, ...kept };
      });
    },
    async hideForMe(conversationId, messageId) {
      await bridge.deleteForMe?.(conversationId, messageId);
    },
    async keepActions(conversationId, changes) {
      await bridge.keepMessageActions(
        conversationId,
        changes.map(({ event, action }) => ({
          event,
          action: {
            messageTimetoken: action.messageTimetoken,
            type: action.type as 'reaction' | 'receipt',
            value: action.value,
            actor: action.actor as UserId,
            actionTimetoken: action.actionTimetoken,
          },
        })),
      );
    },
  };
}
