/**
 * Stock-SDK compatibility (docs/protocol.md §8.4; docs/messaging.md "Stock PubNub SDK clients"): opens a
 * message that a stock `pubnub` SDK published with its AES-CBC crypto module and the conversation key as
 * cipherKey, and seals a text in that format. Whether the organisation allows it at all is the host's
 * check (the `stockSdkCompat` policy, enforced in main): this class only does the cryptography.
 *
 * Which key: the held key versions of the conversation are tried newest first. A message that only an
 * older version decrypts is accepted only when the relay's timetoken is no later than the next version's
 * acceptance plus `SENDER_TOLERANCE_MS` (a removed member keeps their old key; they may not keep writing
 * with it): otherwise `stock_key_retired`. No held version decrypts it: `bad_tag`. An opened message is
 * never signed: its sender is `UNSIGNED_SENDER_USER` / `UNSIGNED_SENDER_DEVICE` (shown "Unverified sender").
 */
import type PubNub from 'pubnub';
import type { CryptoProvider } from '../common/crypto/provider';
import { fromBase64 } from '../common/encoding/base64';
import type { ConversationId } from '../common/ids';
import type { OpenOutcome, ReceivedAt } from '../common/messaging/ports';
import { conversationPubnubChannel } from '../common/pubnubChannels';
import { BadTagError, isProtocolError, MalformedError, UnknownCryptorError } from '../common/protocol/errors';
import { ACRH_ID, cipherKeyFor } from '../common/protocol/pubnub/acrh';
import { hasSentinel, parseCryptorHeader } from '../common/protocol/pubnub/cryptorHeader';
import { decodePubNubMessage, encodePubNubMessage } from '../common/protocol/pubnub/message';
import { StockMessageError, stockMessageId, stockMessageOf, stockText, UNSIGNED_SENDER_DEVICE, UNSIGNED_SENDER_USER } from '../common/protocol/pubnub/stock';
import { AppError } from '../common/errors';
import type { Conversations } from './conversations';
import type { KeyRing } from './keyRing';
import { SENDER_TOLERANCE_MS } from './messageCrypto';

/** The longest published stock string we try to decrypt (the relay's publish limit is 32 KiB). */
const MAX_STOCK_PAYLOAD = 44_000;

/** The header of a published stock string, checked before any key is tried (the same for every version). */
function checkShape(payload: unknown): void {
  if (typeof payload !== 'string') throw new MalformedError('stock message: the published message must be a string');
  if (payload.length > MAX_STOCK_PAYLOAD) throw new MalformedError('stock message: too long');
  let data: Uint8Array;
  try {
    data = fromBase64(payload);
  } catch {
    throw new MalformedError('stock message: not base64');
  }
  if (!hasSentinel(data)) throw new MalformedError('stock message: no PNED header');
  const header = parseCryptorHeader(data);
  const ct = data.length - header.payloadOffset;
  if (header.cryptorId !== ACRH_ID) throw new UnknownCryptorError(`stock message: unknown cryptor ${JSON.stringify(header.cryptorId)}`);
  if (header.metadata.length !== 16 || ct <= 0 || ct % 16 !== 0) throw new MalformedError('stock message: bad IV or ciphertext length');
}

/** A relay timetoken (1e-4 ms units) in ms. */
function timetokenMs(timetoken: string): number {
  return Number(BigInt(timetoken) / 10_000n);
}

export class StockMessages {
  constructor(
    private readonly provider: CryptoProvider,
    private readonly ring: KeyRing,
    private readonly conversations: Conversations,
  ) {}

  /**
   * Opens a stock message received on the conversation's channel at `received`. Never throws for bad
   * input: a typed refusal is `rejected` with its code.
   */
  async open(conversationId: ConversationId, payload: unknown, received: ReceivedAt | undefined): Promise<OpenOutcome> {
    try {
      if (received === undefined) throw new MalformedError('stock message: the timetoken it was received at is needed');
      return await this.opened(conversationId, payload, received.timetoken);
    } catch (err) {
      if (isProtocolError(err) || err instanceof AppError) return { kind: 'rejected', code: err.code, message: err.message };
      return { kind: 'rejected', code: 'open_failed', message: err instanceof Error ? err.message : String(err) };
    }
  }

  private async opened(conversationId: ConversationId, payload: unknown, timetoken: string): Promise<OpenOutcome> {
    checkShape(payload);
    let versions = this.ring.heldVersions(conversationId);
    if (versions.length === 0) {
      await this.ring.prefetch(conversationId);
      versions = this.ring.heldVersions(conversationId);
    }
    const newestFirst = [...versions].reverse();
    let firstError: unknown;
    for (const [i, version] of newestFirst.entries()) {
      const key = this.ring.held(conversationId, version);
      if (key === undefined) continue;
      let decoded: unknown;
      try {
        decoded = await decodePubNubMessage(this.provider, cipherKeyFor(key), payload);
      } catch (err) {
        // A wrong key mostly fails the padding (bad_tag), rarely the UTF-8 or JSON after it (malformed): try the next version.
        if (err instanceof BadTagError || err instanceof MalformedError) {
          firstError ??= err;
          continue;
        }
        throw err;
      } finally {
        key.fill(0);
      }
      if (i > 0) this.checkNotRetired(conversationId, newestFirst[i - 1]!, version, timetoken);
      const text = stockText(decoded);
      return {
        kind: 'ok',
        plaintext: { id: stockMessageId(timetoken), sentAt: timetokenMs(timetoken), type: 'string', body: text },
        senderDevice: UNSIGNED_SENDER_DEVICE,
        senderUser: UNSIGNED_SENDER_USER,
        keyVersion: version,
      };
    }
    if (firstError instanceof MalformedError && versions.length === 1) throw firstError;
    throw new BadTagError('stock message: no key version of this conversation held here decrypts it');
  }

  /** An older version decrypted it: only while that version was current (plus the tolerance). */
  private checkNotRetired(conversationId: ConversationId, next: number, version: number, timetoken: string): void {
    const facts = this.ring.facts(conversationId, next);
    if (facts === undefined || timetokenMs(timetoken) > facts.acceptedAt + SENDER_TOLERANCE_MS) {
      throw new StockMessageError('stock_key_retired', `stock message under key version ${version}, relayed after version ${next} replaced it`);
    }
  }

  /** The string to publish for `text` in stock format, under the conversation's current key version (rotating first if due). */
  async seal(conversationId: ConversationId, text: string): Promise<{ payload: string; keyVersion: number }> {
    const message = stockMessageOf(text);
    const info = await this.conversations.ensureSendable(conversationId);
    const key = await this.ring.get(conversationId, info.currentVersion);
    try {
      return { payload: await encodePubNubMessage(this.provider, cipherKeyFor(key), message), keyVersion: info.currentVersion };
    } finally {
      key.fill(0);
    }
  }

  /** Seals and publishes `text` in stock format on the conversation's channel; answers the relay's timetoken. */
  async send(pubnub: Pick<PubNub, 'publish'>, conversationId: ConversationId, text: string): Promise<{ timetoken: string; keyVersion: number }> {
    const { payload, keyVersion } = await this.seal(conversationId, text);
    const answer = await pubnub.publish({ channel: conversationPubnubChannel(conversationId), message: payload, storeInHistory: true, sendByPost: true });
    return { timetoken: String(answer.timetoken), keyVersion };
  }
}
