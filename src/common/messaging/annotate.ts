/**
 * Read receipts on the wire (docs/messaging.md §Receipts and reactions): the PubNub message action
 * `receipt`/`read` added to a message timetoken, in clear. The local annotations change as soon as the
 * transport confirms, and again (idempotently) when the live action event arrives. A duplicate add (409)
 * counts as done. Reactions are sealed `reaction` envelopes (chatActions.ts, docs/protocol.md §7.7).
 */
import { isReactionValue, MAX_REACTION_LENGTH, READ_VALUE, RECEIPT_ACTION } from './annotations';
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

/** InvalidInputError unless `value` is a reaction value (an emoji or short code). */
export function checkReaction(value: unknown): void {
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
