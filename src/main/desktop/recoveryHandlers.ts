/**
 * The recovery key on the desktop (docs/desktop.md "Recovery key"; the protocol is docs/protocol.md §18,
 * the core src/client/recovery). A recovery key opens the account identity key and every backed-up
 * conversation key, so minting one is a key release (docs/threat-model.md, "A compromised renderer"):
 *
 * - Making the first key or replacing it needs the account password, typed again and checked by main at the
 *   key service (`Client.checkPassword`) before anything is made. A renderer that injected script took over
 *   cannot mint a key to carry off without it: `recovery_password_wrong` (none at all: `invalid_arguments`),
 *   nothing changes. In the Electron build main then asks in a native dialog too (keyRelease.ts), so a page
 *   that phished the password still needs the person's "yes" outside it (`recovery_key_cancelled`).
 * - The key's text leaves main once, in the answer to the call that made it (to be written down, saved and
 *   shown as a QR), and main keeps no copy: there is no call that shows it again.
 * - "Confirmed" means the person typed the whole key back on this device and main checked it against the
 *   backup; main keeps only which backup version that was (`recovery.json` in the profile folder). A newer
 *   version made on another device shows here as `replaced`, so this device learns of the rotation; a
 *   backup key the account did not sign shows as `changed` (the core refuses it).
 * - Managed policy `requireRecoveryKey` is enforced here: `checkMayChat` refuses sending until confirmed.
 *
 * - A reset (a NEW account identity when the devices and the recovery key are lost, §18.9) needs the
 *   password and the phrase typed by the person. While a device of the account is signed in it waits: this
 *   profile stays signed out, keeps the new keys (the core's vault) and finishes it once the period is
 *   over; the signed-in devices show the request (PendingResetBanner) and may cancel it.
 *
 * Failures the person sees as a sentence are logged with their code.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../common/errors';
import type { ErrorCategory } from '../../common/errorCategory';
import type { UserId } from '../../common/ids';
import type { NewRecoveryKey, RecoveryReauthArgs, RecoveryStatus } from '../../common/ipc/schemas/recovery';
import type { Session } from '../../common/ipc/schemas/session';
import { RecoveryError } from '../../common/protocol/recovery';
import { checkRecoveryKeyConfirmed, checkSignInMethod } from '../../common/policy/enforce';
import { KeyServiceError, type Client } from '../../client';
import type { Handler } from '../ipc/dispatch';
import type { Logger } from '../log/logger';
import type { PolicyHolder } from '../services/policyHolder';
import type { ClientHost } from './clientHost';
import type { KeyReleaseConfirmation } from './keyRelease';
import type { SsoSignInFlow } from './ssoHandlers';
import type { SignInCredential } from '../../client';

const CATEGORY = {
  /** The password typed to make or replace a recovery key is not the account's. */
  recovery_password_wrong: 'permission',
  /** `createRecoveryKey` on an account that has one: replacing it is `rotateRecoveryKey`. */
  recovery_key_exists: 'conflict',
  /** The person said no in the native confirmation. */
  recovery_key_cancelled: 'permission',
} as const satisfies Record<string, ErrorCategory>;

export type RecoveryKeyErrorCode = keyof typeof CATEGORY;

/** A recovery-key request main refused; the message is the sentence the person reads. */
export class RecoveryKeyError extends AppError {
  declare readonly code: RecoveryKeyErrorCode;
  constructor(code: RecoveryKeyErrorCode, message: string) {
    super(code, message, CATEGORY[code]);
  }
}

/** Which backup version the person typed back on this device, per account. Nothing secret. */
export interface RecoveryConfirmations {
  get(userId: UserId): number | null;
  set(userId: UserId, backupVersion: number): void;
  /** Forgets what was typed back for this account (a reset: its next recovery key starts at version 1 again). */
  forget(userId: UserId): void;
}

const ConfirmedSchema = z.strictObject({ userId: z.string().max(128), backupVersion: z.number().int().min(1) });

/** Kept in `recovery.json` of the profile folder; an unreadable file counts as "not confirmed". */
export function fileConfirmations(profileDir: string): RecoveryConfirmations {
  const file = join(profileDir, 'recovery.json');
  let cached: z.infer<typeof ConfirmedSchema> | null | undefined;
  const read = () => {
    if (cached !== undefined) return cached;
    try {
      cached = existsSync(file) ? ConfirmedSchema.parse(JSON.parse(readFileSync(file, 'utf8'))) : null;
    } catch {
      cached = null;
    }
    return cached;
  };
  return {
    get: (userId) => (read()?.userId === userId ? (read()?.backupVersion ?? null) : null),
    set(userId, backupVersion) {
      cached = { userId, backupVersion };
      writeFileSync(file, JSON.stringify(cached), { mode: 0o600 });
    },
    forget(userId) {
      if (read()?.userId !== userId) return;
      cached = null;
      rmSync(file, { force: true });
    },
  };
}

export function memoryConfirmations(): RecoveryConfirmations {
  const kept = new Map<string, number>();
  return { get: (userId) => kept.get(userId) ?? null, set: (userId, v) => void kept.set(userId, v), forget: (userId) => void kept.delete(userId) };
}

export interface RecoveryHandlerDeps {
  host: ClientHost;
  policy: PolicyHolder;
  confirmations: RecoveryConfirmations;
  announceSession(): Promise<Session>;
  log: Pick<Logger, 'warn'>;
  /** Asked after the password matched: the native dialog in the Electron build; `CODE_ONLY` (yes) in browser mode. */
  keyRelease: KeyReleaseConfirmation;
  /** The organisation's sign-in in the system browser (./ssoHandlers.ts), for accounts that have no password. */
  sso: SsoSignInFlow;
}

type RecoveryMethods =
  | 'recoveryStatus'
  | 'createRecoveryKey'
  | 'rotateRecoveryKey'
  | 'verifyRecoveryKey'
  | 'restoreWithRecoveryKey'
  | 'resetAccount'
  | 'accountResetRequest'
  | 'cancelAccountReset'
  | 'finishAccountReset';

/**
 * The person signs in to this account again — its password, or the organisation's single sign-on for an
 * account that has none — checked at the key service; a wrong one is a typed refusal and nothing is made.
 */
async function checkSignIn(client: Client, who: RecoveryReauthArgs, sso: SsoSignInFlow): Promise<void> {
  try {
    if ('password' in who) await client.checkPassword(who.password);
    else await client.checkSignIn({ sso: (await sso.token(async () => client)).token });
  } catch (err) {
    if (err instanceof KeyServiceError && err.code === 'bad_credentials')
      throw new RecoveryKeyError('recovery_password_wrong', 'That is not your account password. No recovery key was made; try again.');
    throw err;
  }
}

export function recoveryHandlers(deps: RecoveryHandlerDeps): {
  handlers: { [K in RecoveryMethods]: Handler<K> };
  /** With `requireRecoveryKey`: refuses sending until the recovery key is confirmed on this device. */
  checkMayChat(client: Client): Promise<void>;
} {
  const { host, confirmations, log } = deps;
  const logged = async <T>(event: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      log.warn(event, { code: err instanceof AppError ? err.code : 'internal' });
      throw err;
    }
  };

  /** The signing-in client and how it proves the person (policy must allow the method). */
  async function signInFor(a: { deviceName: string } & ({ username: string; password: string } | { method: 'sso' })) {
    if ('method' in a) {
      const { client, token } = await deps.sso.token(() => host.forSignIn(a.deviceName));
      return { client, credential: { sso: token } satisfies SignInCredential };
    }
    checkSignInMethod(deps.policy.current(), 'password');
    return { client: await host.forSignIn(a.deviceName), credential: { username: a.username, password: a.password } satisfies SignInCredential };
  }

  async function status(client: Client): Promise<RecoveryStatus> {
    const required = deps.policy.current().values.requireRecoveryKey;
    let backupVersion: number | null;
    try {
      backupVersion = await client.keyBackupVersion();
    } catch (err) {
      if (err instanceof AppError && err.code === 'backup_key_changed') {
        log.warn('recovery.backup_key_changed', { code: err.code });
        return { state: 'changed', backupVersion: null, required };
      }
      throw err;
    }
    if (backupVersion === null) return { state: 'none', backupVersion, required };
    const confirmed = confirmations.get(client.session().userId);
    const state = confirmed === backupVersion ? 'confirmed' : confirmed !== null && confirmed < backupVersion ? 'replaced' : 'unconfirmed';
    return { state, backupVersion, required };
  }

  async function mint(who: RecoveryReauthArgs, replace: boolean): Promise<NewRecoveryKey> {
    const client = await host.current();
    await checkSignIn(client, who, deps.sso);
    const current = await client.keyBackupVersion();
    if (!replace && current !== null)
      throw new RecoveryKeyError('recovery_key_exists', 'Your account already has a recovery key. To make a new one, choose "Replace recovery key".');
    if (replace && current === null) throw new RecoveryError('no_recovery_key', 'Your account has no recovery key to replace yet. Make one first.');
    if (!(await deps.keyRelease.confirm({ kind: 'recoveryKey', replace })))
      throw new RecoveryKeyError('recovery_key_cancelled', 'You cancelled it, so no recovery key was made and nothing changed.');
    const made = replace ? await client.rotateRecoveryKey() : await client.createRecoveryKey();
    return { recoveryKey: made.recoveryKey, backupVersion: made.backupVersion };
  }

  return {
    handlers: {
      recoveryStatus: async () => logged('recovery.status_failed', async () => status(await host.current())),
      createRecoveryKey: (a) => logged('recovery.create_failed', () => mint(a, false)),
      rotateRecoveryKey: (a) => logged('recovery.rotate_failed', () => mint(a, true)),
      verifyRecoveryKey: (typed) =>
        logged('recovery.verify_failed', async () => {
          const client = await host.current();
          const { backupVersion } = await client.verifyRecoveryKey(typed);
          confirmations.set(client.session().userId, backupVersion);
          return status(client);
        }),
      restoreWithRecoveryKey: (a) =>
        logged('recovery.restore_failed', async () => {
          const { client, credential } = await signInFor(a);
          const restored = await client.restoreWithRecoveryKey({ ...credential, recoveryKey: a.recoveryKey });
          if (restored.refused > 0) log.warn('recovery.entries_refused', { refused: restored.refused });
          // The key was just typed and opened the backup: it is confirmed on this device.
          const version = await client.keyBackupVersion().catch(() => null);
          if (version !== null) confirmations.set(restored.session.userId, version);
          return deps.announceSession();
        }),
      // The last resort (docs/protocol.md §18.9): the schema already required the typed phrase.
      resetAccount: (a) =>
        logged('recovery.reset_failed', async () => {
          const { client, credential } = await signInFor(a);
          const outcome = await client.resetAccount(credential);
          // A key typed back here for the old identity says nothing about the new one's (numbered from 1 again).
          if (outcome.state === 'reset') confirmations.forget(outcome.session.userId);
          return deps.announceSession();
        }),
      accountResetRequest: () =>
        logged('recovery.reset_request_failed', async () => {
          const client = await host.current();
          return client.isSignedIn || client.waitingReset !== null ? client.accountResetRequest() : null;
        }),
      cancelAccountReset: () => logged('recovery.reset_cancel_failed', async () => (await host.current()).cancelAccountReset()),
      finishAccountReset: () =>
        logged('recovery.reset_finish_failed', async () => {
          const session = await (await host.current()).finishAccountReset();
          confirmations.forget(session.userId);
          return deps.announceSession();
        }),
    },
    async checkMayChat(client) {
      if (!deps.policy.current().values.requireRecoveryKey) return;
      const { state } = await status(client);
      checkRecoveryKeyConfirmed(deps.policy.current(), { confirmed: state === 'confirmed' });
    },
  };
}
