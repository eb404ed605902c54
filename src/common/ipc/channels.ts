/**
 * The names of the IPC channels, without their schemas, so the sandboxed preload and the web bridge can
 * build the bridge without bundling a validator. `contract.ts` is checked at compile time to define
 * exactly these channels.
 */
export const channelNames = [
  'appInfo',
  'keychainStatus',
  'policy',
  'session',
  'register',
  'signIn',
  'signOut',
  'transportConfig',
  'searchUsers',
  'listConversations',
  'createConversation',
  'renameConversation',
  'addMember',
  'removeMember',
  'setMemberRole',
  'leaveConversation',
  'rotateKey',
  'sealMessage',
  'openMessage',
  'openMessages',
  'listDevices',
  'revokeDevice',
  'startDeviceLink',
  'deviceLinkStatus',
  'beginDeviceApproval',
  'approveDeviceLink',
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

export type ChannelName = (typeof channelNames)[number];

/** Prefix of every Electron IPC channel name; main refuses anything else. */
export const CHANNEL_PREFIX = 'seed:';

export function isChannelName(name: string): name is ChannelName {
  return (channelNames as readonly string[]).includes(name);
}

export function wireChannel(name: ChannelName): string {
  return `${CHANNEL_PREFIX}${name}`;
}
