/**
 * What the key service's route handlers share (docs/api.md): the database, the crypto provider used to verify
 * certificates and key-version records, password hashing, token signing, the per-account rate
 * limiter and login back-off, the PubNub gateway and outbox, and a clock.
 */
import type { CryptoProvider } from '../common/crypto/provider';
import type { AccessTokens } from './auth/accessTokens';
import type { LoginThrottle } from './auth/loginThrottle';
import type { PasswordHasher } from './auth/passwords';
import type { OrganisationSettings } from './oidcSettings';
import type { Database } from './db/db';
import type { RateLimiter } from './http/rateLimit';
import type { PubnubGateway } from './pubnub/gateway';
import type { PubnubOutbox } from './pubnub/outbox';
import type { ServerKeys } from './custody/serverKeys';

export interface Services {
  readonly db: Database;
  readonly crypto: CryptoProvider;
  readonly passwords: PasswordHasher;
  readonly accessTokens: AccessTokens;
  readonly refreshTtlMs: number;
  /** How long a device-session challenge may be answered (docs/protocol.md §16); default 60 s. */
  readonly challengeTtlMs: number;
  /** How long a reset asked for while a device of the account is signed in waits (docs/protocol.md §18.9); default 7 days. */
  readonly resetWaitMs: number;
  readonly accountLimiter: RateLimiter;
  /** Password-login back-off per account name and client address (auth/loginThrottle.ts). */
  readonly loginThrottle: LoginThrottle;
  readonly pubnub: PubnubGateway;
  /** Notices and token revocations, recorded in the write's transaction (pubnub/outbox.ts). */
  readonly outbox: PubnubOutbox;
  readonly now: () => number;
  /** A fresh random id (128 bits, base64url). */
  readonly newId: () => string;
  /** Sign-in methods, registration, email domains, the OpenID provider (oidcSettings.ts). */
  readonly organisation: OrganisationSettings;
  /** Server-trusted custody: key versions the key service makes with its KMS (custody/serverKeys.ts). */
  readonly serverKeys: ServerKeys;
}
