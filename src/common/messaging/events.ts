/**
 * Routing of SDK events into the pipeline (docs/messaging.md §Receiving, §Catch-up): live messages into the
 * conversation's timeline, typing signals into the typing tracker, message actions into the annotations,
 * and subscription status into catch-up. On (re)connect every joined conversation catches up from history
 * before live messages move its cursor again; after a disconnect none does until then. Interruptions are
 * reported to the error listeners as `subscribe_failed`.
 */
import type PubNub from 'pubnub';
import type { ConversationSession } from './conversationSession';
import { TransportError } from './errors';
import type { Messaging } from './messaging';
import { isTimetoken, timetokenOf } from './timetoken';
import { parseTypingSignal } from './typingSignal';

const CONNECTED = new Set(['PNConnectedCategory', 'PNReconnectedCategory', 'PNSubscriptionChangedCategory']);
const DISCONNECTED = new Set([
  'PNDisconnectedCategory',
  'PNDisconnectedUnexpectedlyCategory',
  'PNConnectionErrorCategory',
  'PNNetworkDownCategory',
  'PNNetworkIssuesCategory',
]);

export function routeMessage(messaging: Messaging, session: ConversationSession, event: PubNub.Subscription.Message): void {
  if (messaging.isDisposed || !isTimetoken(String(event.timetoken))) return;
  if (event.publisher !== undefined) messaging.typingTracker.set(session.id, event.publisher, false);
  const arrival = { timetoken: timetokenOf(String(event.timetoken)), publisher: event.publisher, message: event.message };
  session.receiveLive(arrival).catch((error: unknown) => messaging.report(error, session.id));
}

export function routeSignal(messaging: Messaging, session: ConversationSession, event: PubNub.Subscription.Signal): void {
  if (messaging.isDisposed || event.publisher === undefined) return;
  const typing = parseTypingSignal(event.message);
  if (typing !== undefined) messaging.typingTracker.set(session.id, event.publisher, typing);
}

export function routeAction(messaging: Messaging, session: ConversationSession, event: PubNub.Subscription.MessageAction): void {
  const d = event.data;
  if (messaging.isDisposed || !isTimetoken(d.messageTimetoken) || !isTimetoken(d.actionTimetoken)) return;
  if (event.event !== 'added' && event.event !== 'removed') return;
  const action = {
    messageTimetoken: timetokenOf(d.messageTimetoken),
    type: d.type,
    value: d.value,
    actor: d.uuid,
    actionTimetoken: timetokenOf(d.actionTimetoken),
  };
  if (session.applyAction(event.event, action)) messaging.markChanged(session.id);
}

export function handleStatus(messaging: Messaging, status: PubNub.StatusEvent | PubNub.Status): void {
  if (messaging.isDisposed) return;
  const category = String(status.category);
  if (DISCONNECTED.has(category)) {
    messaging.connectionEpoch += 1;
    for (const session of messaging.joinedSessions()) {
      session.live = false;
      messaging.markChanged(session.id);
    }
    if (category !== 'PNDisconnectedCategory') messaging.report(subscribeFailure(category, status.error), undefined);
    return;
  }
  if (!CONNECTED.has(category)) return;
  const all = category !== 'PNSubscriptionChangedCategory';
  if (all) messaging.connectionEpoch += 1;
  for (const session of messaging.joinedSessions()) {
    if (!all && session.live) continue;
    session.live = false;
    void goLive(messaging, session);
  }
}

function subscribeFailure(category: string, error: unknown): TransportError {
  const denied = String(error) === 'PNAccessDeniedCategory';
  const reason = denied ? 'access_denied' : 'network';
  return new TransportError(
    'subscribe_failed',
    reason,
    denied ? 'the transport denied the subscription' : `subscription interrupted (${category}); it reconnects and catches up`,
  );
}

/** Catches up after a connect; the conversation is live if no disconnect happened meanwhile. */
async function goLive(messaging: Messaging, session: ConversationSession): Promise<void> {
  const epoch = messaging.connectionEpoch;
  try {
    await session.catchUp();
  } catch (error) {
    messaging.report(error, session.id);
    return;
  }
  if (epoch !== messaging.connectionEpoch || messaging.isDisposed || !messaging.joined().includes(session.id)) return;
  session.live = true;
  messaging.markChanged(session.id);
}
