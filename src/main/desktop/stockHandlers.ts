/**
 * Stock-SDK compatibility in main (docs/messaging.md "Stock PubNub SDK clients"; docs/protocol.md §8.4),
 * governed by the organisation's `stockSdkCompat` policy (off by default). A PubNub message that is a
 * string (what a stock SDK with a crypto module publishes) is opened here only with the policy on: it
 * becomes an opened message whose sender is the unsigned marker (`isUnsignedSender`), shown "Not signed".
 * With the policy off it is refused with `stock_sdk_disabled`, logged, and neither kept nor shown.
 * `sendStockMessage` publishes a text in stock format (unsigned), with the same checks as `sealMessage`.
 */
import type { Client } from '../../client';
import type { ConversationId, UserId } from '../../common/ids';
import type { OpenOutcomeView } from '../../common/ipc/schemas/messages';
import type { ReceivedAt } from '../../common/messaging/ports';
import { StockMessageError } from '../../common/protocol/pubnub/stock';
import type { Handlers } from '../ipc/dispatch';
import type { Logger } from '../log/logger';
import type { PolicyHolder } from '../services/policyHolder';
import type { ClientHost } from './clientHost';
import { toBridgePlaintext } from './views';

/** The refusal of a stock message while the policy is off: never kept in the local store. */
export function isStockRefusal(outcome: OpenOutcomeView): boolean {
  return outcome.kind === 'rejected' && outcome.code === 'stock_sdk_disabled';
}

/** Whether the organisation allows stock-SDK messages now. */
function allowed(policy: PolicyHolder): boolean {
  return policy.current().values.stockSdkCompat;
}

/** Opens a stock-format message (a published string) for the bridge; refused unless the policy allows it. */
export async function openStockForBridge(
  client: Client,
  policy: PolicyHolder,
  log: Pick<Logger, 'warn'>,
  conversationId: ConversationId,
  payload: string,
  received: ReceivedAt | undefined,
): Promise<OpenOutcomeView> {
  if (!allowed(policy)) {
    const refused = new StockMessageError('stock_sdk_disabled', 'Messages from standard PubNub clients are not allowed by your organisation.');
    log.warn('stock_message.refused', { code: refused.code });
    return { kind: 'rejected', code: refused.code, message: refused.message };
  }
  const outcome = await client.stockMessages().open(conversationId, payload, received);
  if (outcome.kind === 'rejected') log.warn('stock_message.refused', { code: outcome.code });
  if (outcome.kind !== 'ok') return outcome;
  return { ...outcome, plaintext: toBridgePlaintext(outcome.plaintext)! };
}

export interface StockHandlerDeps {
  readonly host: ClientHost;
  readonly policy: PolicyHolder;
  /** The checks `sealMessage` applies before sealing (verified contacts, recovery key). */
  readonly checkMaySeal: (client: Client, self: UserId, conversationId: ConversationId) => Promise<void>;
}

export function stockHandlers(deps: StockHandlerDeps): Pick<Required<Handlers>, 'sendStockMessage'> {
  return {
    async sendStockMessage(conversationId, text) {
      if (!allowed(deps.policy))
        throw new StockMessageError('stock_sdk_disabled', 'Sending in the standard PubNub format is not allowed by your organisation.');
      const client = await deps.host.current();
      await deps.checkMaySeal(client, client.session().userId, conversationId);
      return client.sendStock(conversationId, text);
    },
  };
}
