/**
 * Wire schemas of the key backup (docs/api.md "Key backup", docs/protocol.md §18). The key service stores
 * only what these carry: the account-signed descriptor (a public key and an AES-GCM ciphertext of the
 * account identity key) and device-signed HPKE wraps of conversation keys to the backup public key.
 */
import { z } from 'zod';
import { RegisteredDeviceSchema } from './deviceSchemas';
import { DevicePlatformSchema } from '../protocol/deviceCertificate';
import { BackupDescriptorSchema, BackupEntrySchema, BackupVersionNumber, RestoredWrapSchema } from '../protocol/recovery';
import { XWING_PUBLIC_KEY_LENGTH } from '../crypto/xwing';
import { b64uField } from '../protocol/wire';

/** Entries one request may add. */
export const MAX_BACKUP_ENTRIES_PER_REQUEST = 200;
/** Entries one account may hold for its current backup version. */
export const MAX_BACKUP_ENTRIES_PER_ACCOUNT = 200_000;

/** Body of `putKeyBackup`: parsed loosely so a bad descriptor is the typed 422 `bad_backup_descriptor`. */
export const PutBackupBody = z.strictObject({ descriptor: z.record(z.string(), z.unknown()) });

export const BackupAnswerSchema = z.strictObject({
  descriptor: BackupDescriptorSchema,
  /** Public keys of earlier backup versions (their identity blobs are gone), to tell an old recovery key from a wrong one. */
  previous: z.array(z.strictObject({ backupVersion: BackupVersionNumber, backupKey: z.union([b64uField(32), b64uField(XWING_PUBLIC_KEY_LENGTH)]) })),
});
export type BackupAnswer = z.infer<typeof BackupAnswerSchema>;

export const AddBackupEntriesBody = z.strictObject({
  entries: z.array(z.record(z.string(), z.unknown())).min(1).max(MAX_BACKUP_ENTRIES_PER_REQUEST),
});
export const AddBackupEntriesAnswer = z.strictObject({ added: z.number().int().min(0) });

export const BackupEntriesQuery = z.strictObject({
  after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});
/** A page of entries: those of the current version, and of the X25519 version it upgraded in place (`legacy`, §18.10.5). */
export const BackupEntriesPage = z.strictObject({
  backupVersion: BackupVersionNumber,
  entries: z.array(BackupEntrySchema),
  nextAfter: z.number().int().nullable(),
});

/** Device headers one X-Wing backup version may hold (one per device of the account: §18.10.2). */
export const MAX_BACKUP_HEADERS_PER_VERSION = 1000;
/** Body of `putBackupHeader`: parsed loosely so a bad header is the typed 422 `bad_backup_header`. */
export const PutBackupHeaderBody = z.strictObject({ header: z.record(z.string(), z.unknown()) });
export const PutBackupHeaderAnswer = z.strictObject({ added: z.boolean() });
export const BackupHeadersAnswer = z.strictObject({
  backupVersion: BackupVersionNumber,
  /** Parsed loosely: the restoring device verifies each (§18.10.4), and one bad header refuses only its device's entries. */
  headers: z.array(z.record(z.string(), z.unknown())).max(MAX_BACKUP_HEADERS_PER_VERSION),
});

/** Restored wraps one device may keep (§18.5 step 7). */
export const MAX_RESTORED_WRAPS_PER_DEVICE = 200_000;
export const AddRestoredWrapsBody = z.strictObject({
  wraps: z.array(z.record(z.string(), z.unknown())).min(1).max(MAX_BACKUP_ENTRIES_PER_REQUEST),
});
export const RestoredWrapsPage = z.strictObject({ wraps: z.array(RestoredWrapSchema), nextAfter: z.number().int().nullable() });

/** The phrase a reset request must carry: no client resets an account by accident (docs/protocol.md §18.9). */
export const ACCOUNT_RESET_CONFIRMATION = 'reset my account identity';

/** Body of `resetAccount`: the new first device's certificate, signed by the NEW account identity key. */
export const ResetAccountBody = z.strictObject({
  certificate: z.record(z.string(), z.unknown()).describe('a device certificate signed by the new account identity key (docs/protocol.md §4)'),
  confirm: z.literal(ACCOUNT_RESET_CONFIRMATION),
});

/**
 * A reset request that waits (docs/protocol.md §18.9 "The waiting period"): asked while a device of the
 * account was signed in, it finishes at `finishesAt` unless a signed-in device cancels it. `deviceName`
 * and `platform` are those of the new device its certificate names, `address` the client address the
 * request came from: what the account's devices show so that the person can tell whether it was them.
 */
export const AccountResetRequestSchema = z.strictObject({
  state: z.enum(['waiting', 'cancelled']),
  requestedAt: z.number().int().min(0),
  finishesAt: z.number().int().min(0),
  deviceName: z.string().max(256),
  platform: DevicePlatformSchema,
  address: z.string().max(128),
  /** True for the session that asked (the requester's own view: "your reset finishes on …"). */
  requestedHere: z.boolean(),
  cancelledAt: z.number().int().min(0).nullable(),
});
export type AccountResetRequest = z.infer<typeof AccountResetRequestSchema>;

/** Answer of a reset that happened: the new device (as a registration answers it) and the identity key it replaced. */
export const AccountResetDoneSchema = RegisteredDeviceSchema.extend({
  outcome: z.literal('reset'),
  previousIdentityKey: b64uField(32).describe("the account's identity key before this reset: its old devices' history stays checkable"),
});

/** Answer of `resetAccount`: done at once (no device signed in), or waiting (a device is signed in and may cancel). */
export const ResetAccountAnswer = z.discriminatedUnion('outcome', [
  AccountResetDoneSchema,
  z.strictObject({ outcome: z.literal('waiting'), request: AccountResetRequestSchema }),
]);

/** Answer of `getAccountReset` and `cancelAccountReset`: the account's latest reset request that did not finish, if any. */
export const AccountResetStateAnswer = z.strictObject({ request: AccountResetRequestSchema.nullable() });

/** Bounds of the key service's waiting period (`resetWaitMs`): from one hour to the 30 days a session lives by default. */
export const RESET_WAIT_BOUNDS_MS = { min: 3_600_000, max: 30 * 24 * 3_600_000 } as const;
/** The waiting period unless the operator set another. */
export const DEFAULT_RESET_WAIT_MS = 7 * 24 * 3_600_000;
