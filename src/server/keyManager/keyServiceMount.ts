/**
 * The broadcast parts the key service mounts (docs/broadcast.md §4.1): the default key manager under
 * `<key service>/km` (its own SQLite file and master key in `<dataDir>/keymanager/`, never the key
 * service database), the key service's claim issuer (`/.well-known/jwks.json`, key in
 * `<dataDir>/claims/`), which the default key manager trusts, the claim and grant endpoints, the
 * channel directory and PubNub tokens for broadcast channels. The default key manager's gate settles the
 * broadcast withdrawals of deactivated accounts and refuses them (admin/broadcastOffboarding.ts).
 * Everything starts on first use, because the service's URL (claim issuer name and key manager
 * audience) is known only once it listens; the parts close with the HTTP server.
 */
import type { Server } from 'node:http';
import path from 'node:path';
import { listeningAddress } from '../../node/net/listen';
import { broadcastOffboarding } from '../admin/broadcastOffboarding';
import { broadcastAccessRoutes } from '../claims/broadcastAccess';
import { ClaimIssuer } from '../claims/claimIssuer';
import { claimRoutes } from '../claims/claimRoutes';
import { directoryRoutes } from '../claims/directoryRoutes';
import { identityRoutes } from '../claims/identityRoutes';
import { RoleGrants } from '../claims/roleGrants';
import type { Route } from '../http/route';
import type { Services } from '../services';
import { openKeyManager } from './index';
import { keyManagerRoutes, type KeyManagerParts } from './routes';

export const DEFAULT_KEY_MANAGER_PATH = '/km';

export interface BroadcastMountOptions {
  readonly dataDir: string;
  readonly host?: string;
  /** The key manager's master key, unsealed by the key service's KMS at start (sealedMasterKey.ts). */
  readonly masterKey?: Uint8Array;
  /** Serve channel keys to X-Wing devices only (`KeyManagerDeps.requirePostQuantum`; `SEED_BROADCAST_REQUIRE_PQ=1` on the key service). */
  readonly requirePostQuantum?: boolean;
}

/** The mounted key manager's folder under the key service's data directory. */
export const KEY_MANAGER_DIR = 'keymanager';

/** Routes to add to the key service's route table; `server` is read on first request. */
export function broadcastRoutes(svc: Services, opts: BroadcastMountOptions, server: () => Server): Route[] {
  const baseUrl = () => listeningAddress(server(), opts.host).url;
  const claimsDir = path.join(opts.dataDir, 'claims');
  let issuer: Promise<ClaimIssuer> | null = null;
  let grants: RoleGrants | null = null;
  let km: (KeyManagerParts & { close(): void }) | null = null;
  let closing = false;
  const onClose = () => {
    if (closing) return;
    closing = true;
    server().once('close', () => {
      grants?.close();
      km?.close();
    });
  };
  const getIssuer = () => {
    onClose();
    issuer ??= ClaimIssuer.open({ issuer: baseUrl(), dataDir: claimsDir });
    return issuer;
  };
  const getGrants = () => {
    onClose();
    grants ??= new RoleGrants(claimsDir);
    return grants;
  };
  const offboarding = broadcastOffboarding({ db: svc.db, grants: () => getGrants(), km: () => getKm().km, now: svc.now });
  const getKm = () => {
    onClose();
    km ??= openKeyManager({
      dataDir: path.join(opts.dataDir, KEY_MANAGER_DIR),
      ...(opts.masterKey ? { masterKey: opts.masterKey } : {}),
      url: `${baseUrl()}${DEFAULT_KEY_MANAGER_PATH}`,
      trustedIssuers: [{ issuer: baseUrl(), jwksUrl: `${baseUrl()}/.well-known/jwks.json` }],
      gate: offboarding.gate,
      ...(opts.requirePostQuantum === true ? { requirePostQuantum: true } : {}),
    });
    return km;
  };
  return [
    ...claimRoutes(getIssuer),
    ...identityRoutes(svc, getIssuer, getGrants),
    ...directoryRoutes(svc, getGrants, () => getKm().km),
    ...broadcastAccessRoutes(svc, getGrants),
    ...keyManagerRoutes(getKm, DEFAULT_KEY_MANAGER_PATH),
  ];
}
