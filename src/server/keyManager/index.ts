/**
 * The broadcast key manager's public API (docs/broadcast.md §4–§6). `createKeyManager` builds an
 * instance over its own data directory (SQLite file + master key) for mounting in another HTTP server
 * (the key service mounts the default instance under `/km`); `startKeyManager` runs one alone on its own
 * port (a custom key manager). Instances share nothing: storage, master key and trusted issuers are
 * per instance.
 */
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { keyManagerRoutes as keyManagerTable } from '../../common/api/keyManager';
import { KeyManagerUrlSchema } from '../../common/broadcast/descriptor';
import { chooseCryptoProvider } from '../../node/crypto/providers';
import { listen } from '../../node/net/listen';
import { Unauthorized } from '../http/httpErrors';
import { RateLimiter } from '../http/rateLimit';
import type { Route } from '../http/route';
import { Router } from '../http/router';
import { checkRouteCoverage } from '../http/routeCoverage';
import { createListener } from '../http/server';
import { ClaimVerifier, type TrustedIssuer } from './claimVerifier';
import { KeyManagerConfigError } from './errors';
import { KeyManager, type KeyManagerDeps } from './keyManager';
import { MasterKey } from './masterKey';
import { loadSealedMasterKey } from './sealedMasterKey';
import { LOCAL_KMS_FILE, LocalKms, type Kms } from '../kms';
import { keyManagerRoutes, type KeyManagerParts } from './routes';
import { KeyManagerStore } from './store';

export type { TrustedIssuer } from './claimVerifier';

export interface KeyManagerConfig {
  /** Holds keymanager.sqlite and master.key. */
  readonly dataDir: string;
  /** The base URL descriptors name (and the claim audience), e.g. `https://km.example.com` or `http://127.0.0.1:8787/km`. */
  readonly url: string;
  /** Issuers whose role claims this instance accepts. */
  readonly trustedIssuers: readonly TrustedIssuer[];
  /** Path prefix of the routes when mounted (e.g. `/km`); '' when standalone. */
  readonly basePath?: string;
  /** Timeout of a JWKS fetch; default 3 s. */
  readonly jwksTimeoutMs?: number;
  /** The identity side's check of a claim's subject (keyManager.ts `KeyManagerDeps.gate`); the key service sets it. */
  readonly gate?: KeyManagerDeps['gate'];
  /** The master key, unsealed by the KMS at start (sealedMasterKey.ts); without it a clear `master.key` file. */
  readonly masterKey?: Uint8Array;
  /** Wrap channel keys only to devices with an X-Wing key (`KeyManagerDeps.requirePostQuantum`); default off. */
  readonly requirePostQuantum?: boolean;
}

export interface MountedKeyManager {
  readonly url: string;
  readonly routes: Route[];
  close(): void;
}

/** Opens an instance: the key manager and its claim verifier, and a function that closes its database. */
export function openKeyManager(config: Omit<KeyManagerConfig, 'basePath'>): KeyManagerParts & { close(): void } {
  if (!KeyManagerUrlSchema.safeParse(config.url).success)
    throw new KeyManagerConfigError(`key manager url ${JSON.stringify(config.url)} is not a valid base URL`);
  if (config.trustedIssuers.length === 0) throw new KeyManagerConfigError('a key manager needs at least one trusted claim issuer');
  mkdirSync(config.dataDir, { recursive: true });
  const masterKey = config.masterKey ? MasterKey.fromBytes(config.masterKey) : MasterKey.loadOrCreate(config.dataDir);
  const store = new KeyManagerStore(config.dataDir);
  const claims = new ClaimVerifier(config.url, config.trustedIssuers, config.jwksTimeoutMs);
  const km = new KeyManager({
    url: config.url,
    store,
    masterKey,
    claims,
    crypto: chooseCryptoProvider().provider,
    now: Date.now,
    ...(config.gate === undefined ? {} : { gate: config.gate }),
    ...(config.requirePostQuantum === true ? { requirePostQuantum: true } : {}),
  });
  return { km, claims, close: () => store.close() };
}

/** An instance to mount: its routes and a close function (closes its database). */
export function createKeyManager(config: KeyManagerConfig): MountedKeyManager {
  const parts = openKeyManager(config);
  return { url: config.url, routes: keyManagerRoutes(() => parts, config.basePath ?? ''), close: parts.close };
}

export interface StartKeyManagerOptions extends Omit<KeyManagerConfig, 'url' | 'basePath' | 'masterKey'> {
  /** Seals the master key (`master.key.kms`); default the local KMS in `<dataDir>/kms-master.key` (src/server/kms). */
  readonly kms?: Kms;
  readonly port?: number;
  readonly host?: string;
  /** The public URL when it differs from `http://<host>:<port>` (behind a proxy). */
  readonly publicUrl?: string;
  readonly log?: (message: string, err?: unknown) => void;
}

export interface RunningKeyManager {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Runs a key manager alone on its own port. */
export async function startKeyManager(opts: StartKeyManagerOptions): Promise<RunningKeyManager> {
  const log = opts.log ?? ((m: string, e?: unknown) => console.error(`[key manager] ${m}`, e ?? ''));
  const server = createServer();
  server.keepAliveTimeout = 5_000;
  const address = await listen(server, { port: opts.port, host: opts.host });
  const url = opts.publicUrl ?? address.url;
  const stopServer = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  let mounted: MountedKeyManager | undefined;
  try {
    const masterKey = await loadSealedMasterKey(opts.dataDir, opts.kms ?? LocalKms.open(path.join(opts.dataDir, LOCAL_KMS_FILE)));
    mounted = createKeyManager({ ...opts, url, masterKey });
    checkRouteCoverage([{ table: keyManagerTable, basePath: '' }], mounted.routes);
  } catch (err) {
    mounted?.close();
    await stopServer();
    throw err;
  }
  const running = mounted;
  server.on(
    'request',
    createListener({
      router: new Router(running.routes),
      bodyLimit: 256 * 1024,
      ipLimiter: new RateLimiter({ limit: 600, windowMs: 60_000 }),
      authenticate: () => Promise.reject(new Unauthorized('this key manager takes role claims in the request body, not bearer tokens')),
      onBug: (err) => log('unexpected error (answered 500)', err),
      validateResponses: false,
    }),
  );
  return {
    url,
    port: address.port,
    close: async () => {
      await stopServer();
      running.close();
    },
  };
}
