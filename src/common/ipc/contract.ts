/**
 * The one IPC contract between the sandboxed renderer and the main process (VS Code's validated IPC,
 * Signal's typed calls). Each method names a zod schema for its argument tuple and for its result.
 * The preload builds exactly these functions and nothing else; main validates arguments before it calls a
 * service and parses results through the schema, which strips any field the contract does not name — so a
 * result can never carry key material the contract does not declare (and none declares any).
 */
import { z } from 'zod';
import type { MethodName } from './methods';
import { draftSchema, MAX_DRAFTS, MAX_VERSIONS, messageRefArgsSchema, messageVersionSchema, saveDraftArgsSchema } from './schemas/chat';
import { policyViewSchema } from '../policy/view';
import {
  attachFileArgsSchema,
  beginFileUploadArgsSchema,
  beginFileUploadResultSchema,
  fileDownloadChunkArgsSchema,
  fileDownloadChunkResultSchema,
  fileUploadChunkArgsSchema,
  fileUploadChunkResultSchema,
  fileRefArgsSchema,
  forwardFileArgsSchema,
  forwardResultSchema,
  pasteFileArgsSchema,
  thumbnailSchema,
  transferArgsSchema,
  transferStateSchema,
} from './schemas/files';
import { openPresenceArgsSchema, presenceConfigSchema, presenceOpenViewSchema, sealPresenceArgsSchema } from './schemas/presence';
import { ChannelIdSchema, ConversationIdSchema, DeviceIdSchema, UserIdSchema } from '../ids';
import {
  addMemberArgsSchema,
  conversationSummarySchema,
  createConversationArgsSchema,
  memberArgsSchema,
  membershipEventSchema,
  refusedConversationSchema,
  renameArgsSchema,
  rotationResultSchema,
  setRoleArgsSchema,
  setDisappearingArgsSchema,
} from './schemas/conversations';
import { custodyStatusSchema, escrowFingerprintArgSchema } from './schemas/custody';
import { accountSessionSchema, changePasswordArgsSchema, endedSessionsSchema, sessionIdArgSchema } from './schemas/accountSessions';
import {
  deviceSummarySchema,
  linkConfirmationSchema,
  linkOfferSchema,
  linkStatusSchema,
  startLinkArgsSchema,
  typedConfirmationCodeSchema,
} from './schemas/devices';
import {
  envelopeJsonSchema,
  HISTORY_PAGE_MAX,
  historyPageArgsSchema,
  keepActionsArgsSchema,
  storedMessageSchema,
  OPEN_BATCH_MAX,
  openArgsSchema,
  openManyArgsSchema,
  openOutcomeSchema,
  sealArgsSchema,
  sealChatActionArgsSchema,
  openStockArgsSchema,
  sendStockArgsSchema,
  sendStockResultSchema,
} from './schemas/messages';
import { contextArgsSchema, contextResultSchema, SEARCH_HITS_MAX, searchArgsSchema, searchHitSchema } from './schemas/search';
import { OUTBOX_LIST_MAX, outboxArgsSchema, outboxEntryArgsSchema, outboxEntrySchema, queueArgsSchema } from './schemas/outbox';
import { registerArgsSchema, sessionSchema, signInArgsSchema, transportConfigSchema, userSummarySchema } from './schemas/session';
import { signInChoicesSchema, ssoArgsSchema, ssoResultSchema } from './schemas/sso';
import {
  newRecoveryKeySchema,
  recoveryPasswordArgsSchema,
  recoveryStatusSchema,
  resetAccountArgsSchema,
  accountResetRequestSchema,
  restoreArgsSchema,
  typedRecoveryKeySchema,
} from './schemas/recovery';
import { contactCodeSchema, contactTrustSchema, settingsSchema } from './schemas/verification';
import { notificationArgsSchema, notificationResultSchema } from './schemas/notifications';
import {
  broadcastChannelSchema,
  channelMessagesArgsSchema,
  channelMessagesSchema,
  channelRoleArgsSchema,
  createChannelArgsSchema,
  followChannelArgsSchema,
  publishArgsSchema,
  publishResultSchema,
  revokeResultSchema,
  revokeSubscriberArgsSchema,
} from './schemas/broadcast';

export { CHANNEL_PREFIX, methodNames, isMethodName, wireChannel, type MethodName } from './methods';

interface MethodSpec {
  args: z.ZodTuple;
  result: z.ZodType;
}

export const appInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  platform: z.string(),
  runtime: z.enum(['electron', 'node']),
  runtimeVersion: z.string(),
  /** The crypto library main's core runs on ("libsodium (sodium-native 4.3.1)"); absent without the core. */
  cryptoProvider: z.string().max(200).optional(),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

export const keychainStatusSchema = z.object({
  available: z.boolean(),
  backend: z.string(),
  detail: z.string().optional(),
});
export type KeychainStatus = z.infer<typeof keychainStatusSchema>;

export const contract = {
  appInfo: { args: z.tuple([]), result: appInfoSchema },
  keychainStatus: { args: z.tuple([]), result: keychainStatusSchema },
  /** Effective managed policy: values, which keys IT manages (the renderer locks those), warnings. */
  policy: { args: z.tuple([]), result: policyViewSchema },

  session: { args: z.tuple([]), result: sessionSchema },
  register: { args: z.tuple([registerArgsSchema]), result: sessionSchema },
  signIn: { args: z.tuple([signInArgsSchema]), result: sessionSchema },
  signOut: { args: z.tuple([]), result: sessionSchema },
  /** Which sign-in methods to offer (the organisation's key service and managed policy both allow them) and the SSO button's name. */
  signInChoices: { args: z.tuple([]), result: signInChoicesSchema },
  /** Company single sign-on in the system browser (main runs it; the page never sees codes or tokens). */
  signInWithSso: { args: z.tuple([ssoArgsSchema]), result: ssoResultSchema },
  /** Stops a single sign-on in progress (it answers `sso_cancelled`). */
  cancelSso: { args: z.tuple([]), result: z.null() },
  /** Where the renderer's PubNub client connects, with this user's access token (not a content key). */
  transportConfig: { args: z.tuple([]), result: transportConfigSchema },
  searchUsers: { args: z.tuple([z.string().trim().min(1).max(64)]), result: z.array(userSummarySchema) },

  listConversations: { args: z.tuple([]), result: z.array(conversationSummarySchema) },
  /**
   * The conversation list as the last verified `listConversations` left it in the local store, read without
   * the network (docs/desktop.md "Start"): shown at once at start, then replaced by `listConversations`.
   */
  keptConversations: { args: z.tuple([]), result: z.array(conversationSummarySchema) },
  createConversation: { args: z.tuple([createConversationArgsSchema]), result: conversationSummarySchema },
  renameConversation: { args: z.tuple([renameArgsSchema]), result: conversationSummarySchema },
  addMember: { args: z.tuple([addMemberArgsSchema]), result: conversationSummarySchema },
  /** Removes a member; the conversation key is rotated before anyone sends again. */
  removeMember: { args: z.tuple([memberArgsSchema]), result: conversationSummarySchema },
  setMemberRole: { args: z.tuple([setRoleArgsSchema]), result: conversationSummarySchema },
  /** Sets the disappearing-messages timer (a signed statement, owners and admins; docs/protocol.md §15.8). */
  setDisappearingTimer: { args: z.tuple([setDisappearingArgsSchema]), result: conversationSummarySchema },
  leaveConversation: { args: z.tuple([ConversationIdSchema]), result: z.null() },
  rotateKey: { args: z.tuple([ConversationIdSchema]), result: rotationResultSchema },
  /** The organisation's key custody (docs/protocol.md §19): the mode, the escrow recipient's fingerprint, a changed-recipient warning. */
  custodyStatus: { args: z.tuple([]), result: custodyStatusSchema },
  /** Accepts the escrow recipient the key service names now (the user compared its fingerprint with IT). */
  acceptEscrowRecipient: { args: z.tuple([escrowFingerprintArgSchema]), result: custodyStatusSchema },
  /** Accepts, on this device, keys the organisation's key service makes (server-trusted custody, docs/protocol.md §19.4). */
  acceptServerKeys: { args: z.tuple([]), result: custodyStatusSchema },
  /**
   * The conversation's membership history as main verified it (docs/protocol.md §15), in chain order, people
   * named; empty for a conversation older than signed membership. Refused with the typed error
   * (`membership_fork`, `chain_broken`, …) when the chain does not verify.
   */
  membershipHistory: { args: z.tuple([ConversationIdSchema]), result: z.array(membershipEventSchema) },
  /**
   * The conversations the last `listConversations` left out because their membership did not verify
   * (docs/client.md "Membership"), each with its typed error — shown so an attack is not silent.
   */
  refusedConversations: { args: z.tuple([]), result: z.array(refusedConversationSchema) },
  /**
   * How many devices of the OTHER members can be given this conversation's key: their unrevoked devices
   * whose certificates verify (the directory; the set a new key version wraps to). 0 means no one else can
   * read what is sent now — the UI then shows "No device can read this yet" instead of "Sent".
   */
  conversationReaders: { args: z.tuple([ConversationIdSchema]), result: z.object({ otherDevices: z.number().int().min(0) }) },

  /** Seals a message with the conversation's current key (in main); returns the envelope to publish. */
  sealMessage: { args: sealArgsSchema, result: envelopeJsonSchema },
  /** Opens a received envelope (in main): plaintext, pending (key not held yet) or rejected with a code. */
  openMessage: { args: openArgsSchema, result: openOutcomeSchema },
  /** Opens several envelopes of one conversation in one call (a history page); outcomes in the same order. */
  openMessages: { args: openManyArgsSchema, result: z.array(openOutcomeSchema).max(OPEN_BATCH_MAX) },
  /**
   * A page of a conversation's history from main's encrypted local store (every envelope main opened, kept
   * with its outcome): the newest `limit` messages before `before`, in timetoken order. Works offline.
   */
  historyPage: { args: historyPageArgsSchema, result: z.array(storedMessageSchema).max(HISTORY_PAGE_MAX) },
  /**
   * Keeps reactions and read receipts of stored messages in main's local store (docs/client.md "Reactions and
   * receipts"), so `historyPage` answers them with their messages after a restart. Only in a conversation the
   * user is in (`annotation_not_member`); a batch over the store's bounds is `annotation_refused`, nothing kept.
   * Answers how many changes were kept.
   */
  keepMessageActions: { args: keepActionsArgsSchema, result: z.number().int().min(0) },
  /**
   * Seals a reply, an edit or a delete for everyone (docs/protocol.md §7.7) with the conversation's current
   * key, as envelope type `type`; the plaintext must be that type's body (`malformed` otherwise). Returns the
   * envelope to publish. An edit or delete of someone else's message is refused by every receiver.
   */
  sealChatAction: { args: sealChatActionArgsSchema, result: envelopeJsonSchema },
  /**
   * Presence (docs/messaging.md "Presence"): whether it runs under the `presenceEnabled` policy and the timing
   * the renderer's SDK uses.
   */
  presenceConfig: { args: z.tuple([]), result: presenceConfigSchema },
  /**
   * Seals this user's availability and status text for a conversation as a `presence` envelope (docs/protocol.md
   * §7.8), to be set as PubNub presence state. `policy_presence_disabled` when policy turned presence off.
   */
  sealPresence: { args: sealPresenceArgsSchema, result: envelopeJsonSchema },
  /**
   * Opens a presence envelope found in the presence state of `stateOf` (§7.8): the verified status, or the
   * code it was refused with (`wrong_envelope_type`, `presence_not_own`, `bad_signature`, …), never shown.
   */
  openPresence: { args: openPresenceArgsSchema, result: presenceOpenViewSchema },
  /**
   * Publishes a text in the stock PubNub SDK's format (docs/messaging.md "Stock PubNub SDK clients"): NOT
   * signed, readable by stock-SDK clients holding the conversation key. Only with the `stockSdkCompat`
   * policy on (`stock_sdk_disabled` otherwise); the same checks as `sealMessage`. Answers the timetoken.
   */
  sendStockMessage: { args: sendStockArgsSchema, result: sendStockResultSchema },
  /**
   * Opens a stock PubNub SDK message received on a conversation channel (a published string; docs/protocol.md
   * §8.4): an opened message whose sender is the unsigned marker ("Not signed"), or `rejected` —
   * `stock_sdk_disabled` while the `stockSdkCompat` policy is off (then it is not kept either).
   */
  openStockMessage: { args: openStockArgsSchema, result: openOutcomeSchema },
  /** Deletes a message on this device only (docs/desktop.md "Replies, edits and deletes"): its text leaves the store. */
  deleteForMe: { args: messageRefArgsSchema, result: z.null() },
  /** The versions of one of this user's edited messages, oldest (the original) first; `not_author` for anyone else's. */
  messageVersions: { args: messageRefArgsSchema, result: z.array(messageVersionSchema).max(MAX_VERSIONS) },
  /**
   * Keeps the composer's unsent text of a conversation in main's encrypted store (docs/desktop.md
   * "Drafts"); an empty text deletes it. `draft_unknown_conversation` for a conversation this device does
   * not know (nothing kept).
   */
  saveDraft: { args: saveDraftArgsSchema, result: z.null() },
  /** The kept drafts, most recently changed first. */
  listDrafts: { args: z.tuple([]), result: z.array(draftSchema).max(MAX_DRAFTS) },
  /**
   * Full-text search of the stored history in main (docs/client.md "Search"), newest first: in one
   * conversation or all the user belongs to. Hits carry a snippet with highlight ranges; an empty or too
   * long query is `search_query_empty` / `search_query_too_long`, a conversation the user is not in `search_not_member`.
   */
  searchMessages: { args: z.tuple([searchArgsSchema]), result: z.array(searchHitSchema).max(SEARCH_HITS_MAX) },
  /** The stored messages around a search hit (jump to message), oldest first; only in a conversation the user is in. */
  messageContext: { args: z.tuple([contextArgsSchema]), result: contextResultSchema },
  /**
   * Sends a file the user picks in main's own open dialog (docs/desktop.md "Files"): checked against the
   * managed policy (`attachment_policy_*`), encrypted, uploaded and sent as an `attachment` message, with
   * `fileTransfer` progress events. Null when the user chose nothing. The page never names a path.
   */
  attachFile: { args: attachFileArgsSchema, result: transferStateSchema.nullable() },
  /** Sends pasted bytes (at most 25 MiB) as a file, like `attachFile`. */
  pasteFile: { args: pasteFileArgsSchema, result: transferStateSchema },
  /**
   * The chunked upload of bytes the page holds (a file picked in the browser, dropped or pasted; docs/desktop.md
   * "Files"): main checks the name and size against the managed policy (`attachment_policy_*`) and opens an
   * upload; the page sends the bytes in order in pieces of at most 512 KiB (`upload_out_of_order`,
   * `upload_too_large`); `finishFileUpload` sends it like `attachFile` (`upload_incomplete` before every byte
   * arrived). The transfer id is the one of the `fileTransfer` events; `cancelTransfer` drops an open upload.
   */
  beginFileUpload: { args: beginFileUploadArgsSchema, result: beginFileUploadResultSchema },
  fileUploadChunk: { args: fileUploadChunkArgsSchema, result: fileUploadChunkResultSchema },
  finishFileUpload: { args: transferArgsSchema, result: transferStateSchema },
  /**
   * Browser mode's "save": main fetches, verifies and decrypts the file into its own temporary folder and
   * answers the transfer (`done` only once it verified); the page then reads it in pieces of at most 512 KiB
   * with `fileDownloadChunk` (the file is deleted after its last piece, on `cancelTransfer`, or when newer
   * downloads push it out) and offers it as a download.
   */
  beginFileDownload: { args: fileRefArgsSchema, result: transferStateSchema },
  fileDownloadChunk: { args: fileDownloadChunkArgsSchema, result: fileDownloadChunkResultSchema },
  /** Cancels a running transfer (an upload deletes what it stored); `transfer_unknown` for an id main does not hold. */
  cancelTransfer: { args: transferArgsSchema, result: z.null() },
  /** Sends a failed or cancelled upload again from what main kept (the same file; never a path from the page). */
  retryTransfer: { args: transferArgsSchema, result: transferStateSchema },
  /** The verified, decrypted thumbnail of a file message (for display); null when it has none. */
  fileThumbnail: { args: fileRefArgsSchema, result: thumbnailSchema.nullable() },
  /**
   * Saves a file message's file where the user chooses in main's save dialog: fetched, verified and
   * decrypted, written only once it verified (`attachment_*` otherwise). Null when the user chose nothing.
   */
  saveFileAs: { args: fileRefArgsSchema, result: transferStateSchema.nullable() },
  /**
   * Forwards a file message to a conversation (docs/protocol.md §7.9): a new `attachment` message with the
   * same descriptor, the stored ciphertext re-used; the checks of `sealMessage` apply to the target.
   */
  forwardFile: { args: forwardFileArgsSchema, result: forwardResultSchema },
  /**
   * Queues a message the renderer could not send now (offline): main keeps the plaintext in its encrypted
   * store and seals and publishes it when the network returns (docs/client.md "Offline send queue").
   */
  queueMessage: { args: queueArgsSchema, result: outboxEntrySchema },
  /** A conversation's queued and stopped sends, in send order. */
  listOutbox: { args: outboxArgsSchema, result: z.array(outboxEntrySchema).max(OUTBOX_LIST_MAX) },
  /** Puts a stopped send back in the queue; answers the conversation's entries. */
  retryQueued: { args: outboxEntryArgsSchema, result: z.array(outboxEntrySchema).max(OUTBOX_LIST_MAX) },
  /** Deletes a queued or stopped send (it never goes out); answers the conversation's entries. */
  deleteQueued: { args: outboxEntryArgsSchema, result: z.array(outboxEntrySchema).max(OUTBOX_LIST_MAX) },

  listDevices: { args: z.tuple([]), result: z.array(deviceSummarySchema) },
  /** Revokes one of this user's other devices; its conversations rotate. */
  revokeDevice: { args: z.tuple([DeviceIdSchema]), result: z.array(deviceSummarySchema) },
  /** This account's live key-service sessions (password-only and device-bound), this device's marked current. */
  listSessions: { args: z.tuple([]), result: z.array(accountSessionSchema) },
  /** Ends one session of this account; answers the sessions left. */
  endSession: { args: z.tuple([sessionIdArgSchema]), result: z.array(accountSessionSchema) },
  /** "Sign out everywhere else": ends every session but this device's. The account's devices sign in again by themselves. */
  endOtherSessions: { args: z.tuple([]), result: endedSessionsSchema },
  /** Changes the password (the current one is checked); every other session ends. */
  changePassword: { args: z.tuple([changePasswordArgsSchema]), result: endedSessionsSchema },
  /** On a new, signed-out device: offer to link to an existing account. */
  startDeviceLink: { args: z.tuple([startLinkArgsSchema]), result: linkOfferSchema },
  deviceLinkStatus: { args: z.tuple([]), result: linkStatusSchema },
  /** On an existing device: read the new device's link code (typed or scanned); answers which device asks. */
  beginDeviceApproval: { args: z.tuple([z.string().trim().min(6).max(2048)]), result: linkConfirmationSchema },
  /**
   * On an existing device: approve link `linkId` with the confirmation code the NEW device shows, typed
   * here (main checks it; 5 wrong codes cancel the link; the Electron build also asks in a native dialog),
   * or reject it (`false`, no code).
   */
  approveDeviceLink: { args: z.tuple([z.string().min(1).max(128), z.boolean(), typedConfirmationCodeSchema.optional()]), result: linkStatusSchema },

  /** The account's recovery key as this device knows it (docs/desktop.md "Recovery key"); never the key itself. */
  recoveryStatus: { args: z.tuple([]), result: recoveryStatusSchema },
  /**
   * Makes the account's first recovery key after main checked the account password at the key service
   * (`recovery_password_wrong`) and, in the Electron build, the person said yes in a native dialog
   * (`recovery_key_cancelled`); one that exists already is `recovery_key_exists`. The answer is the only
   * time the key's text leaves main, which keeps no copy.
   */
  createRecoveryKey: { args: z.tuple([recoveryPasswordArgsSchema]), result: newRecoveryKeySchema },
  /** Replaces the recovery key (the old one stops working), after the same password check; none yet is `no_recovery_key`. */
  rotateRecoveryKey: { args: z.tuple([recoveryPasswordArgsSchema]), result: newRecoveryKeySchema },
  /** Checks a typed recovery key against the account's backup; a match marks it confirmed on this device. Answers the status. */
  verifyRecoveryKey: { args: z.tuple([typedRecoveryKeySchema]), result: recoveryStatusSchema },
  /** On a new, signed-out device of an account with no device left: signs in and restores the account with its recovery key. */
  restoreWithRecoveryKey: { args: z.tuple([restoreArgsSchema]), result: sessionSchema },
  /**
   * On a new, signed-out device of an account whose devices AND recovery key are lost: a NEW account identity
   * (docs/protocol.md §18.9), only with the typed phrase. At once (signed in) when no device of the account is
   * signed in; else the reset waits (still signed out: `accountResetRequest` tells until when).
   */
  resetAccount: { args: z.tuple([resetAccountArgsSchema]), result: sessionSchema },
  /** The account's reset request that waits or was cancelled: a signed-in device's banner, or this waiting profile's own; else null. */
  accountResetRequest: { args: z.tuple([]), result: accountResetRequestSchema.nullable() },
  /** On a signed-in device: cancels the reset that waits (none: `no_account_reset`). */
  cancelAccountReset: { args: z.tuple([]), result: accountResetRequestSchema.nullable() },
  /** On the profile whose reset waits: finishes it once its period is over (`reset_waiting` before; `reset_cancelled`). */
  finishAccountReset: { args: z.tuple([]), result: sessionSchema },

  contactTrust: { args: z.tuple([UserIdSchema]), result: contactTrustSchema },
  /** Marks a contact verified when the code typed from their screen matches the one main computes for their pinned key. */
  markVerified: { args: z.tuple([UserIdSchema, contactCodeSchema]), result: contactTrustSchema },
  /** Accepts a contact's changed identity key when the code typed from their screen matches the NEW key; they become verified. */
  acknowledgeIdentityChange: { args: z.tuple([UserIdSchema, contactCodeSchema]), result: contactTrustSchema },

  getSettings: { args: z.tuple([]), result: settingsSchema },
  setSettings: { args: z.tuple([settingsSchema.partial().strict()]), result: settingsSchema },
  /**
   * Asks main to show a desktop notification for a received message. Main decides what it shows (the
   * user's setting and the managed `notificationContent` policy; nothing while the window has focus).
   */
  showNotification: { args: z.tuple([notificationArgsSchema]), result: notificationResultSchema },
  /** Total unread messages, for the tray tooltip and the dock/taskbar badge. */
  setUnreadCount: { args: z.tuple([z.number().int().min(0).max(1_000_000)]), result: z.null() },

  /** Broadcast channels of the directory plus followed ones, with this user's roles. */
  listChannels: { args: z.tuple([]), result: z.array(broadcastChannelSchema) },
  /** Creates a channel (default key manager: the key service's), lists it and follows it. */
  createChannel: { args: z.tuple([createChannelArgsSchema]), result: broadcastChannelSchema },
  /** Follows a channel; its key manager (in the result) can read it, so show it first. */
  followChannel: { args: z.tuple([followChannelArgsSchema]), result: broadcastChannelSchema },
  /** Stops following a channel on this device and forgets its cached channel keys. */
  unfollowChannel: { args: z.tuple([ChannelIdSchema]), result: z.null() },
  /** A followed channel's messages, oldest first, after opening the newest `open` unopened ones. */
  channelMessages: { args: z.tuple([channelMessagesArgsSchema]), result: channelMessagesSchema },
  publishToChannel: { args: z.tuple([publishArgsSchema]), result: publishResultSchema },
  /** Owner: grant (true) or withdraw (false) a channel role in the directory. */
  setChannelRole: { args: z.tuple([channelRoleArgsSchema]), result: broadcastChannelSchema },
  /** Creator: revoke a user at the key manager (new key version) and withdraw their roles. */
  revokeChannelSubscriber: { args: z.tuple([revokeSubscriberArgsSchema]), result: revokeResultSchema },
} as const satisfies Record<MethodName, MethodSpec>;

export type Contract = typeof contract;
/** Compile-time proof that the contract defines no channel missing from channels.ts. */
export const contractHasOnlyKnownChannels: keyof Contract extends MethodName ? true : never = true;
export type MethodArgs<K extends MethodName> = z.infer<Contract[K]['args']>;
export type MethodResult<K extends MethodName> = z.infer<Contract[K]['result']>;
