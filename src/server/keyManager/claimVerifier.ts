/**
 * Verifies role claims (docs/broadcast.md §2) for the key manager: the issuer (read before any check)
 * must be one the key manager trusts; the signature must verify under that issuer's JWKS (fetched over
 * HTTP and cached by jose, bounded by a timeout); alg must be EdDSA or ES256 (so `none` and HMAC are
 * refused); the audience must be this key manager; exp must not have passed. Each refusal is a
 * ClaimError with its own code.
 */
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { ClaimError } from '../../common/broadcast/errors';
import { bytesOf } from '../../common/protocol/wire';
import { ClaimPayloadSchema, type VerifiedClaim } from '../claims/claimPayload';

export interface TrustedIssuer {
  /** The `iss` value. */
  readonly issuer: string;
  readonly jwksUrl: string;
}

const ALGORITHMS = ['EdDSA', 'ES256'];

export class ClaimVerifier {
  private readonly keySets = new Map<string, JWTVerifyGetKey>();

  constructor(
    private readonly audience: string,
    trusted: readonly TrustedIssuer[],
    timeoutMs = 3_000,
  ) {
    for (const t of trusted) {
      this.keySets.set(t.issuer, createRemoteJWKSet(new URL(t.jwksUrl), { timeoutDuration: timeoutMs, cooldownDuration: 5_000, cacheMaxAge: 600_000 }));
    }
  }

  get trustedIssuers(): string[] {
    return [...this.keySets.keys()];
  }

  async verify(token: string): Promise<VerifiedClaim> {
    let issuer: unknown;
    let alg: unknown;
    try {
      issuer = decodeJwt(token).iss;
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw new ClaimError('claim_malformed', 'role claim is not a decodable JWT');
    }
    if (typeof alg !== 'string' || !ALGORITHMS.includes(alg))
      throw new ClaimError('claim_unsupported_alg', `role claim algorithm ${String(alg)} is not accepted (EdDSA or ES256)`);
    const keySet = typeof issuer === 'string' ? this.keySets.get(issuer) : undefined;
    if (!keySet) throw new ClaimError('claim_wrong_issuer', `role claim issuer ${JSON.stringify(issuer)} is not trusted by this key manager`);
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, keySet, {
        issuer: issuer as string,
        audience: this.audience,
        algorithms: ALGORITHMS,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (err) {
      throw mapJoseError(err);
    }
    const parsed = ClaimPayloadSchema.safeParse(payload);
    if (!parsed.success) throw new ClaimError('claim_malformed', `role claim payload: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return {
      issuer: parsed.data.iss,
      userId: parsed.data.sub,
      roles: parsed.data.roles,
      accountKey: bytesOf(parsed.data.ak),
      expiresAt: parsed.data.exp,
      deviceId: parsed.data.did,
      sso: parsed.data.sso === undefined ? undefined : { issuer: parsed.data.sso.iss, subject: parsed.data.sso.sub },
    };
  }
}

function mapJoseError(err: unknown): ClaimError {
  if (err instanceof errors.JWTExpired) return new ClaimError('claim_expired', 'role claim has expired');
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return new ClaimError('claim_wrong_audience', 'role claim is for another audience');
    if (err.claim === 'iss') return new ClaimError('claim_wrong_issuer', 'role claim issuer is not trusted');
    return new ClaimError('claim_malformed', `role claim: ${err.message}`);
  }
  if (err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JWKSNoMatchingKey)
    return new ClaimError('claim_forged', 'role claim signature does not verify under the issuer keys');
  if (err instanceof errors.JOSEAlgNotAllowed) return new ClaimError('claim_unsupported_alg', 'role claim algorithm is not accepted');
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || (err instanceof Error && /fetch|ECONNREFUSED|network/i.test(err.message))) {
    return new ClaimError('issuer_unreachable', 'the claim issuer key set could not be fetched');
  }
  if (err instanceof errors.JOSEError) return new ClaimError('claim_malformed', `role claim: ${err.message}`);
  return new ClaimError('issuer_unreachable', 'the claim issuer key set could not be fetched');
}
