/**
 * Read receipts and reactions on the wire (docs/messaging.md §Receipts and reactions): PubNub message
 * actions `receipt`/`read` and `reaction`/<emoji> added to or removed from a message timetoken. The local
 * annotations change as soon as the transport confirms, and again (idempotently) when the live action event
 * arrives. A duplicate add (409) or a removal of something already gone (404) counts as done.
 */
import { isReactionValue, MAX_REACTION_LENGTH, READ_VALUE, RECEIPT_ACTION, REACTION_ACTION } from './annotations';
import type { ConversationSession } from './conversationSession';
import { InvalidInputError, TransportError } from './errors';
import { classifyFailure, type PubNubClient } from './transport';
import { compareTimetokens, timetokenOf } from './timetoken';

export { MAX_REACTION_LENGTH } from './annotations';

export interface AnnotateDeps {
  readonly pubnub: PubNubClient;
  readonly changed: (session: ConversationSession) => void;
}

/** Marks messages read up to `messageTimetoken`; does nothing when an own receipt already covers it. */
export async function markRead(session: ConversationSession, messageTimetoken: string, deps: AnnotateDeps): Promise<void> {
  const actor = deps.pubnub.getUserId();
  const covered = session.annotations.readUpTo().get(actor);
  if (covered !== undefined && compareTimetokens(covered, messageTimetoken) >= 0) return;
  await add(session, messageTimetoken, RECEIPT_ACTION, READ_VALUE, deps);
}

/** Adds this user's reaction to a message. */
export async function react(session: ConversationSession, messageTimetoken: string, value: string, deps: AnnotateDeps): Promise<void> {
  checkReaction(value);
  if (session.annotations.find(messageTimetoken, REACTION_ACTION, value, deps.pubnub.getUserId()) !== undefined) return;
  await add(session, messageTimetoken, REACTION_ACTION, value, deps);
}

/** Removes this user's reaction from a message. */
export async function unreact(session: ConversationSession, messageTimetoken: string, value: string, deps: AnnotateDeps): Promise<void> {
  checkReaction(value);
  const action = session.annotations.find(messageTimetoken, REACTION_ACTION, value, deps.pubnub.getUserId());
  if (action === undefined) return;
  try {
    await deps.pubnub.removeMessageAction({ channel: session.channel, messageTimetoken, actionTimetoken: action.actionTimetoken });
  } catch (error) {
    if (statusCode(error) !== 404) throw actionError(error, 'remove a reaction');
  }
  if (session.applyAction('removed', action)) deps.changed(session);
}

async function add(session: ConversationSession, messageTimetoken: string, type: string, value: string, deps: AnnotateDeps): Promise<void> {
  try {
    const response = await deps.pubnub.addMessageAction({ channel: session.channel, messageTimetoken, action: { type, value } });
    const data = response.data;
    const applied = session.applyAction('added', {
      messageTimetoken,
      type,
      value,
      actor: data.uuid,
      actionTimetoken: timetokenOf(data.actionTimetoken),
    });
    if (applied) deps.changed(session);
  } catch (error) {
    if (statusCode(error) !== 409) throw actionError(error, `add ${type} ${value}`);
  }
}

function checkReaction(value: unknown): void {
  if (!isReactionValue(value)) {
    throw new InvalidInputError(`a reaction is 1-${MAX_REACTION_LENGTH} characters without spaces or control characters`);
  }
}

function statusCode(error: unknown): unknown {
  return (error as { status?: { statusCode?: unknown } } | null)?.status?.statusCode;
}

function actionError(error: unknown, what: string): TransportError {
  if (error instanceof InvalidInputError) return new TransportError('action_failed', 'publish_failed', error.message);
  const failure = classifyFailure(error);
  return new TransportError('action_failed', failure.code, `cannot ${what}: ${failure.message}`);
}
