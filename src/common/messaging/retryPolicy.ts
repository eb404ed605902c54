/**
 * The PubNub SDK retry policy of every messaging pipeline (docs/messaging.md §Transport): every endpoint
 * but subscribe fails at once, so the pipeline reports the failure and the user can retry; a lost
 * subscribe is retried every 2 s, 30 times (a relay or network restart takes well under that). Shared by
 * the client core's transport, the renderer's pipeline and the test harnesses, so they cannot drift.
 */
import PubNub from 'pubnub';

const NOT_RETRIED = [
  'MessageSendEndpoint',
  'PresenceEndpoint',
  'FilesEndpoint',
  'MessageStorageEndpoint',
  'ChannelGroupsEndpoint',
  'DevicePushNotificationsEndpoint',
  'AppContextEndpoint',
  'MessageReactionsEndpoint',
] as const;

export function pipelineRetryPolicy(): ReturnType<typeof PubNub.LinearRetryPolicy> {
  // The SDK types `excluded` as its own endpoint enum, which it does not export as values.
  const excluded = NOT_RETRIED as unknown as NonNullable<PubNub.LinearRetryPolicyConfiguration['excluded']>;
  return PubNub.LinearRetryPolicy({ delay: 2, maximumRetry: 30, excluded });
}
