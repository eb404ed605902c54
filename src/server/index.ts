/**
 * The key service (docs/api.md): accounts, devices, conversations, versioned key wraps, rotation and PubNub
 * access grants over HTTP+JSON, on SQLite (default, a file under `dataDir`) or PostgreSQL (`databaseUrl`).
 * Zero-trust: it stores public keys, certificates, signed key-version records and per-device HPKE
 * wraps, and can never decrypt a conversation key. `startKeyService` is the public API.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { keyManagerRoutes as keyManagerTable } from '../common/api/keyManager';
import { keyServiceRoutes as keyServiceTable } from '../common/api/keyService';
import { chooseCryptoProvider } from '../node/crypto/providers';
import { listen } from '../node/net/listen';
import { accountRoutes } from './api/accounts';
import { conversationRoutes } from './api/conversations';
import { deviceLinkRoutes } from './api/deviceLinks';
import { keyBackupRoutes } from './api/keyBackups';
import { accountResetRoutes } from './api/accountReset';
import { accountResetWaitRoutes } from './api/accountResetWait';
import { DEFAULT_RESET_WAIT_MS, RESET_WAIT_BOUNDS_MS } from '../common/api/recoverySchemas';
import { custodyRoutes } from './custody/routes';
import { deviceLookupRoutes } from './api/deviceLookup';
import { directoryLookupRoutes } from './api/directoryLookup';
import { deviceRoutes } from './api/devices';
import { keyVersionRoutes } from './api/keyVersions';
import { membershipRoutes } from './api/membership';
import { metaRoutes } from './api/meta';
import { pubnubRoutes } from './api/pubnubAccess';
import { sessionRoutes } from './api/sessions';
import { wrapRoutes } from './api/wraps';
import { broadcastRoutes, DEFAULT_KEY_MANAGER_PATH, KEY_MANAGER_DIR } from './keyManager/keyServiceMount';
import { AccessTokens } from './auth/accessTokens';
import { createAuthenticator } from './auth/authenticate';
import { loadJwtSecret } from './auth/jwtSecret';
import { LOCAL_KMS_FILE, LocalKms, type Kms } from './kms';

/** The KMS a key service's settings name (SEED_KMS…): for the embedded local stack, which imports only this module. */
export { kmsFromEnv } from './kms';
import { ServerKeys } from './custody/serverKeys';
import type { DataKeyCacheOptions } from './custody/dataKeyCache';
import { loadSealedMasterKey } from './keyManager/sealedMasterKey';
import { DEFAULT_PASSWORD_COST, PasswordHasher, type PasswordCost } from './auth/passwords';
import type { Database } from './db/db';
import { migrate } from './db/migrate';
import { openPostgres } from './db/postgres';
import { openSqlite } from './db/sqlite';
import { RateLimiter, type RateLimit } from './http/rateLimit';
import { TrustedProxies } from './http/clientAddress';
import { DEFAULT_LOGIN_BACKOFF, LoginThrottle, type LoginBackoff } from './auth/loginThrottle';
import type { Route } from './http/route';
import { checkRouteCoverage, type Mount } from './http/routeCoverage';
import { Router } from './http/router';
import { createListener } from './http/server';
import { disabledGateway } from './pubnub/gateway';
import { PubnubOutbox, type OutboxOptions } from './pubnub/outbox';
import { createSdkGateway, type PubnubConfig } from './pubnub/sdkGateway';
import { failingEffectsGateway } from './pubnub/testOutage';
import type { Services } from './services';
import { oidcRoutes } from './oidcRoutes';
import { SCIM_PREFIX, scimHandler, type ScimSettings } from './scim/scim';
import { resolveOrganisation, type OrganisationOptions } from './oidcSettings';

export type { PubnubConfig } from './pubnub/sdkGateway';

/** What the key service serves: its own table at the root and the default key manager's under `/km`. */
export const KEY_SERVICE_MOUNTS: readonly Mount[] = [
  { table: keyServiceTable, basePath: '' },
  { table: keyManagerTable, basePath: DEFAULT_KEY_MANAGER_PATH },
];

export interface KeyServiceOptions {
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Holds keyservice.sqlite when no databaseUrl is given. */
  readonly dataDir: string;
  /** postgres://… — use PostgreSQL instead of SQLite. */
  readonly databaseUrl?: string;
  /** Without it: no PubNub grants or notices; everything else works. */
  readonly pubnub?: PubnubConfig;
  /** HS256 secret for access tokens; by default one is created and kept in the database as KMS ciphertext. */
  readonly jwtSecret?: string | Uint8Array;
  /**
   * The KMS that seals the server's secrets (src/server/kms; docs/operations.md "KMS"); default the embedded
   * local KMS with its master key in `<dataDir>/kms-master.key`.
   */
  readonly kms?: Kms;
  /**
   * Server-trusted custody's cache of unwrapped data keys (custody/dataKeyCache.ts): default 60 s and 1,024
   * keys; `SEED_SERVER_KEY_CACHE_TTL_MS` / `SEED_SERVER_KEY_CACHE_ENTRIES` when started by the CLI.
   */
  readonly serverKeyCache?: DataKeyCacheOptions;
  /** Access token lifetime; default 300 s. */
  readonly accessTokenTtlSeconds?: number;
  /** Refresh-token family lifetime; default 30 days. */
  readonly refreshTtlMs?: number;
  /** How long a device-session challenge may be answered; default 60 s (docs/protocol.md §16). */
  readonly challengeTtlMs?: number;
  /**
   * How long a reset asked for while a device of the account is signed in waits before it may finish
   * (docs/protocol.md §18.9); default 7 days, from 1 hour to 30 days (`SEED_RESET_WAIT_HOURS` when started
   * by the CLI). The organisation's operator may shorten it; a password alone never can.
   */
  readonly resetWaitMs?: number;
  /**
   * The hosted broadcast key manager serves channel keys only to devices with an X-Wing key
   * (docs/broadcast.md §4; `SEED_BROADCAST_REQUIRE_PQ=1` when started by the CLI); default off.
   */
  readonly broadcastRequirePostQuantum?: boolean;
  /** The service's clock (ms since the epoch); default `Date.now`. Tests move it forward instead of sleeping. */
  readonly now?: () => number;
  /** Largest accepted request body; default 2 MiB. */
  readonly bodyLimitBytes?: number;
  /**
   * Auth endpoint limits (docs/operations.md, "Rate limits"): `perIp` on every auth endpoint per client address
   * (default 60 per minute); `perAccount` on registration and password change per account name (default 10 per
   * minute), and its `limit` is also the free login failures per address unless `loginBackoff` names them;
   * `loginBackoff`: password-login back-off per account name and client address (auth/loginThrottle.ts).
   */
  readonly rateLimits?: { readonly perIp?: RateLimit; readonly perAccount?: RateLimit; readonly loginBackoff?: Partial<LoginBackoff> };
  /**
   * Reverse proxies (IP addresses or CIDR ranges) whose `X-Forwarded-For` names the client address for rate
   * limits (http/clientAddress.ts); default none: the socket peer is the client and the header is ignored.
   */
  readonly trustedProxies?: readonly string[];
  readonly passwordCost?: PasswordCost;
  /** PostgreSQL pool size; default 10. */
  readonly maxDbConnections?: number;
  /** Check every response against its OpenAPI schema before sending (tests); default false. */
  readonly validateResponses?: boolean;
  /** Where unexpected errors are reported; default stderr. */
  readonly log?: (message: string, err?: unknown) => void;
  /** The PubNub outbox's worker (pubnub/outbox.ts): concurrency, lease, backoff, retention. */
  readonly outbox?: OutboxOptions;
  /** How long `close` waits for PubNub calls in flight (undelivered rows stay in the outbox); default 5 s. */
  readonly outboxCloseWaitMs?: number;
  /** Sign-in settings: methods, registration, allowed email domains, the OpenID provider (docs/operations.md "Sign-in settings"). */
  readonly organisation?: OrganisationOptions;
  /** SCIM provisioning under `/scim/v2` with this bearer token (scim/scim.ts); off without it. */
  readonly scim?: ScimSettings;
  /** TEST ONLY: notice publishes and token revocations fail at once (pubnub/testOutage.ts). */
  readonly testOnlyFailPubnubEffects?: boolean;
}

export interface KeyService {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** The key service's database: PostgreSQL at `databaseUrl`, else SQLite in `dataDir` (the admin CLI opens it the same way). */
export function openDatabase(opts: Pick<KeyServiceOptions, 'databaseUrl' | 'dataDir' | 'maxDbConnections'>): Database {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts.maxDbConnections ?? 10);
  mkdirSync(opts.dataDir, { recursive: true });
  return openSqlite(path.join(opts.dataDir, 'keyservice.sqlite'));
}

export async function startKeyService(opts: KeyServiceOptions): Promise<KeyService> {
  const log = opts.log ?? ((message: string, err?: unknown) => console.error(`[keyservice] ${message}`, err ?? ''));
  const trustedProxies = new TrustedProxies(opts.trustedProxies);
  const organisation = resolveOrganisation(opts.organisation);
  const db = openDatabase(opts);
  try {
    await migrate(db);
    const now = opts.now ?? (() => Date.now());
    const resetWaitMs = opts.resetWaitMs ?? DEFAULT_RESET_WAIT_MS;
    if (!Number.isInteger(resetWaitMs) || resetWaitMs < RESET_WAIT_BOUNDS_MS.min || resetWaitMs > RESET_WAIT_BOUNDS_MS.max)
      throw new Error(`the reset waiting period must be from 1 hour to 30 days, got ${resetWaitMs} ms`);
    const kms = opts.kms ?? LocalKms.open(path.join(opts.dataDir, LOCAL_KMS_FILE));
    // The mounted broadcast key manager's master key, unsealed by the KMS (it is stored only sealed).
    const keyManagerMasterKey = await loadSealedMasterKey(path.join(opts.dataDir, KEY_MANAGER_DIR), kms);
    const secret =
      opts.jwtSecret === undefined
        ? await loadJwtSecret(db, now(), kms)
        : typeof opts.jwtSecret === 'string'
          ? new TextEncoder().encode(opts.jwtSecret)
          : opts.jwtSecret;
    const accessTokens = new AccessTokens(secret, opts.accessTokenTtlSeconds ?? 300);
    const sdkGateway = opts.pubnub ? createSdkGateway(opts.pubnub, now) : disabledGateway;
    const gateway = opts.testOnlyFailPubnubEffects ? failingEffectsGateway(sdkGateway) : sdkGateway;
    const outbox = new PubnubOutbox({ db, gateway, now, log, onBug: (message) => log(message) }, opts.outbox);
    const provider = chooseCryptoProvider().provider;
    const svc: Services = {
      db,
      crypto: provider,
      passwords: new PasswordHasher(opts.passwordCost ?? DEFAULT_PASSWORD_COST),
      accessTokens,
      refreshTtlMs: opts.refreshTtlMs ?? 30 * 24 * 3600_000,
      challengeTtlMs: opts.challengeTtlMs ?? 60_000,
      resetWaitMs,
      accountLimiter: new RateLimiter(opts.rateLimits?.perAccount ?? { limit: 10, windowMs: 60_000 }),
      loginThrottle: new LoginThrottle({
        ...DEFAULT_LOGIN_BACKOFF,
        ...(opts.rateLimits?.perAccount ? { freeFailures: opts.rateLimits.perAccount.limit } : {}),
        ...opts.rateLimits?.loginBackoff,
      }),
      pubnub: gateway,
      outbox,
      now,
      newId: () => randomBytes(16).toString('base64url'),
      organisation,
      serverKeys: new ServerKeys({ db, crypto: provider, now, outbox }, kms, opts.serverKeyCache),
    };
    const routes: Route[] = [];
    routes.push(
      ...metaRoutes(svc, () => routes),
      ...accountRoutes(svc),
      ...oidcRoutes(svc, organisation),
      ...sessionRoutes(svc),
      ...deviceRoutes(svc),
      ...deviceLinkRoutes(svc),
      ...keyBackupRoutes(svc),
      ...accountResetRoutes(svc),
      ...accountResetWaitRoutes(svc),
      ...custodyRoutes(svc),
      ...deviceLookupRoutes(svc),
      ...directoryLookupRoutes(svc),
      ...conversationRoutes(svc),
      ...membershipRoutes(svc),
      ...keyVersionRoutes(svc),
      ...wrapRoutes(svc),
      ...pubnubRoutes(svc),
      ...broadcastRoutes(
        svc,
        {
          dataDir: opts.dataDir,
          host: opts.host,
          masterKey: keyManagerMasterKey,
          ...(opts.broadcastRequirePostQuantum === true ? { requirePostQuantum: true } : {}),
        },
        () => server,
      ),
    );
    checkRouteCoverage(KEY_SERVICE_MOUNTS, routes);
    if (opts.scim !== undefined && opts.scim.bearerToken.length < 32) throw new Error('the SCIM bearer token must be at least 32 characters');
    const scim =
      opts.scim === undefined
        ? null
        : scimHandler(opts.scim, {
            db,
            now,
            newId: svc.newId,
            record: (tx, effects) => outbox.record(tx, effects),
            onBug: (err) => log('unexpected error in SCIM (answered 500)', err),
          });
    const api = createListener({
      router: new Router(routes),
      bodyLimit: opts.bodyLimitBytes ?? 2 * 1024 * 1024,
      ipLimiter: new RateLimiter(opts.rateLimits?.perIp ?? { limit: 60, windowMs: 60_000 }),
      trustedProxies,
      authenticate: createAuthenticator(db, accessTokens, now),
      verifyToken: (token) => accessTokens.verify(token),
      onBug: (err) => log('unexpected error (answered 500)', err),
      onContractBreach: (err) => log('unexpected answer outside the route table', err),
      validateResponses: opts.validateResponses ?? false,
    });
    const server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      if (scim !== null && (path === SCIM_PREFIX || path.startsWith(`${SCIM_PREFIX}/`))) scim(req, res);
      else void api(req, res);
    });
    server.keepAliveTimeout = 5_000;
    const { url, port } = await listen(server, { port: opts.port, host: opts.host });
    outbox.start();
    return {
      url,
      port,
      close: async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        svc.serverKeys.close();
        await outbox.close(opts.outboxCloseWaitMs ?? 5_000);
        await db.close();
      },
    };
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}
