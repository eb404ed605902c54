/**
 * The renderer's `MessageCrypto` (src/common/messaging/ports.ts; docs/messaging.md §Ports): sealing and
 * opening happen in main over the bridge (`sealMessage`, `openMessage`), and `keyAvailable` events drive
 * `onKeyAvailable`. The renderer never holds a key. Only 'string' and 'json' bodies cross the bridge; a
 * binary body is refused with a typed error before anything is sent.
 */
import type { BridgeClient, BridgeEvents } from '../bridge/client';
import { BridgeError } from '../bridge/client';
import type { ConversationId } from '../../../common/ids';
import type { BridgePlaintext } from '../../../common/ipc/schemas/messages';
import type { MessageCrypto, OpenOutcome } from '../../../common/messaging/ports';
import type { JsonValue, MessagePlaintext } from '../../../common/protocol/plaintext';

export class UnsupportedBodyError extends BridgeError {
  constructor() {
    super('unsupported_body', 'binary messages are not supported in the desktop app');
  }
}

export class BridgeMessageCrypto implements MessageCrypto {
  constructor(
    private readonly bridge: Pick<BridgeClient, 'sealMessage' | 'openMessage'>,
    private readonly events: BridgeEvents,
  ) {}

  async seal(conversationId: ConversationId, plaintext: MessagePlaintext): Promise<unknown> {
    if (plaintext.type === 'binary') throw new UnsupportedBodyError();
    return this.bridge.sealMessage(conversationId, plaintext as BridgePlaintext);
  }

  async open(conversationId: ConversationId, envelope: unknown): Promise<OpenOutcome> {
    if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) {
      return { kind: 'rejected', code: 'malformed', message: 'the envelope is not a JSON object' };
    }
    try {
      const outcome = await this.bridge.openMessage(conversationId, envelope as Record<string, unknown>);
      if (outcome.kind !== 'ok') return outcome;
      const plaintext: MessagePlaintext =
        outcome.plaintext.type === 'string' ? outcome.plaintext : { ...outcome.plaintext, body: outcome.plaintext.body as JsonValue };
      return { ...outcome, plaintext };
    } catch (e) {
      const code = e instanceof BridgeError ? e.code : 'open_failed';
      return { kind: 'rejected', code, message: e instanceof Error ? e.message : 'open failed' };
    }
  }

  onKeyAvailable(listener: (conversationId: ConversationId, keyVersion: number) => void): () => void {
    return this.events.on('keyAvailable', (payload) => listener(payload.conversationId, payload.keyVersion));
  }
}
