/**
 * Sending replies, edits, deletes for everyone and reactions (docs/messaging.md §Replies, edits and deletes;
 * docs/protocol.md §7.7). A reply is a send like a message (an outgoing item with a delivery state) sealed as
 * a `reply` envelope. An edit or a delete is sealed as its own envelope type and published; then it is
 * ingested at its timetoken like any received envelope, so it is opened (and, in the desktop, kept in main's
 * store) by the same verified path as everyone else's copy, and the live echo is a duplicate. Only the
 * author's own messages can be edited or deleted: anything else is `NotAuthorError` here, before anything is
 * sealed — and every receiver refuses it again anyway. A reaction (to anyone's message) is published the
 * same way as a `reaction` envelope.
 */
import type PubNub from 'pubnub';
import type { MessageId, UserId } from '../ids';
import { chatActionPlaintext, type ChatAction } from '../protocol/chatAction';
import { isProtocolError, NotAuthorError } from '../protocol/errors';
import type { MessagePlaintext } from '../protocol/plaintext';
import type { ConversationSession } from './conversationSession';
import { InvalidInputError, TransportError, UnknownMessageError } from './errors';
import type { MessageCrypto } from './ports';
import type { MessageItem } from './timelineItem';
import { classifyFailure, type PubNubClient } from './transport';
import { timetokenOf } from './timetoken';

export interface ChatActionDeps {
  readonly pubnub: PubNubClient;
  readonly crypto: MessageCrypto;
  readonly self: UserId;
  readonly changed: (session: ConversationSession) => void;
}

/** The plaintext of an action; InvalidInputError for a bad text or id. */
export function actionPlaintext(action: ChatAction, id: MessageId, sentAt: number): MessagePlaintext {
  try {
    return chatActionPlaintext(action, id, sentAt);
  } catch (error) {
    if (isProtocolError(error)) throw new InvalidInputError(error.message);
    throw error;
  }
}

/** The message an edit or delete targets, checked to be this user's own (NotAuthorError otherwise). */
export function ownMessage(items: readonly { kind: string }[], target: MessageId, self: UserId, what: 'edit' | 'delete'): MessageItem {
  const item = items.find((i): i is MessageItem => i.kind === 'message' && (i as MessageItem).id === target);
  if (item === undefined) throw new UnknownMessageError(`no message ${target} to ${what}`);
  if (item.senderUser !== self) throw new NotAuthorError(`you can only ${what} your own messages`);
  if (item.deleted === true) throw new UnknownMessageError(`message ${target} was deleted`);
  return item;
}

/** The message at `timetoken` (any sender's: anyone may react to it); UnknownMessageError when there is none. */
export function messageAt(items: readonly { kind: string }[], timetoken: string): MessageItem {
  const item = items.find((i): i is MessageItem => i.kind === 'message' && (i as MessageItem).timetoken === timetoken);
  if (item === undefined || item.deleted === true) throw new UnknownMessageError(`no message at ${timetoken} to react to`);
  return item;
}

/** Seals and publishes an edit, a delete or a reaction, then ingests it at its timetoken; resolves with the timetoken. */
export async function publishAction(
  session: ConversationSession,
  action: Extract<ChatAction, { kind: 'edit' | 'delete' | 'reaction' }>,
  plaintext: MessagePlaintext,
  deps: ChatActionDeps,
): Promise<string> {
  const envelope = await deps.crypto.seal(session.id, plaintext, action.kind);
  let timetoken: string;
  try {
    const response = await deps.pubnub.publish({ channel: session.channel, message: envelope as PubNub.Payload, storeInHistory: true, sendByPost: true });
    timetoken = timetokenOf(response.timetoken);
  } catch (error) {
    const failure = classifyFailure(error);
    const what = action.kind === 'reaction' ? `${action.op === 'add' ? 'add' : 'remove'} a reaction on` : action.kind;
    throw new TransportError('action_failed', failure.code, `cannot ${what} message ${action.target}: ${failure.message}`);
  }
  await session.ingest({ timetoken, publisher: deps.pubnub.getUserId(), message: envelope });
  deps.changed(session);
  return timetoken;
}
