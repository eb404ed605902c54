/**
 * The generic Mobile Push part of a message envelope (docs/protocol.md §7.6; docs/messaging.md "Push for
 * mobile"): with the managed policy `pushPayload` = `generic`, a message or reply envelope also carries, in
 * clear and unsigned, what PubNub Mobile Push hands to APNs and FCM — the fixed text "New message" and the
 * conversation id, nothing else (no text, no sender, no key version). A phone woken by it opens the
 * conversation and fetches and decrypts the message itself.
 */
import type { ConversationId } from '../ids';
import type { PushMetadata } from './envelope';

/** The only text a push notification ever shows. */
export const GENERIC_PUSH_TEXT = 'New message';

/**
 * `pn_apns`: the `aps` dictionary with the alert, `mutable-content` so an iOS notification service extension
 * may replace the text after decrypting on the phone, and the conversation id as a custom key beside `aps`.
 * `pn_fcm`: an FCM `notification` with the title and a `data` map with the conversation id.
 */
export function genericPushMetadata(conversationId: ConversationId): Required<PushMetadata> {
  return {
    pn_apns: { aps: { alert: GENERIC_PUSH_TEXT, 'mutable-content': 1 }, conversationId },
    pn_fcm: { notification: { title: GENERIC_PUSH_TEXT }, data: { conversationId } },
  };
}
