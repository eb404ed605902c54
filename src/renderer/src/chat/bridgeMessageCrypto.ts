/**
 * The renderer's `MessageCrypto` (src/common/messaging/ports.ts; docs/messaging.md §Ports): sealing and
 * opening happen in main over the bridge (`sealMessage`, `openMessage`), and `keyAvailable` events drive
 * `onKeyAvailable`. The renderer never holds a key. Only 'string' and 'json' bodies cross the bridge; a
 * binary body is refused with a typed error before anything is sent. Opens asked for in the same tick (a
 * history page is opened all at once) go to main as one `openMessages` call per conversation.
 */
import type { BridgeClient, BridgeEvents } from '../bridge/client';
import { BridgeError } from '../bridge/client';
import type { ConversationId } from '../../../common/ids';
import { OPEN_BATCH_MAX, type BridgePlaintext, type OpenOutcomeView } from '../../../common/ipc/schemas/messages';
import type { MessageCrypto, OpenOutcome, ReceivedAt } from '../../../common/messaging/ports';
import type { ChatActionType } from '../../../common/protocol/chatAction';
import type { JsonValue, MessagePlaintext } from '../../../common/protocol/plaintext';

export class UnsupportedBodyError extends BridgeError {
  constructor() {
    super('unsupported_body', 'binary messages are not supported in the desktop app');
  }
}

interface QueuedOpen {
  envelope: Record<string, unknown>;
  received: ReceivedAt | undefined;
  settle(outcome: OpenOutcomeView | Error): void;
}

/** Where each envelope of a batch was received, when every one of them knows it (main takes all or none). */
function receiptsOf(batch: readonly QueuedOpen[]): ReceivedAt[] | undefined {
  const receipts = batch.map((b) => b.received);
  return receipts.every((r): r is ReceivedAt => r !== undefined) ? receipts : undefined;
}

export class BridgeMessageCrypto implements MessageCrypto {
  private readonly queued = new Map<ConversationId, QueuedOpen[]>();

  constructor(
    private readonly bridge: Pick<BridgeClient, 'sealMessage' | 'openMessage'> &
      Partial<Pick<BridgeClient, 'openMessages' | 'sealChatAction' | 'openStockMessage'>>,
    private readonly events: BridgeEvents,
  ) {}

  async seal(conversationId: ConversationId, plaintext: MessagePlaintext, type?: ChatActionType): Promise<unknown> {
    if (plaintext.type === 'binary') throw new UnsupportedBodyError();
    if (type === undefined) return this.bridge.sealMessage(conversationId, plaintext as BridgePlaintext);
    if (this.bridge.sealChatAction === undefined)
      throw new BridgeError('bridge_unavailable', 'replies, edits, deletes and reactions are not available in this window');
    return this.bridge.sealChatAction(conversationId, plaintext as BridgePlaintext, type);
  }

  async open(conversationId: ConversationId, envelope: unknown, received?: ReceivedAt): Promise<OpenOutcome> {
    // A published string is what a stock PubNub SDK sends (docs/messaging.md "Stock PubNub SDK clients"): main decides.
    if (typeof envelope === 'string' && this.bridge.openStockMessage !== undefined && received !== undefined)
      return this.openStock(conversationId, envelope, received);
    if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) {
      return { kind: 'rejected', code: 'malformed', message: 'the envelope is not a JSON object' };
    }
    try {
      const outcome = await this.openInMain(conversationId, envelope as Record<string, unknown>, received);
      if (outcome.kind !== 'ok') return outcome;
      const plaintext: MessagePlaintext =
        outcome.plaintext.type === 'string' ? outcome.plaintext : { ...outcome.plaintext, body: outcome.plaintext.body as JsonValue };
      return { ...outcome, plaintext };
    } catch (e) {
      const code = e instanceof BridgeError ? e.code : 'open_failed';
      return { kind: 'rejected', code, message: e instanceof Error ? e.message : 'open failed' };
    }
  }

  private async openStock(conversationId: ConversationId, payload: string, received: ReceivedAt): Promise<OpenOutcome> {
    try {
      const outcome = await this.bridge.openStockMessage!(conversationId, payload, received);
      return outcome.kind === 'ok' && outcome.plaintext.type === 'string'
        ? { ...outcome, plaintext: outcome.plaintext }
        : outcome.kind === 'ok'
          ? { kind: 'rejected', code: 'unsupported_body', message: 'not a text' }
          : outcome;
    } catch (e) {
      const code = e instanceof BridgeError ? e.code : 'open_failed';
      return { kind: 'rejected', code, message: e instanceof Error ? e.message : 'open failed' };
    }
  }

  /** Queues the envelope; the first open of a tick schedules one call for the conversation's queue. */
  private openInMain(conversationId: ConversationId, envelope: Record<string, unknown>, received?: ReceivedAt): Promise<OpenOutcomeView> {
    return new Promise((resolve, reject) => {
      const queue = this.queued.get(conversationId);
      const item: QueuedOpen = { envelope, received, settle: (o) => (o instanceof Error ? reject(o) : resolve(o)) };
      if (queue) return void queue.push(item);
      this.queued.set(conversationId, [item]);
      queueMicrotask(() => void this.flush(conversationId));
    });
  }

  private async flush(conversationId: ConversationId): Promise<void> {
    const items = this.queued.get(conversationId) ?? [];
    this.queued.delete(conversationId);
    for (let i = 0; i < items.length; i += OPEN_BATCH_MAX) {
      const batch = items.slice(i, i + OPEN_BATCH_MAX);
      const outcomes =
        batch.length > 1 && this.bridge.openMessages
          ? await this.bridge
              .openMessages(
                conversationId,
                batch.map((b) => b.envelope),
                receiptsOf(batch),
              )
              .catch(() => null)
          : null;
      if (outcomes !== null && outcomes.length === batch.length) {
        batch.forEach((b, k) => b.settle(outcomes[k]!));
        continue;
      }
      // One at a time (a single envelope, no batch channel, or a batch main refused — e.g. one oversized
      // envelope — so each envelope gets its own outcome or error).
      await Promise.all(
        batch.map((b) =>
          this.bridge
            .openMessage(conversationId, b.envelope, b.received)
            .then(b.settle, (e: unknown) => b.settle(e instanceof Error ? e : new Error(String(e)))),
        ),
      );
    }
  }

  onKeyAvailable(listener: (conversationId: ConversationId, keyVersion: number) => void): () => void {
    return this.events.on('keyAvailable', (payload) => listener(payload.conversationId, payload.keyVersion));
  }
}
