/**
 * Typed errors of the messaging pipeline (docs/messaging.md §Errors). Each has a stable `code`; a caller
 * branches on the code, people read the message. Delivery failures of a send are not thrown: they are a
 * `failed` delivery state on the timeline item, with one of `DeliveryFailureCode`.
 */
import { AppError } from '../errors';

/** Why a send did not reach the channel. */
export type DeliveryFailureCode = 'too_large' | 'seal_failed' | 'access_denied' | 'network' | 'publish_failed';

/** Codes of thrown messaging errors. */
export type MessagingErrorCode =
  | 'invalid_input'
  | 'disposed'
  | 'unknown_message'
  | 'listener_failed'
  | 'history_failed'
  | 'action_failed'
  | 'signal_failed'
  | 'cursor_failed'
  | 'subscribe_failed'
  /** The host's local store did not answer a page of stored history (the pipeline carries on from PubNub). */
  | 'stored_history_failed';

export class MessagingError extends AppError {
  declare readonly code: MessagingErrorCode;
  constructor(code: MessagingErrorCode, message: string) {
    super(code, message);
  }
}

/** Bad arguments (an id, a timetoken, a message body, an emoji); nothing was changed. */
export class InvalidInputError extends MessagingError {
  constructor(message: string) {
    super('invalid_input', message);
  }
}

/** The pipeline was disposed; it does nothing more. */
export class DisposedError extends MessagingError {
  constructor() {
    super('disposed', 'the messaging pipeline has been disposed');
  }
}

/** `retry` named a message that is not a failed send of this device. */
export class UnknownMessageError extends MessagingError {
  constructor(message: string) {
    super('unknown_message', message);
  }
}

/** A transport call failed; `reason` is the delivery-failure classification of the SDK error. */
export class TransportError extends MessagingError {
  constructor(
    code: 'history_failed' | 'action_failed' | 'signal_failed' | 'cursor_failed' | 'subscribe_failed',
    readonly reason: DeliveryFailureCode,
    message: string,
  ) {
    super(code, message);
  }
}
