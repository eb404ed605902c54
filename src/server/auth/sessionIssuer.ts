/**
 * Issues and rotates token pairs (docs/api.md, "Accounts and sessions", `login` and `refresh`): a login
 * opens a session (the family) with its first refresh token; each refresh spends the presented token and
 * issues the next; presenting a spent token ends the session, so a stolen token and its legitimate holder
 * cannot both continue.
 */
import { createHash, randomBytes } from 'node:crypto';
import { missingCase } from '../../common/errors';
import type { Queryable } from '../db/db';
import { Forbidden, Unauthorized } from '../http/httpErrors';
import type { Services } from '../services';
import { insertRefreshToken, insertSession, markRefreshUsed, refreshTokenByHash, revokeSession, touchSession } from '../store/sessions';
import { userById } from '../store/users';

export interface TokenPair {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresIn: number;
  readonly sessionId: string;
  readonly userId: string;
  readonly deviceId: string | null;
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function freshRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

async function pair(svc: Services, tx: Queryable, userId: string, sessionId: string, deviceId: string | null): Promise<TokenPair> {
  const refreshToken = freshRefreshToken();
  await insertRefreshToken(tx, hashRefreshToken(refreshToken), sessionId, svc.now());
  const accessToken = await svc.accessTokens.sign({ userId, sessionId, deviceId });
  return { accessToken, refreshToken, expiresIn: svc.accessTokens.ttlSeconds, sessionId, userId, deviceId };
}

/** A deactivated account (admin/offboarding.ts) opens no session and refreshes none, whatever it proves. */
export class AccountDeactivated extends Forbidden {
  constructor() {
    super('this account has been deactivated by the organisation', 'account_deactivated');
  }
}

/**
 * Opens a session for a user who has just proven their password (`deviceId` null) or a device that proved
 * its key; a deactivated account is refused (checked in the session's own transaction).
 */
export function openSession(svc: Services, userId: string, deviceId: string | null): Promise<TokenPair> {
  return svc.db.transaction(async (tx) => {
    if ((await userById(tx, userId))?.deactivated_at != null) throw new AccountDeactivated();
    const sessionId = svc.newId();
    await insertSession(tx, { id: sessionId, userId, deviceId, expiresAt: svc.now() + svc.refreshTtlMs }, svc.now());
    return pair(svc, tx, userId, sessionId, deviceId);
  });
}

export class RefreshReuse extends Unauthorized {
  constructor() {
    super('refresh token was already used; the session has been revoked', 'refresh_token_reused');
  }
}

/** Spends a refresh token and issues the next pair; a reused token revokes the whole family. */
export async function rotateSession(svc: Services, refreshToken: string): Promise<TokenPair> {
  const hash = hashRefreshToken(refreshToken);
  const outcome = await svc.db.transaction(async (tx) => {
    const now = svc.now();
    const row = await refreshTokenByHash(tx, hash);
    if (!row) return { kind: 'invalid' } as const;
    if (row.revoked_at !== null && row.revoked_reason === 'device_revoked') return { kind: 'deviceRevoked' } as const;
    // Ended by a deactivation: still deactivated is `account_deactivated`; reactivated since, an ended session
    // (the device then proves itself for a new one).
    if (row.revoked_at !== null && row.revoked_reason === 'account_deactivated' && (await userById(tx, row.user_id))?.deactivated_at != null)
      return { kind: 'deactivated' } as const;
    if (row.revoked_at !== null || row.expires_at <= now) return { kind: 'ended' } as const;
    if (!(await markRefreshUsed(tx, hash, now))) {
      await revokeSession(tx, row.id, 'refresh_token_reused', now);
      return { kind: 'reused' } as const;
    }
    await touchSession(tx, row.id, now);
    return { kind: 'ok', pair: await pair(svc, tx, row.user_id, row.id, row.device_id) } as const;
  });
  switch (outcome.kind) {
    case 'ok':
      return outcome.pair;
    case 'reused':
      throw new RefreshReuse();
    case 'deviceRevoked':
      throw new Unauthorized('this device has been revoked', 'device_revoked');
    case 'deactivated':
      throw new AccountDeactivated();
    case 'ended':
      throw new Unauthorized('session ended; log in again', 'session_revoked');
    case 'invalid':
      throw new Unauthorized('unknown refresh token', 'invalid_refresh_token');
    default:
      return missingCase(outcome);
  }
}
