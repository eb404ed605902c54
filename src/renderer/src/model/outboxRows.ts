/**
 * The offline send queue as people see it (docs/desktop.md "Offline"): which failed sends wait for the
 * network (handed to main's queue), the plain sentence for a queued or stopped send, whether Retry means
 * anything for it, and which timeline items the queue's rows replace. Codes stay on the rows for logs.
 */
import { errorCategory, isErrorCode } from '../../../common/errorCodes';
import type { OutboxEntryView } from '../../../common/ipc/schemas/outbox';

export const QUEUED_TEXT = "Waiting for network — will send when you're back online";

/** A pipeline send that failed because the relay or the key service was out of reach: it goes to main's queue. */
export function waitsForNetwork(outcome: { state: string; code?: string; message?: string }): boolean {
  if (outcome.state !== 'failed') return false;
  if (outcome.code === 'network') return true;
  if (outcome.code !== 'seal_failed') return false;
  // A seal that failed in main names main's code first ("key_service_unreachable: …").
  const cause = /^([a-z_]+):/.exec(outcome.message ?? '')?.[1];
  if (cause === undefined) return false;
  if (cause === 'bridge_unavailable') return true;
  return isErrorCode(cause) && (errorCategory(cause) === 'transport' || errorCategory(cause) === 'unavailable');
}

/** Why a stopped send did not go out, as one sentence, and whether trying again can help. */
export function stoppedSend(code: string): { text: string; canRetry: boolean } {
  switch (code) {
    case 'not_a_member':
    case 'forbidden':
    case 'not_found':
      return { text: 'Not sent: you are no longer a member of this conversation.', canRetry: false };
    case 'identity_changed':
      return { text: "Not sent: a member's safety number changed. Check it in the security panel, then retry.", canRetry: true };
    case 'too_large':
      return { text: 'Not sent: this message is too large. Shorten it and send it again.', canRetry: false };
    case 'access_denied':
      return { text: 'Not sent: the server refused it. Try again later.', canRetry: true };
    default:
      return { text: 'Not sent: the message could not be delivered. Try again later.', canRetry: true };
  }
}

/** What a queue entry shows on its message: the sentence, and the actions that make sense. */
export function queuedStatus(entry: Pick<OutboxEntryView, 'state' | 'failure'>): {
  state: 'queued' | 'failed';
  text: string;
  canRetry: boolean;
  code: string | null;
} {
  if (entry.state === 'queued' || entry.failure === null) return { state: 'queued', text: QUEUED_TEXT, canRetry: false, code: null };
  const { text, canRetry } = stoppedSend(entry.failure.code);
  return { state: 'failed', text, canRetry, code: entry.failure.code };
}
