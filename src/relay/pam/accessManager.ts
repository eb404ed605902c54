/**
 * Access Manager enforcement (docs/pubnub-wire.md §5; docs/relay.md, "Access Manager"): with a secret key,
 * PAM calls need a valid v2 signature, a validly signed request (the key service) may do anything, and
 * every other request except `/time` needs an `auth` token that is genuine, unexpired, unrevoked, bound to
 * the caller's uuid when it names one, and grants the permission each resource needs. Without a secret key
 * everything is open and PAM calls are refused.
 */
import { AccessDeniedError, BadRequestError } from '../errors';
import type { RevocationStore } from '../store/revocations';
import { allows, bitsFor, type Permission } from './permissions';
import { isValidSignature, type SignedRequest } from './signature';
import { verifyToken, type VerifiedToken } from './token';

export type Access =
  | { readonly kind: 'open' }
  | { readonly kind: 'signed' }
  | {
      readonly kind: 'token';
      readonly channels: readonly (readonly [string, Permission])[];
      readonly groups: readonly (readonly [string, Permission])[];
    };

export const OPEN: Access = { kind: 'open' };
export const SIGNED: Access = { kind: 'signed' };

/**
 * What the caller may read or manage, for answers that list resources (global here-now, where-now, the list
 * of channel groups): they name only what this allows. Open relays and signed (server) requests allow
 * everything.
 */
export interface Grants {
  channel(name: string, permission: Permission): boolean;
  group(name: string, permission: Permission): boolean;
  /** The token's id when the request carried one (per-token limits); undefined for open or signed requests. */
  readonly tokenId: string | undefined;
  /** A validly signed request: the server itself (the key service), outside per-token limits. */
  readonly server: boolean;
}

/** A relay without Access Manager, or an endpoint that needs nothing. */
export const EVERYTHING: Grants = { channel: () => true, group: () => true, tokenId: undefined, server: false };
const SERVER: Grants = { ...EVERYTHING, server: true };

function grantsOf(verified: VerifiedToken): Grants {
  const { claims } = verified;
  return {
    channel: (name, permission) => allows(bitsFor(name, claims.res.chan, claims.pat.chan), permission),
    group: (name, permission) => allows(bitsFor(name, claims.res.grp, claims.pat.grp), permission),
    tokenId: verified.id,
    server: false,
  };
}

export function needs(channels: readonly (readonly [string, Permission])[], groups: readonly (readonly [string, Permission])[] = []): Access {
  return { kind: 'token', channels, groups };
}

export class AccessManager {
  constructor(
    private readonly secretKey: string | undefined,
    private readonly publishKey: string | undefined,
    private readonly revocations: RevocationStore,
  ) {}

  get enabled(): boolean {
    return this.secretKey !== undefined;
  }

  /** Verifies a token this relay minted; throws a 403 when it is not genuine, expired or revoked. */
  validToken(token: string, nowSeconds: number): VerifiedToken {
    if (this.secretKey === undefined) {
      throw new BadRequestError('access_manager_disabled', 'Access Manager is disabled: the relay has no secret key', 'Access Manager');
    }
    const verified = verifyToken(this.secretKey, token);
    if (this.revocations.isRevoked(verified.id)) throw new AccessDeniedError('token_revoked', 'Token is revoked');
    if (nowSeconds >= verified.expiresAt) throw new AccessDeniedError('token_expired', 'Token is expired');
    return verified;
  }

  /**
   * Throws unless the request may proceed, else answers what the caller may read (for listing answers).
   * `body` is read only for signed POST/PATCH requests.
   */
  async authorize(access: Access, req: Omit<SignedRequest, 'body'>, body: () => Promise<string>): Promise<Grants> {
    if (this.secretKey === undefined || this.publishKey === undefined) {
      if (access.kind === 'signed') {
        throw new BadRequestError('access_manager_disabled', 'Access Manager is disabled: the relay has no secret key', 'Access Manager');
      }
      return EVERYTHING;
    }
    if (access.kind === 'open') return EVERYTHING;
    const now = Math.floor(Date.now() / 1000);
    if (req.query.has('signature')) {
      const text = req.method === 'POST' || req.method === 'PATCH' ? await body() : '';
      if (isValidSignature(this.secretKey, this.publishKey, { ...req, body: text }, now)) return SERVER;
      throw new AccessDeniedError('invalid_signature', 'Signature Does Not Match');
    }
    if (access.kind === 'signed') throw new AccessDeniedError('forbidden', 'Forbidden: a signed request is required');
    const everything = {
      channels: access.channels.map(([name]) => name),
      groups: access.groups.map(([name]) => name),
    };
    const auth = req.query.get('auth');
    if (auth === undefined || auth.length === 0) throw new AccessDeniedError('forbidden', 'Forbidden', everything);
    const verified = this.validToken(auth, now);
    const { claims } = verified;
    if (claims.uuid !== undefined && claims.uuid !== req.query.get('uuid')) {
      throw new AccessDeniedError('forbidden', 'Forbidden: the token belongs to another uuid', everything);
    }
    const deniedChannels = access.channels
      .filter(([name, permission]) => !allows(bitsFor(name, claims.res.chan, claims.pat.chan), permission))
      .map(([name]) => name);
    const deniedGroups = access.groups.filter(([name, permission]) => !allows(bitsFor(name, claims.res.grp, claims.pat.grp), permission)).map(([name]) => name);
    if (deniedChannels.length > 0 || deniedGroups.length > 0) {
      throw new AccessDeniedError('forbidden', 'Forbidden', { channels: deniedChannels, groups: deniedGroups });
    }
    return grantsOf(verified);
  }
}
