/**
 * Verifies the ID tokens the desktop presents (docs/api.md "Sign-in methods and single sign-on";
 * docs/threat-model.md "Single sign-on"). The library is `jose`: the key service never runs an
 * authorization-code exchange (the desktop does, as a public client with PKCE), it only checks a signed
 * token against the issuer's published keys, which is exactly jose's `jwtVerify` with a remote JWKS
 * (cached, refetched on an unknown `kid`); openid-client's validation is tied to its own code exchange.
 *
 * Checked, each with its own typed refusal: the issuer (before anything else, from the unverified
 * payload, then again when verified), the header's algorithm against the allowed asymmetric list (`none`
 * and HS* never), the signature with the issuer's JWKS (found through its discovery document, whose
 * `issuer` must match), the audience (= the configured client id; `azp` when there are several), exp, nbf
 * and iat with a small skew and a maximum age, and the nonce the desktop put in its request.
 */
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import { HttpError, Unauthorized } from './http/httpErrors';
import type { OrganisationSettings } from './oidcSettings';

type Provider = NonNullable<OrganisationSettings['oidc']>;

/** What a verified ID token says about the person. */
export interface VerifiedIdentity {
  readonly issuer: string;
  readonly subject: string;
  readonly nonce: string;
  /** Seconds since the epoch. */
  readonly expiresAt: number;
  readonly email: string | null;
  readonly emailVerified: boolean;
  readonly preferredUsername: string | null;
  readonly name: string | null;
}

export class OidcProviderUnreachable extends HttpError {
  constructor(detail: string) {
    super(503, 'oidc_provider_unreachable', `the company sign-in provider cannot be reached right now (${detail}); try again shortly`);
  }
}

const refuse = (code: ConstructorParameters<typeof Unauthorized>[1], message: string) => new Unauthorized(message, code);

export class OidcVerifier {
  private jwks: Promise<ReturnType<typeof createRemoteJWKSet>> | null = null;

  constructor(
    private readonly provider: Provider,
    private readonly now: () => number,
  ) {}

  /** The issuer's JWKS through its discovery document; a failed discovery is retried on the next sign-in. */
  private keys(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    this.jwks ??= (async () => {
      const url = `${this.provider.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
      let doc: { issuer?: unknown; jwks_uri?: unknown };
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(10_000), redirect: 'error' });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        doc = (await res.json()) as typeof doc;
      } catch (err) {
        throw new OidcProviderUnreachable(`discovery: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (doc.issuer !== this.provider.issuer) throw new OidcProviderUnreachable(`its discovery document names issuer ${String(doc.issuer)}`);
      if (typeof doc.jwks_uri !== 'string') throw new OidcProviderUnreachable('its discovery document has no jwks_uri');
      return createRemoteJWKSet(new URL(doc.jwks_uri), { timeoutDuration: 10_000 });
    })();
    this.jwks.catch(() => (this.jwks = null));
    return this.jwks;
  }

  async verify(idToken: string, nonce: string): Promise<VerifiedIdentity> {
    let header;
    let unverified: JWTPayload;
    try {
      header = decodeProtectedHeader(idToken);
      unverified = decodeJwt(idToken);
    } catch {
      throw refuse('oidc_token_invalid', 'that is not an ID token');
    }
    if (unverified.iss !== this.provider.issuer)
      throw refuse('oidc_wrong_issuer', `this ID token was issued by ${String(unverified.iss).slice(0, 200)}, not by this organisation's provider`);
    if (typeof header.alg !== 'string' || !this.provider.algorithms.includes(header.alg))
      throw refuse(
        'oidc_alg_not_allowed',
        `ID tokens signed with ${String(header.alg).slice(0, 20)} are not accepted (only ${this.provider.algorithms.join(', ')})`,
      );
    const keys = await this.keys();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(idToken, keys, {
        issuer: this.provider.issuer,
        audience: this.provider.clientId,
        algorithms: [...this.provider.algorithms],
        clockTolerance: this.provider.clockSkewSeconds,
        maxTokenAge: this.provider.maxTokenAgeSeconds,
        currentDate: new Date(this.now()),
        requiredClaims: ['sub', 'exp', 'iat', 'nonce'],
      }));
    } catch (err) {
      throw this.mapError(err);
    }
    if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== this.provider.clientId)
      throw refuse('oidc_wrong_audience', 'this ID token was issued for another application');
    if (payload.nonce !== nonce) throw refuse('oidc_nonce_mismatch', 'this ID token was not issued for this sign-in (its nonce differs)');
    const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : null);
    return {
      issuer: this.provider.issuer,
      subject: payload.sub!,
      nonce,
      expiresAt: payload.exp!,
      email: str(payload.email)?.toLowerCase() ?? null,
      emailVerified: payload.email_verified === true,
      preferredUsername: str(payload.preferred_username),
      name: str(payload.name),
    };
  }

  private mapError(err: unknown): Error {
    if (err instanceof HttpError) return err;
    if (err instanceof errors.JWTExpired) return refuse('oidc_token_expired', 'this ID token has expired; sign in again');
    if (err instanceof errors.JWTClaimValidationFailed) {
      if (err.claim === 'iss') return refuse('oidc_wrong_issuer', "this ID token was not issued by this organisation's provider");
      if (err.claim === 'aud') return refuse('oidc_wrong_audience', 'this ID token was issued for another application');
      return refuse('oidc_token_invalid', `this ID token was refused: ${err.message}`);
    }
    if (err instanceof errors.JOSEAlgNotAllowed) return refuse('oidc_alg_not_allowed', 'this ID token is signed with an algorithm that is not accepted');
    if (err instanceof errors.JWKSTimeout) return new OidcProviderUnreachable('its keys did not arrive in time');
    if (err instanceof errors.JOSEError) return refuse('oidc_token_invalid', `this ID token does not verify with the provider's keys (${err.code})`);
    if (err instanceof TypeError) return new OidcProviderUnreachable(err.message);
    return err instanceof Error ? err : new Error(String(err));
  }
}
