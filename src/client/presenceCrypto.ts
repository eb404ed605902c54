/**
 * The client core's `PresenceCrypto` (src/common/presence/presenceFeed.ts; docs/protocol.md §7.8): a status
 * sealed as a `presence` envelope with the conversation's current key and this device's signature, and a
 * peer's opened with every check of §7.4 plus the type and the "own status" check. Used by main for the
 * renderer (over the bridge) and directly by Node hosts (the CLI, tests).
 */
import type { CryptoProvider } from '../common/crypto/provider';
import { newMessageId, type ConversationId } from '../common/ids';
import type { PresenceCrypto, PresenceOpened } from '../common/presence/presenceFeed';
import { presencePlaintext, type PresenceStatus } from '../common/protocol/presenceStatus';
import type { CoreMessageCrypto } from './messageCrypto';

export class CorePresenceCrypto implements PresenceCrypto {
  constructor(
    private readonly crypto: () => CoreMessageCrypto,
    private readonly provider: Pick<CryptoProvider, 'randomBytes'>,
    private readonly now: () => number = () => Date.now(),
  ) {}

  async seal(conversationId: ConversationId, status: PresenceStatus): Promise<unknown> {
    return this.crypto().seal(conversationId, presencePlaintext(status, newMessageId(this.provider), this.now()), 'presence');
  }

  async open(conversationId: ConversationId, envelope: unknown, stateOf: string): Promise<PresenceOpened & { kind: 'ok' | 'rejected' }> {
    const opened = await this.crypto().openPresence(conversationId, envelope, stateOf);
    if (opened.kind === 'ok') return { kind: 'ok', status: opened.status, sentAt: opened.sentAt };
    if (opened.kind === 'pending') return { kind: 'rejected', code: 'unknown_key_version', message: `key version ${opened.keyVersion} is not held` };
    return { kind: 'rejected', code: opened.code, message: opened.message };
  }
}
