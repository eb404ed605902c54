/**
 * Value types of the managed-policy settings (docs/deployment.md §2, "Settings"): what each setting
 * may hold once it has been read from any store. Strings are trimmed; URLs must be https (the key
 * service may also be plain http on a loopback address, for the local development stack).
 */
import { z } from 'zod';

export const SIGN_IN_METHODS = ['password', 'oidc', 'device-link'] as const;
export const NOTIFICATION_CONTENTS = ['full', 'sender-only', 'none'] as const;
export const UPDATE_MODES = ['off', 'managed', 'vendor'] as const;
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export const PUSH_PAYLOADS = ['off', 'generic'] as const;
/** The largest file a user may send (1 MB = 10^6 bytes); `unlimited` leaves only the format's limit (docs/protocol.md §20.2). */
export const ATTACHMENT_MAX_SIZES = ['unlimited', '1MB', '5MB', '10MB', '25MB', '50MB', '100MB', '250MB', '500MB', '1GB', '2GB'] as const;
/** The organisation's key custody modes (docs/protocol.md §19), as src/common/api/custodySchemas.ts names them. */
export const CUSTODY_MODES = ['zero-trust', 'escrow', 'server-trusted'] as const;
/**
 * Where file ciphertext is kept (docs/deployment.md §2, docs/architecture.md "Attachment stores"): PubNub Files on
 * each conversation's channel, the organisation's S3-compatible bucket, or a folder (the embedded local stack only).
 */
export const ATTACHMENT_STORES = ['pubnub', 's3', 'local'] as const;

export type SignInMethod = (typeof SIGN_IN_METHODS)[number];
export type NotificationContent = (typeof NOTIFICATION_CONTENTS)[number];
export type UpdateMode = (typeof UPDATE_MODES)[number];
export type LogLevel = (typeof LOG_LEVELS)[number];
export type PushPayload = (typeof PUSH_PAYLOADS)[number];
export type AttachmentMaxSize = (typeof ATTACHMENT_MAX_SIZES)[number];
export type PolicyCustodyMode = (typeof CUSTODY_MODES)[number];
export type AttachmentStoreKind = (typeof ATTACHMENT_STORES)[number];

const HOST = String.raw`(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])`;
const PORT = String.raw`(?::(?:[1-9][0-9]{0,4}))?`;
const PATH = String.raw`(?:/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?`;
const HTTPS_URL = new RegExp(`^https://${HOST}${PORT}${PATH}$`);
const LOOPBACK_HTTP_URL = new RegExp(`^http://(?:127\\.0\\.0\\.1|localhost|\\[::1\\])${PORT}${PATH}$`);
const ORIGIN = new RegExp(`^${HOST}${PORT}$`);

/** An https URL without credentials, query or fragment. */
export const httpsUrlSchema = z.string().trim().max(2048).regex(HTTPS_URL, 'must be an https:// URL without user, query or fragment');

/** The key service: https, or http on a loopback address (the embedded local stack). */
export const serverUrlSchema = z
  .string()
  .trim()
  .max(2048)
  .refine((s) => HTTPS_URL.test(s) || LOOPBACK_HTTP_URL.test(s), {
    message: 'must be an https:// URL (http:// only on 127.0.0.1, localhost or [::1])',
  });

/** A PubNub origin: host name with an optional port, no scheme (e.g. `ps.pndsn.com`). */
export const pubnubOriginSchema = z.string().trim().max(253).regex(ORIGIN, 'must be a host name with an optional :port');

/** A PubNub publish or subscribe key (`pub-c-…`, `sub-c-…`, or a relay's development key). */
export const pubnubKeySchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9-]{1,100}$/, 'must be 1-100 letters, digits or dashes');

/** An escrow recovery recipient's fingerprint (docs/protocol.md §19.1): 43 base64url characters. */
export const escrowFingerprintSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{43}$/, 'must be the 43-character fingerprint the admin CLI prints (admin custody status)');

const MEDIA_TYPE_PATTERN = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/(?:\*|[a-z0-9][a-z0-9!#$&^_.+-]{0,126})$/;

/**
 * Media types users may not send (docs/deployment.md §2): `type/subtype` or `type/*`, separated by commas
 * or white space, lower-cased; at most 100.
 */
export const blockedMediaTypesSchema = z
  .string()
  .trim()
  .max(4000)
  .transform((s) => s.toLowerCase())
  .refine(
    (s) => s.split(/[\s,]+/).every((t) => t === '' || MEDIA_TYPE_PATTERN.test(t)),
    'must be media types such as application/x-msdownload or video/*, separated by commas',
  )
  .refine((s) => s.split(/[\s,]+/).filter((t) => t !== '').length <= 100, 'at most 100 media types');

/** An S3 bucket name (AWS's rules: 3-63 lower-case letters, digits, dots and dashes, a letter or digit at each end). */
export const s3BucketSchema = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name: 3-63 lower-case letters, digits, dots or dashes');

/** An S3 region name (`eu-central-1`; S3-compatible servers often take `us-east-1`). */
export const s3RegionSchema = z
  .string()
  .trim()
  .regex(/^[a-z0-9-]{1,40}$/, 'must be a region name such as eu-central-1');

/** The key prefix of every object (`attachments/`): the IAM policy can be limited to it. */
export const s3PrefixSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9!_.*'()/-]{0,200}$/, "must be at most 200 letters, digits or !_.*'()/-");

export const signInMethodsSchema = z
  .array(z.enum(SIGN_IN_METHODS))
  .min(1, 'must allow at least one sign-in method')
  .transform((list) => SIGN_IN_METHODS.filter((m) => list.includes(m)));

export const policyValuesSchema = z.object({
  serverUrl: serverUrlSchema.nullable(),
  pubnubPublishKey: pubnubKeySchema.nullable(),
  pubnubSubscribeKey: pubnubKeySchema.nullable(),
  pubnubOrigin: pubnubOriginSchema.nullable(),
  allowedSignInMethods: signInMethodsSchema,
  localModeAllowed: z.boolean(),
  requireVerifiedContacts: z.boolean(),
  requireRecoveryKey: z.boolean(),
  notificationContent: z.enum(NOTIFICATION_CONTENTS),
  updateMode: z.enum(UPDATE_MODES),
  updateFeedUrl: httpsUrlSchema.nullable(),
  logLevel: z.enum(LOG_LEVELS),
  pushPayload: z.enum(PUSH_PAYLOADS),
  custodyMode: z.enum(CUSTODY_MODES).nullable(),
  escrowRecipientFingerprint: escrowFingerprintSchema.nullable(),
  presenceEnabled: z.boolean(),
  stockSdkCompat: z.boolean(),
  attachmentMaxSize: z.enum(ATTACHMENT_MAX_SIZES),
  attachmentBlockedTypes: blockedMediaTypesSchema.nullable(),
  attachmentStore: z.enum(ATTACHMENT_STORES).nullable(),
  attachmentS3Bucket: s3BucketSchema.nullable(),
  attachmentS3Region: s3RegionSchema.nullable(),
  attachmentS3Endpoint: serverUrlSchema.nullable(),
  attachmentS3Prefix: s3PrefixSchema.nullable(),
  attachmentS3PathStyle: z.boolean(),
  requirePostQuantum: z.boolean(),
});

export type PolicyValues = z.infer<typeof policyValuesSchema>;
export type PolicyKey = keyof PolicyValues;
export const POLICY_KEYS = Object.keys(policyValuesSchema.shape) as PolicyKey[];

/**
 * What the app does when nobody configured anything: the user picks the server at sign-in, every
 * sign-in method and the local mode are allowed, notifications name the sender but never show message
 * text, updates come from the build's own feed (unless the install is per-machine, see src/main/update),
 * messages carry no Mobile Push part, presence is on, messages from stock PubNub SDK clients (unsigned) are
 * refused, key custody is what the key service announces (the user is asked before taking server-made keys),
 * files of any type up to 100 MB may be sent, and their ciphertext goes to PubNub Files (the embedded local
 * stack: a folder).
 */
export const POLICY_DEFAULTS: PolicyValues = {
  serverUrl: null,
  pubnubPublishKey: null,
  pubnubSubscribeKey: null,
  pubnubOrigin: null,
  allowedSignInMethods: [...SIGN_IN_METHODS],
  localModeAllowed: true,
  requireVerifiedContacts: false,
  requireRecoveryKey: false,
  notificationContent: 'sender-only',
  updateMode: 'vendor',
  updateFeedUrl: null,
  logLevel: 'info',
  pushPayload: 'off',
  custodyMode: null,
  escrowRecipientFingerprint: null,
  presenceEnabled: true,
  stockSdkCompat: false,
  attachmentMaxSize: '100MB',
  attachmentBlockedTypes: null,
  attachmentStore: null,
  attachmentS3Bucket: null,
  attachmentS3Region: null,
  attachmentS3Endpoint: null,
  attachmentS3Prefix: null,
  attachmentS3PathStyle: false,
  requirePostQuantum: false,
};
