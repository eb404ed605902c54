/**
 * Short-lived access tokens (docs/api.md, "Conventions": valid 5 minutes): HS256 JWTs signed with the
 * service's secret, carrying `sub` (user), `sid` (refresh-token family) and, once the session is bound
 * to a registered device, `did`. Verification pins the algorithm, issuer and audience and requires
 * `exp`, so `alg: none`, another key or an expired token all fail the same way.
 */
import { SignJWT, jwtVerify } from 'jose';
import { isId } from '../../common/ids';
import { Unauthorized } from '../http/httpErrors';

const ISSUER = 'seed-keyservice';
const AUDIENCE = 'seed-keyservice';

export interface AccessClaims {
  readonly userId: string;
  readonly sessionId: string;
  readonly deviceId: string | null;
}

const VERIFIED_CACHE_SIZE = 10_000;

export class AccessTokens {
  private readonly verified = new Map<string, { claims: AccessClaims; expiresAt: number }>();

  constructor(
    private readonly secret: Uint8Array,
    readonly ttlSeconds: number,
  ) {}

  sign(claims: AccessClaims): Promise<string> {
    const jwt = new SignJWT({ sid: claims.sessionId, ...(claims.deviceId ? { did: claims.deviceId } : {}) })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`);
    return jwt.sign(this.secret);
  }

  /**
   * The claims of a valid token; throws Unauthorized for anything else. A verified token's claims are
   * remembered (bounded) until it expires, so a client's repeated requests skip the HMAC; the cache is
   * keyed by the full token text, so a token that differs in any byte is verified afresh.
   */
  async verify(token: string): Promise<AccessClaims> {
    const hit = this.verified.get(token);
    if (hit && hit.expiresAt > Date.now()) return hit.claims;
    const claims = await this.verifyUncached(token);
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.clear();
    this.verified.set(token, { claims, expiresAt: claims.expiresAt });
    return claims;
  }

  private async verifyUncached(token: string): Promise<AccessClaims & { expiresAt: number }> {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.secret, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, requiredClaims: ['exp', 'sub'] }));
    } catch {
      throw new Unauthorized('invalid or expired access token', 'invalid_token');
    }
    const { sub, sid, did, exp } = payload;
    if (!isId(sub) || !isId(sid) || (did !== undefined && !isId(did))) {
      throw new Unauthorized('invalid access token claims', 'invalid_token');
    }
    return { userId: sub, sessionId: sid, deviceId: did ?? null, expiresAt: (exp ?? 0) * 1000 };
  }
}
