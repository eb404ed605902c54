/**
 * IPC schemas for the recovery key (docs/desktop.md "Recovery key", docs/protocol.md §18). The key's text
 * crosses the bridge exactly twice: once main → renderer when it is made (to be written down, saved and
 * shown as a QR; main keeps no copy), and renderer → main each time the person types it back (to confirm
 * it, or to restore on a new device). Making or replacing one needs the account password, checked by main
 * at the key service. No result carries the backup key, the identity key or anything derived from them.
 */
import { z } from 'zod';

/** The account password, re-typed to mint a recovery key (checked at the key service, never kept). */
const password = z.string().min(1).max(256);
/** What the person typed: 56 characters in groups; spaces and dashes are allowed, the core reads the rest. */
const typedKey = z.string().trim().min(1).max(200);

/**
 * Who the person is, proven again before a key is made: the account password, or — for an account of the
 * organisation's single sign-on, which has none — `{method: 'sso'}`, and main runs the provider's sign-in in
 * the system browser (docs/desktop.md "Single sign-on"). The renderer never carries a token.
 */
const ssoMethod = { method: z.literal('sso') };

export const recoveryPasswordArgsSchema = z.union([z.strictObject({ password }), z.strictObject(ssoMethod)]);
export type RecoveryReauthArgs = z.infer<typeof recoveryPasswordArgsSchema>;

const username = z.string().min(3).max(32);
const accountPassword = z.string().min(10).max(256);
const deviceName = z.string().trim().min(1).max(64);

export const restoreArgsSchema = z.union([
  z.strictObject({ username, password: accountPassword, recoveryKey: typedKey, deviceName }),
  z.strictObject({ ...ssoMethod, recoveryKey: typedKey, deviceName }),
]);
export type RestoreArgs = z.infer<typeof restoreArgsSchema>;

/**
 * The phrase the person types to reset an account whose devices and recovery key are lost
 * (docs/protocol.md §18.9): main refuses the call without it, so a renderer cannot reset by a click.
 */
export const ACCOUNT_RESET_PHRASE = 'reset my account';

/** `resetAccount` answers the session: signed in when the reset happened at once, signed out while it waits (`accountResetRequest`). */
export const resetAccountArgsSchema = z.union([
  z.strictObject({ username, password: accountPassword, deviceName, typedPhrase: z.literal(ACCOUNT_RESET_PHRASE) }),
  z.strictObject({ ...ssoMethod, deviceName, typedPhrase: z.literal(ACCOUNT_RESET_PHRASE) }),
]);
export type ResetAccountArgs = z.infer<typeof resetAccountArgsSchema>;

export const typedRecoveryKeySchema = typedKey;

/**
 * The recovery key as this device knows it. `none`: the account has none; `unconfirmed`: it has one this
 * device has not seen typed back; `confirmed`: typed back here (for this backup version); `replaced`: one
 * typed back here was replaced (on another device) by a newer one; `changed`: the backup's key is not
 * signed by this account (the core refused it; see docs/protocol.md §18.6).
 */
export const recoveryStatusSchema = z.object({
  state: z.enum(['none', 'unconfirmed', 'confirmed', 'replaced', 'changed']),
  backupVersion: z.number().int().min(1).nullable(),
  /** Managed policy `requireRecoveryKey`: no sending until `confirmed`. */
  required: z.boolean(),
});
export type RecoveryStatus = z.infer<typeof recoveryStatusSchema>;

/** A freshly made recovery key: shown once, in groups of four (`XXXX-XXXX-…`). */
export const newRecoveryKeySchema = z.object({
  recoveryKey: z.string().regex(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){13}$/),
  backupVersion: z.number().int().min(1),
});
export type NewRecoveryKey = z.infer<typeof newRecoveryKeySchema>;

/**
 * A reset of the account that waits, or was cancelled (docs/protocol.md §18.9 "The waiting period"): on a
 * signed-in device what its banner shows (who asked, when, from which new device and address; a `waiting`
 * one may be cancelled there), on the signed-out profile that asked its time left (`requestedHere`).
 */
export const accountResetRequestSchema = z.object({
  state: z.enum(['waiting', 'cancelled']),
  requestedAt: z.number().int().min(0),
  finishesAt: z.number().int().min(0),
  deviceName: z.string().max(256),
  platform: z.enum(['desktop', 'mobile', 'cli']),
  address: z.string().max(128),
  requestedHere: z.boolean(),
  cancelledAt: z.number().int().min(0).nullable(),
});
export type AccountResetRequestView = z.infer<typeof accountResetRequestSchema>;
