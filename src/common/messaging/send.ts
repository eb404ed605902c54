/**
 * Sending (docs/messaging.md §Sending): a new message becomes an outgoing timeline item in state `sending`,
 * is sealed through the crypto port with the conversation's current key version and published as the
 * envelope JSON (stored in history, no PubNub cipher). It ends `sent` with its timetoken or `failed` with a
 * typed reason; `retry` seals again (the key may have rotated meanwhile) under the same message id, so
 * receivers show one message even if an earlier attempt did land.
 */
import type PubNub from 'pubnub';
import type { MessageId } from '../ids';
import type { AttachmentMessage } from '../protocol/attachmentMessage';
import { isProtocolError } from '../protocol/errors';
import { bodyBytes, type JsonValue, type MessagePlaintext } from '../protocol/plaintext';
import type { ConversationSession } from './conversationSession';
import { InvalidInputError, UnknownMessageError, type DeliveryFailureCode } from './errors';
import type { MessageCrypto } from './ports';
import type { OutgoingRecord } from './timeline';
import { classifyFailure, type Failure, type PubNubClient } from './transport';
import { timetokenOf } from './timetoken';

/** What a user sends: a body of one of the three data types (docs/protocol.md §7.2). */
export type MessageContent =
  | { readonly type: 'string'; readonly body: string }
  | { readonly type: 'binary'; readonly body: Uint8Array }
  | { readonly type: 'json'; readonly body: JsonValue };

/** How a send ended. */
export type SendOutcome =
  | { readonly id: MessageId; readonly state: 'sent'; readonly timetoken: string }
  | { readonly id: MessageId; readonly state: 'failed'; readonly code: DeliveryFailureCode; readonly message: string };

export interface SendDeps {
  readonly pubnub: PubNubClient;
  readonly crypto: MessageCrypto;
  readonly changed: (session: ConversationSession) => void;
}

/** The plaintext of a new message; InvalidInputError for a body that does not match its type. */
export function newPlaintext(content: MessageContent, id: MessageId, sentAt: number): MessagePlaintext {
  const type = (content as { type?: unknown } | null)?.type;
  if (type !== 'string' && type !== 'binary' && type !== 'json') throw new InvalidInputError('message type must be string, binary or json');
  const plaintext = { id, sentAt, type, body: content.body } as MessagePlaintext;
  try {
    bodyBytes(plaintext);
  } catch (error) {
    if (isProtocolError(error)) throw new InvalidInputError(error.message);
    throw error;
  }
  return plaintext;
}

/** Starts a new send. */
export function send(
  session: ConversationSession,
  plaintext: MessagePlaintext,
  deps: SendDeps,
  replyTo?: MessageId,
  attachment?: AttachmentMessage,
): Promise<SendOutcome> {
  const record = session.timeline.addOutgoing(plaintext, replyTo, attachment);
  deps.changed(session);
  return deliver(session, record, deps);
}

/** Sends a failed message again. */
export function retry(session: ConversationSession, id: MessageId, deps: SendDeps): Promise<SendOutcome> {
  const record = session.timeline.outgoingRecord(id);
  if (record === undefined || record.delivery.state !== 'failed') throw new UnknownMessageError(`no failed message ${id} in ${session.id}`);
  return deliver(session, record, deps);
}

async function deliver(session: ConversationSession, record: OutgoingRecord, deps: SendDeps): Promise<SendOutcome> {
  session.timeline.setDelivery(record, { state: 'sending' });
  deps.changed(session);
  let envelope: unknown;
  try {
    envelope = await deps.crypto.seal(session.id, record.plaintext, sealType(record));
  } catch (error) {
    return finish(session, record, deps, sealFailure(error));
  }
  let timetoken: string;
  try {
    const response = await deps.pubnub.publish({ channel: session.channel, message: envelope as PubNub.Payload, storeInHistory: true, sendByPost: true });
    timetoken = timetokenOf(response.timetoken);
  } catch (error) {
    return finish(session, record, deps, classifyFailure(error));
  }
  session.timeline.setDelivery(record, { state: 'sent' }, timetoken, keyVersionOf(envelope));
  return finish(session, record, deps, undefined);
}

function finish(session: ConversationSession, record: OutgoingRecord, deps: SendDeps, failure: Failure | undefined): SendOutcome {
  if (failure !== undefined) session.timeline.setDelivery(record, { state: 'failed', ...failure });
  deps.changed(session);
  const id = record.plaintext.id;
  const delivery = record.delivery;
  if (delivery.state === 'failed') return { id, state: 'failed', code: delivery.code, message: delivery.message };
  if (record.timetoken !== undefined) return { id, state: 'sent', timetoken: record.timetoken };
  return { id, state: 'failed', code: 'publish_failed', message: 'the transport acknowledged no timetoken' };
}

/** The envelope type an outgoing record is sealed as: a reply, a file, or a message (undefined). */
function sealType(record: OutgoingRecord): 'reply' | 'attachment' | undefined {
  if (record.replyTo !== undefined) return 'reply';
  return record.attachment === undefined ? undefined : 'attachment';
}

function sealFailure(error: unknown): Failure {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'too_large') return { code: 'too_large', message };
  return { code: 'seal_failed', message: typeof code === 'string' ? `${code}: ${message}` : message };
}

function keyVersionOf(envelope: unknown): number | undefined {
  const version = (envelope as { keyVersion?: unknown } | null)?.keyVersion;
  return typeof version === 'number' && Number.isInteger(version) && version > 0 ? version : undefined;
}
