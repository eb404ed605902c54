/**
 * The role-claim issuer (docs/broadcast.md §2): signs short-lived JWTs (EdDSA) stating a user's roles
 * for one audience (a key manager), and publishes its public key as a JWKS. The identity side (the key
 * service, or an organisation's IdP bridge) decides which roles a user holds; this module only signs.
 */
import { randomBytes } from 'node:crypto';
import { SignJWT, type JSONWebKeySet } from 'jose';
import { toBase64Url } from '../../common/encoding/base64url';
import { AppError } from '../../common/errors';
import { ROLE_PATTERN } from './claimPayload';
import { loadOrCreateSigningKey, type SigningKey } from './signingKey';

export class ClaimRequestError extends AppError {
  constructor(message: string) {
    super('claim_request_invalid', message, 'validation');
  }
}

export interface IssueClaimInput {
  readonly userId: string;
  /** The key manager's audience (its base URL). */
  readonly audience: string;
  readonly roles: readonly string[];
  /** The user's account identity public key (raw 32 bytes). */
  readonly accountKey: Uint8Array;
  /** Binds the claim to one device (the key manager then serves only that device). */
  readonly deviceId?: string;
  /** The subject's verified single sign-on identity (issuer and subject of their ID token), when they have one. */
  readonly sso?: { readonly issuer: string; readonly subject: string };
  /** Default 300 s. */
  readonly ttlSeconds?: number;
}

export class ClaimIssuer {
  private constructor(
    readonly issuer: string,
    private readonly key: SigningKey,
    private readonly now: () => number,
  ) {}

  /** An issuer named `issuer` (its URL) with the key kept in `dataDir`. */
  static async open(opts: { issuer: string; dataDir: string; now?: () => number }): Promise<ClaimIssuer> {
    return new ClaimIssuer(opts.issuer, await loadOrCreateSigningKey(opts.dataDir), opts.now ?? Date.now);
  }

  /** The JWKS document (public keys only). */
  jwks(): JSONWebKeySet {
    return { keys: [this.key.publicJwk] };
  }

  /** Signs a claim. */
  async issue(input: IssueClaimInput): Promise<string> {
    if (input.accountKey.length !== 32) throw new ClaimRequestError('account key must be 32 bytes');
    const bad = input.roles.find((r) => !ROLE_PATTERN.test(r));
    if (bad !== undefined) throw new ClaimRequestError(`role ${JSON.stringify(bad.slice(0, 50))} is not a valid role name`);
    const ttl = input.ttlSeconds ?? 300;
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > 86_400) throw new ClaimRequestError('ttlSeconds must be 1-86400');
    const iat = Math.floor(this.now() / 1000);
    return new SignJWT({
      roles: [...input.roles],
      ak: toBase64Url(input.accountKey),
      ...(input.deviceId === undefined ? {} : { did: input.deviceId }),
      ...(input.sso === undefined ? {} : { sso: { iss: input.sso.issuer, sub: input.sso.subject } }),
    })
      .setProtectedHeader({ alg: 'EdDSA', kid: this.key.kid, typ: 'JWT' })
      .setIssuer(this.issuer)
      .setAudience(input.audience)
      .setSubject(input.userId)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttl)
      .setJti(randomBytes(12).toString('base64url'))
      .sign(this.key.privateKey);
  }
}
