/**
 * The one table of managed-policy settings (docs/deployment.md §2, "Settings"): for every key of
 * `policyValuesSchema`, how it is stored (registry value name and type, plist/JSON type), what IT reads
 * about it, which settings belong together, and which the user's own app config may not set. The
 * loaders, the merge, the ADMX/ADML and .mobileconfig generators and docs/deployment.md all follow it.
 */
import {
  ATTACHMENT_MAX_SIZES,
  ATTACHMENT_STORES,
  CUSTODY_MODES,
  LOG_LEVELS,
  NOTIFICATION_CONTENTS,
  PUSH_PAYLOADS,
  SIGN_IN_METHODS,
  UPDATE_MODES,
  type PolicyKey,
  type PolicyValues,
} from './values';

/** How a setting is stored: `string` → REG_SZ / <string>, `boolean` → REG_DWORD 0|1 / <true/>|<false/>,
 * `enum` → REG_SZ from a fixed list, `list` → REG_MULTI_SZ / <array> of fixed choices. */
export type PolicyKind = 'string' | 'boolean' | 'enum' | 'list';

/**
 * Settings in one group are taken together from a single layer (the highest that sets any of them), so a
 * lower layer can never complete a keyset, or point a machine-wide update mode at a feed of its own.
 */
export type PolicyGroup =
  | 'server'
  | 'pubnub'
  | 'signIn'
  | 'localMode'
  | 'contacts'
  | 'recovery'
  | 'notifications'
  | 'updates'
  | 'logging'
  | 'push'
  | 'custody'
  | 'presence'
  | 'messaging'
  | 'attachments';

export interface PolicyDefinition<K extends PolicyKey = PolicyKey> {
  key: K;
  /** Registry value name under `Software\Policies\Seed\Seed Messenger` (also the ADMX policy name). */
  registryName: string;
  kind: PolicyKind;
  choices?: readonly string[];
  group: PolicyGroup;
  /** `true`: only IT policy may set it; the user's app config is ignored for this key (with a warning). */
  policyOnly: boolean;
  title: string;
  description: string;
  /** Value written into the generated templates (a realistic example, not necessarily the default). */
  example: NonNullable<PolicyValues[K]>;
}

type DefinitionTable = { [K in PolicyKey]: PolicyDefinition<K> };

const table: DefinitionTable = {
  serverUrl: {
    key: 'serverUrl',
    registryName: 'ServerUrl',
    kind: 'string',
    group: 'server',
    policyOnly: false,
    title: 'Key service URL',
    description: "The https:// address of your organisation's Seed key service. When set, users cannot sign in to any other server.",
    example: 'https://keys.example.com',
  },
  pubnubPublishKey: {
    key: 'pubnubPublishKey',
    registryName: 'PubNubPublishKey',
    kind: 'string',
    group: 'pubnub',
    policyOnly: false,
    title: 'PubNub publish key',
    description: "Publish key of your organisation's PubNub keyset. Set it together with the subscribe key.",
    example: 'pub-c-00000000-0000-0000-0000-000000000000',
  },
  pubnubSubscribeKey: {
    key: 'pubnubSubscribeKey',
    registryName: 'PubNubSubscribeKey',
    kind: 'string',
    group: 'pubnub',
    policyOnly: false,
    title: 'PubNub subscribe key',
    description: "Subscribe key of your organisation's PubNub keyset. Set it together with the publish key.",
    example: 'sub-c-00000000-0000-0000-0000-000000000000',
  },
  pubnubOrigin: {
    key: 'pubnubOrigin',
    registryName: 'PubNubOrigin',
    kind: 'string',
    group: 'pubnub',
    policyOnly: false,
    title: 'PubNub origin',
    description: 'Host name (and optional :port) of the PubNub origin, for a dedicated or custom origin. Without it the SDK default is used.',
    example: 'ps.pndsn.com',
  },
  allowedSignInMethods: {
    key: 'allowedSignInMethods',
    registryName: 'AllowedSignInMethods',
    kind: 'list',
    choices: SIGN_IN_METHODS,
    group: 'signIn',
    policyOnly: true,
    title: 'Allowed sign-in methods',
    description:
      'Which ways of signing in the app offers, one per line: password (key-service account), oidc (company single sign-on), device-link (adding this device from an already signed-in one). oidc works once your key service is connected to your identity provider (Seed Messenger deployment guide, section 5); the app offers only what both this policy and the key service allow, so list password too until then.',
    example: ['oidc', 'device-link'],
  },
  localModeAllowed: {
    key: 'localModeAllowed',
    registryName: 'LocalModeAllowed',
    kind: 'boolean',
    group: 'localMode',
    policyOnly: true,
    title: 'Allow local mode',
    description: 'Whether users may start the embedded local key service and relay (offline demo and development). Disable it on managed devices.',
    example: false,
  },
  requireVerifiedContacts: {
    key: 'requireVerifiedContacts',
    registryName: 'RequireVerifiedContacts',
    kind: 'boolean',
    group: 'contacts',
    policyOnly: false,
    title: 'Require verified contacts',
    description: 'When enabled, users cannot send to a contact until they have compared safety numbers (digits or QR code) with that contact.',
    example: true,
  },
  requireRecoveryKey: {
    key: 'requireRecoveryKey',
    registryName: 'RequireRecoveryKey',
    kind: 'boolean',
    group: 'recovery',
    policyOnly: true,
    title: 'Require a recovery key',
    description:
      'When enabled, users cannot send messages until their account has a recovery key and they have typed it back once on this device, so a lost or signed-out device never loses the account and its history.',
    example: true,
  },
  notificationContent: {
    key: 'notificationContent',
    registryName: 'NotificationContent',
    kind: 'enum',
    choices: NOTIFICATION_CONTENTS,
    group: 'notifications',
    policyOnly: false,
    title: 'Notification content',
    description: 'What desktop notifications show: full (sender and message text), sender-only (sender name, no text), none (only that a message arrived).',
    example: 'sender-only',
  },
  updateMode: {
    key: 'updateMode',
    registryName: 'UpdateMode',
    kind: 'enum',
    choices: UPDATE_MODES,
    group: 'updates',
    policyOnly: true,
    title: 'Update mode',
    description:
      'off: the app never checks for updates (you deploy new versions). managed: the app updates only from the feed URL you set in this policy. vendor: the app updates from the feed built into it.',
    example: 'off',
  },
  updateFeedUrl: {
    key: 'updateFeedUrl',
    registryName: 'UpdateFeedUrl',
    kind: 'string',
    group: 'updates',
    policyOnly: true,
    title: 'Update feed URL',
    description: 'The https:// address of your update feed (used with update mode "managed"). Set it in the same place as the update mode.',
    example: 'https://updates.example.com/seed-messenger',
  },
  logLevel: {
    key: 'logLevel',
    registryName: 'LogLevel',
    kind: 'enum',
    choices: LOG_LEVELS,
    group: 'logging',
    policyOnly: false,
    title: 'Log level',
    description: 'How much the app writes to its log file: error, warn, info or debug. Logs never contain message text or keys.',
    example: 'info',
  },
  pushPayload: {
    key: 'pushPayload',
    registryName: 'PushPayload',
    kind: 'enum',
    choices: PUSH_PAYLOADS,
    group: 'push',
    policyOnly: true,
    title: 'Mobile push content',
    description:
      'off: messages carry nothing for mobile push. generic: every message also carries, in clear, a push notification that says only "New message" and the conversation id (never the text or the sender), so your mobile app can be woken through PubNub Mobile Push; Apple or Google then learn that the conversation got a message, and when.',
    example: 'off',
  },
  custodyMode: {
    key: 'custodyMode',
    registryName: 'CustodyMode',
    kind: 'enum',
    choices: CUSTODY_MODES,
    group: 'custody',
    policyOnly: true,
    title: 'Key custody mode',
    description:
      "The key custody mode your organisation's key service runs in (zero-trust, escrow or server-trusted). server-trusted accepts, for the user, that the key service makes conversation keys and so can read conversations; any other value means this device never takes such keys. When the key service announces another mode than this one, the app warns the user and never wraps keys to a recovery key the policy did not name.",
    example: 'server-trusted',
  },
  escrowRecipientFingerprint: {
    key: 'escrowRecipientFingerprint',
    registryName: 'EscrowRecipientFingerprint',
    kind: 'string',
    group: 'custody',
    policyOnly: true,
    title: 'Escrow recovery key fingerprint',
    description:
      "The fingerprint of your organisation's recovery key (escrow mode), as printed by the key service's admin tool. When set, the app encrypts conversation keys only to that recovery key; a key service naming any other one is refused.",
    example: 'pW3q7oQ0pQm5W8b8c8hJ2l3s0xk6xv9dYkz7cR3aQ1E',
  },
  presenceEnabled: {
    key: 'presenceEnabled',
    registryName: 'PresenceEnabled',
    kind: 'boolean',
    group: 'presence',
    policyOnly: false,
    title: 'Show presence',
    description:
      'When disabled, the app sends no presence heartbeats and no status, and shows nobody as online, away or offline. When enabled (the default), contacts in a direct conversation see each other as online, away or offline with a last-seen time, and an optional status text that travels encrypted.',
    example: false,
  },
  stockSdkCompat: {
    key: 'stockSdkCompat',
    registryName: 'StockSdkCompat',
    kind: 'boolean',
    group: 'messaging',
    policyOnly: true,
    title: 'Accept messages from stock PubNub SDK clients (unsigned)',
    description:
      'When enabled, conversations also accept messages that a standard PubNub SDK published with its AES-CBC crypto module and the conversation key, and users may send in that format. Such messages are NOT signed: any member holding the key can write one in anyone\'s name, and they are shown as "Not signed". Leave it off unless a mobile app on the stock SDK must take part.',
    example: false,
  },
  attachmentMaxSize: {
    key: 'attachmentMaxSize',
    registryName: 'AttachmentMaxSize',
    kind: 'enum',
    choices: ATTACHMENT_MAX_SIZES,
    group: 'attachments',
    policyOnly: true,
    title: 'Largest file users may send',
    description:
      'The largest file users may send in a conversation (1 MB = 1,000,000 bytes, 1 GB = 1,000 MB); a larger one is refused before anything is encrypted or uploaded. unlimited leaves only the limit of the file format. Default 100MB. Set it together with the blocked file types.',
    example: '25MB',
  },
  attachmentBlockedTypes: {
    key: 'attachmentBlockedTypes',
    registryName: 'AttachmentBlockedTypes',
    kind: 'string',
    group: 'attachments',
    policyOnly: true,
    title: 'File types users may not send',
    description:
      "Media types that users may not send, separated by commas: a type and subtype (application/x-msdownload) or a whole type (video/*). The type is taken from the file name's extension on the sending device; a refused file is never encrypted or uploaded. Files received from others are not affected.",
    example: 'application/x-msdownload, application/x-sh, video/*',
  },
  attachmentStore: {
    key: 'attachmentStore',
    registryName: 'AttachmentStore',
    kind: 'enum',
    choices: ATTACHMENT_STORES,
    group: 'attachments',
    policyOnly: true,
    title: 'Where encrypted files are kept',
    description:
      "Where the encrypted parts of files sent in conversations are kept: pubnub (PubNub Files on each conversation's own channel; the default with your organisation's server), s3 (your organisation's S3-compatible bucket, set with the S3 settings; credentials come from the machine's AWS configuration, never from this policy) or local (a folder; only for the app's own local server, the default there). Files are encrypted on the device before they are stored.",
    example: 's3',
  },
  attachmentS3Bucket: {
    key: 'attachmentS3Bucket',
    registryName: 'AttachmentS3Bucket',
    kind: 'string',
    group: 'attachments',
    policyOnly: true,
    title: 'S3 bucket for encrypted files',
    description:
      'The bucket encrypted files are kept in when the file store is s3 (required then). Credentials come from the AWS SDK chain: environment, profile or instance role.',
    example: 'seed-attachments',
  },
  attachmentS3Region: {
    key: 'attachmentS3Region',
    registryName: 'AttachmentS3Region',
    kind: 'string',
    group: 'attachments',
    policyOnly: true,
    title: 'S3 region for encrypted files',
    description: "The bucket's region when the file store is s3 (required then; S3-compatible servers usually take us-east-1).",
    example: 'eu-central-1',
  },
  attachmentS3Endpoint: {
    key: 'attachmentS3Endpoint',
    registryName: 'AttachmentS3Endpoint',
    kind: 'string',
    group: 'attachments',
    policyOnly: true,
    title: 'S3-compatible endpoint for encrypted files',
    description: "An https:// endpoint other than AWS's (MinIO, Ceph, a VPC endpoint) when the file store is s3. Unset: AWS S3 in the bucket's region.",
    example: 'https://s3.example.com',
  },
  attachmentS3Prefix: {
    key: 'attachmentS3Prefix',
    registryName: 'AttachmentS3Prefix',
    kind: 'string',
    group: 'attachments',
    policyOnly: true,
    title: 'Key prefix of encrypted files in the bucket',
    description: "Prepended to every object's key when the file store is s3 (e.g. attachments/), so the IAM policy can be limited to it. Unset: no prefix.",
    example: 'attachments/',
  },
  attachmentS3PathStyle: {
    key: 'attachmentS3PathStyle',
    registryName: 'AttachmentS3PathStyle',
    kind: 'boolean',
    group: 'attachments',
    policyOnly: true,
    title: 'Path-style S3 addresses',
    description:
      'When enabled, the bucket is addressed as endpoint/bucket/key, which most S3-compatible servers need. When disabled (the default), as bucket.endpoint/key (AWS).',
    example: false,
  },
  requirePostQuantum: {
    key: 'requirePostQuantum',
    registryName: 'RequirePostQuantum',
    kind: 'boolean',
    group: 'messaging',
    policyOnly: true,
    title: 'Require post-quantum key protection',
    description:
      'When enabled, the app shares a conversation key only with devices that have a post-quantum (X-Wing) key, so that keys recorded today cannot be opened by a future quantum computer. A conversation with a device set up by an older version cannot get a new key until that device is replaced. When disabled (the default), such devices get the older key type and the conversation is shown as not fully protected.',
    example: true,
  },
};

/** Every definition, in schema order. */
export const POLICY_DEFINITIONS: readonly PolicyDefinition[] = Object.values(table);

export function policyDefinition<K extends PolicyKey>(key: K): PolicyDefinition<K> {
  return table[key];
}
