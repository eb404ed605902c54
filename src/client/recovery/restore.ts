/**
 * Restoring an account on a new device with the recovery key (docs/protocol.md §18.5): the typed key is
 * checked (its checksum) before any network call; the device signs in with the password or, for an account
 * of the organisation's single sign-on, an ID token of its provider (a password-only session either way), reads the backup descriptor, derives the backup key and compares it with the current one (an
 * earlier key is `recovery_key_outdated`, any other `recovery_key_invalid` — the session is ended and
 * nothing changed), verifies the descriptor under the account's identity key, opens the identity key and
 * checks it is the account's, then enrols this device with its own keys and a certificate the recovered
 * identity signs. Contacts see the same account key. The caller then restores the backed-up key versions
 * (KeyBackup.restoreEntries) with the backup key this answers, and wipes it.
 */
import type { CryptoProvider, RawKeyPair } from '../../common/crypto/provider';
import { fromBase64Url } from '../../common/encoding/base64url';
import { constantTimeEqual } from '../../common/encoding/bytes';
import type { DevicePlatform } from '../../common/protocol/deviceCertificate';
import { isProtocolError } from '../../common/protocol/errors';
import {
  deriveRecoveryKeys,
  openIdentityBlob,
  parseRecoveryKey,
  RecoveryError,
  verifyBackupDescriptor,
  wipeRecoveryKeys,
  type BackupDescriptor,
  type RecoveryKeys,
} from '../../common/protocol/recovery';
import { enrolUnder, type Identity } from '../enrol';
import { KeyServiceError } from '../errors';
import type { KeyServiceApi } from '../keyServiceApi';
import { sessionWithoutDevice, type SignInCredential } from '../sso';
import { checkBackupKey } from './keyBackup';

export interface Restored {
  readonly identity: Identity;
  readonly descriptor: BackupDescriptor;
  /** What the recovery key yields (both backup key pairs, for the entries and an upgrade to X-Wing); the caller wipes it. */
  readonly keys: RecoveryKeys;
}

export async function restoreAccount(
  api: KeyServiceApi,
  provider: CryptoProvider,
  input: { credential: SignInCredential; recoveryKey: string; deviceName: string; platform: DevicePlatform },
): Promise<Restored> {
  const recoveryKey = await parseRecoveryKey(provider, input.recoveryKey);
  let keys: RecoveryKeys | undefined;
  let account: RawKeyPair | undefined;
  let descriptor: BackupDescriptor | undefined;
  const pair = await sessionWithoutDevice(api, input.credential);
  try {
    if (pair.user.identityKey === null) throw new RecoveryError('no_recovery_key', `${pair.user.username} has no account key to restore; sign in instead`);
    const accountKey = fromBase64Url(pair.user.identityKey);
    const answer = await api.request('getKeyBackup').catch((err: unknown) => {
      if (err instanceof KeyServiceError && err.code === 'no_backup') throw new RecoveryError('no_recovery_key', 'this account has no key backup');
      throw err;
    });
    keys = await deriveRecoveryKeys(provider, recoveryKey, pair.user.userId);
    checkBackupKey(keys, answer);
    descriptor = await verifyBackupDescriptor(provider, answer.descriptor, { userId: pair.user.userId, accountKey }).catch((err: unknown) => {
      if (isProtocolError(err)) throw new RecoveryError('backup_key_changed', `the backup is not signed by this account's key (${err.code})`);
      throw err;
    });
    const seed = await openIdentityBlob(provider, descriptor, keys).catch(() => {
      throw new RecoveryError('recovery_key_invalid', 'this recovery key does not open the backup');
    });
    const publicKey = await provider.ed25519PublicKey(seed);
    if (!constantTimeEqual(publicKey, accountKey)) {
      seed.fill(0);
      throw new RecoveryError('recovery_key_invalid', "the backup does not hold this account's key");
    }
    account = { privateKey: seed, publicKey };
  } catch (err) {
    if (keys) wipeRecoveryKeys(keys);
    await api.request('logout').catch(() => undefined);
    api.setTokens(null, null);
    throw err;
  } finally {
    recoveryKey.fill(0);
  }
  if (keys === undefined || account === undefined || descriptor === undefined)
    throw new RecoveryError('recovery_key_invalid', 'the backup could not be opened');
  try {
    return { identity: await enrolUnder(api, provider, pair, input, account), descriptor, keys };
  } catch (err) {
    wipeRecoveryKeys(keys);
    throw err;
  }
}
