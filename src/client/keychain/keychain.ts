/**
 * The device's secret store: the OS keychain through keytar (Secret Service/libsecret on Linux, Keychain
 * on macOS, Credential Manager on Windows). Secrets are stored under the app's service name and an
 * account name that says what they are. When no keychain is reachable every call fails with
 * `KeychainUnavailableError` — there is deliberately no fallback to a plaintext file.
 */
import keytar from 'keytar';
import { AppError } from '../../common/errors';

export class KeychainUnavailableError extends AppError {
  constructor(detail: string) {
    super('keychain_unavailable', `the OS keychain is not available: ${detail}`);
  }
}

export class InvalidSecretNameError extends AppError {
  constructor(name: string) {
    super('invalid_secret_name', `invalid keychain account name ${JSON.stringify(name.slice(0, 80))}`);
  }
}

export interface SecretStore {
  readonly service: string;
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<boolean>;
}

const ACCOUNT_NAME = /^[A-Za-z0-9._:@-]{1,200}$/;

/** The backend keytar talks to on this platform, for display. */
export function keychainBackendName(platform: string): string {
  if (platform === 'darwin') return 'macOS Keychain';
  if (platform === 'win32') return 'Windows Credential Manager';
  return 'Secret Service (libsecret)';
}

export function createKeytarStore(service: string): SecretStore {
  if (!ACCOUNT_NAME.test(service)) throw new InvalidSecretNameError(service);
  const checked = <T>(account: string, op: () => Promise<T>): Promise<T> => {
    if (!ACCOUNT_NAME.test(account)) return Promise.reject(new InvalidSecretNameError(account));
    return op().catch((e: unknown) => {
      throw new KeychainUnavailableError(e instanceof Error ? e.message : String(e));
    });
  };
  return {
    service,
    get: (account) => checked(account, () => keytar.getPassword(service, account)),
    set: (account, secret) => checked(account, () => keytar.setPassword(service, account, secret)),
    delete: (account) => checked(account, () => keytar.deletePassword(service, account)),
  };
}

export class InvalidProfileError extends AppError {
  constructor(profile: string) {
    super('invalid_profile', `invalid profile name ${JSON.stringify(profile.slice(0, 40))}: use 1-32 of a-z, 0-9, -`);
  }
}

/** Keychain service name: one per profile, so two profiles on one machine never share secrets. */
export function keychainServiceName(profile: string): string {
  if (!/^[a-z0-9-]{1,32}$/.test(profile)) throw new InvalidProfileError(profile);
  return profile === 'default' ? 'seed-messenger' : `seed-messenger.${profile}`;
}
