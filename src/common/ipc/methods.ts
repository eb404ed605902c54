/**
 * The names of the IPC methods (the functions of the preload bridge), without their schemas, so the
 * sandboxed preload and the web bridge can build the bridge without bundling a validator. `contract.ts` is
 * checked at compile time to define exactly these methods. Each method travels on its own Electron IPC
 * channel, `wireChannel(method)` ("seed:<method>"); "channel" alone means a PubNub or broadcast channel
 * (docs/architecture.md, "Words").
 */
export const methodNames = [
  'appInfo',
  'keychainStatus',
  'policy',
  'session',
  'register',
  'signIn',
  'signOut',
  'signInChoices',
  'signInWithSso',
  'cancelSso',
  'transportConfig',
  'searchUsers',
  'listConversations',
  'keptConversations',
  'createConversation',
  'renameConversation',
  'addMember',
  'removeMember',
  'setMemberRole',
  'setDisappearingTimer',
  'leaveConversation',
  'rotateKey',
  'custodyStatus',
  'acceptEscrowRecipient',
  'acceptServerKeys',
  'membershipHistory',
  'refusedConversations',
  'conversationReaders',
  'sealMessage',
  'openMessage',
  'openMessages',
  'historyPage',
  'keepMessageActions',
  'sealChatAction',
  'presenceConfig',
  'sealPresence',
  'openPresence',
  'sendStockMessage',
  'openStockMessage',
  'deleteForMe',
  'messageVersions',
  'saveDraft',
  'listDrafts',
  'searchMessages',
  'messageContext',
  'attachFile',
  'pasteFile',
  'cancelTransfer',
  'retryTransfer',
  'fileThumbnail',
  'saveFileAs',
  'forwardFile',
  'beginFileUpload',
  'fileUploadChunk',
  'finishFileUpload',
  'beginFileDownload',
  'fileDownloadChunk',
  'queueMessage',
  'listOutbox',
  'retryQueued',
  'deleteQueued',
  'listDevices',
  'revokeDevice',
  'listSessions',
  'endSession',
  'endOtherSessions',
  'changePassword',
  'startDeviceLink',
  'deviceLinkStatus',
  'beginDeviceApproval',
  'approveDeviceLink',
  'recoveryStatus',
  'createRecoveryKey',
  'rotateRecoveryKey',
  'verifyRecoveryKey',
  'restoreWithRecoveryKey',
  'resetAccount',
  'accountResetRequest',
  'cancelAccountReset',
  'finishAccountReset',
  'contactTrust',
  'markVerified',
  'acknowledgeIdentityChange',
  'getSettings',
  'setSettings',
  'showNotification',
  'setUnreadCount',
  'listChannels',
  'createChannel',
  'followChannel',
  'unfollowChannel',
  'channelMessages',
  'publishToChannel',
  'setChannelRole',
  'revokeChannelSubscriber',
] as const;

export type MethodName = (typeof methodNames)[number];

/** Prefix of every Electron IPC channel name; main refuses anything else. */
export const CHANNEL_PREFIX = 'seed:';

export function isMethodName(name: string): name is MethodName {
  return (methodNames as readonly string[]).includes(name);
}

/** The Electron IPC channel a method travels on. */
export function wireChannel(name: MethodName): string {
  return `${CHANNEL_PREFIX}${name}`;
}
