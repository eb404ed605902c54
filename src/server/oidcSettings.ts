/**
 * The organisation's sign-in settings on the key service (docs/deployment.md §6 "Single sign-on", docs/operations.md
 * "Sign-in settings"): which methods are allowed (password, oidc), whether registration is open, which
 * email domains an SSO identity must have, and the OpenID provider. Checked once at start-up: a setting
 * that cannot work (oidc without a provider, an `http://` issuer off this machine, `none` or an HMAC
 * algorithm) stops the service with the reason instead of failing at the first sign-in.
 */
import { AppError } from '../common/errors';
import { SIGN_IN_METHODS_SERVER, type ServerSignInMethod, type SignInOptions } from '../common/api/oidcSchemas';

/** Asymmetric signature algorithms an ID token may use; never `none` and never HS* (a public client has no secret). */
export const OIDC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;
export const DEFAULT_OIDC_ALGORITHMS: readonly string[] = ['RS256', 'ES256', 'EdDSA', 'Ed25519'];

export interface OidcProviderSettings {
  /** The issuer URL exactly as the provider's `iss` claim spells it. */
  readonly issuer: string;
  /** The desktop's public client id at the provider: ID tokens must name it as their audience. */
  readonly clientId: string;
  /** Shown on the sign-in button ("Sign in with …"); default "SSO". */
  readonly displayName?: string;
  /** Accepted signature algorithms; default RS256, ES256, EdDSA. */
  readonly algorithms?: readonly string[];
  /** Clock skew allowed on exp/iat/nbf; default 60 s. */
  readonly clockSkewSeconds?: number;
  /** How old (by `iat`) an ID token may be when presented; default 600 s. */
  readonly maxTokenAgeSeconds?: number;
}

export interface OrganisationOptions {
  /** Default: `password`, plus `oidc` when a provider is configured. */
  readonly signInMethods?: readonly ServerSignInMethod[];
  /** Default open. */
  readonly registration?: 'open' | 'closed';
  /** Lower-case domains; an SSO identity must carry a verified email in one of them. Default: any. */
  readonly allowedEmailDomains?: readonly string[];
  readonly oidc?: OidcProviderSettings;
}

export interface OrganisationSettings {
  readonly signInMethods: readonly ServerSignInMethod[];
  readonly registration: 'open' | 'closed';
  readonly allowedEmailDomains: readonly string[];
  readonly oidc: (Required<Omit<OidcProviderSettings, 'displayName'>> & { readonly displayName: string }) | null;
}

export class OrganisationSettingsError extends AppError {
  constructor(message: string) {
    super('organisation_settings_invalid', message, 'validation');
  }
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function checkIssuer(issuer: string): string {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new OrganisationSettingsError(`the OIDC issuer "${issuer}" is not a URL`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname)))
    throw new OrganisationSettingsError(`the OIDC issuer must be https:// (http:// only on this machine), got ${issuer}`);
  if (url.search || url.hash || url.username) throw new OrganisationSettingsError('the OIDC issuer must have no query, fragment or user name');
  return issuer;
}

/** The settings in force, or a typed error naming what is wrong. */
export function resolveOrganisation(opts: OrganisationOptions = {}): OrganisationSettings {
  const oidc = opts.oidc
    ? {
        issuer: checkIssuer(opts.oidc.issuer),
        clientId: opts.oidc.clientId,
        displayName: opts.oidc.displayName ?? 'SSO',
        algorithms: opts.oidc.algorithms ?? DEFAULT_OIDC_ALGORITHMS,
        clockSkewSeconds: opts.oidc.clockSkewSeconds ?? 60,
        maxTokenAgeSeconds: opts.oidc.maxTokenAgeSeconds ?? 600,
      }
    : null;
  if (oidc) {
    if (!oidc.clientId) throw new OrganisationSettingsError('the OIDC client id is empty');
    for (const alg of oidc.algorithms)
      if (!(OIDC_ALGORITHMS as readonly string[]).includes(alg))
        throw new OrganisationSettingsError(`ID-token algorithm "${alg}" is not allowed (only ${OIDC_ALGORITHMS.join(', ')}; never none or HS*)`);
    if (oidc.algorithms.length === 0) throw new OrganisationSettingsError('no ID-token algorithm is allowed');
  }
  const signInMethods = opts.signInMethods ?? (oidc ? ['password', 'oidc'] : ['password']);
  if (signInMethods.length === 0) throw new OrganisationSettingsError('no sign-in method is allowed: nobody could sign in');
  for (const m of signInMethods)
    if (!(SIGN_IN_METHODS_SERVER as readonly string[]).includes(m))
      throw new OrganisationSettingsError(`unknown sign-in method "${String(m)}" (use ${SIGN_IN_METHODS_SERVER.join(', ')})`);
  if (signInMethods.includes('oidc') && !oidc) throw new OrganisationSettingsError('sign-in method oidc needs an OIDC issuer and client id');
  const allowedEmailDomains = (opts.allowedEmailDomains ?? []).map((d) => d.trim().toLowerCase().replace(/^@/, '')).filter((d) => d.length > 0);
  return { signInMethods: [...new Set(signInMethods)], registration: opts.registration ?? 'open', allowedEmailDomains, oidc };
}

/** What the desktop reads before sign-in (public): methods, registration, the provider's issuer and client id only. */
export function signInOptionsView(s: OrganisationSettings): SignInOptions {
  return {
    methods: [...s.signInMethods],
    registration: s.registration,
    oidc: s.oidc && s.signInMethods.includes('oidc') ? { issuer: s.oidc.issuer, clientId: s.oidc.clientId, displayName: s.oidc.displayName } : null,
  };
}

const list = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);

/**
 * The settings from the command line or the environment (docs/operations.md "Sign-in settings"):
 * SIGN_IN_METHODS (comma-separated), REGISTRATION (open|closed), ALLOWED_EMAIL_DOMAINS (comma-separated),
 * OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_DISPLAY_NAME, OIDC_ALGORITHMS (comma-separated).
 */
export function organisationFromEnv(flags: Readonly<Record<string, unknown>>, env: NodeJS.ProcessEnv): OrganisationOptions {
  const pick = (flag: string, name: string): string | undefined => (typeof flags[flag] === 'string' ? flags[flag] : env[name]);
  const methods = pick('sign-in-methods', 'SIGN_IN_METHODS');
  const registration = pick('registration', 'REGISTRATION');
  if (registration !== undefined && registration !== 'open' && registration !== 'closed')
    throw new OrganisationSettingsError(`registration must be open or closed, got ${registration}`);
  const issuer = pick('oidc-issuer', 'OIDC_ISSUER');
  const clientId = pick('oidc-client-id', 'OIDC_CLIENT_ID');
  if ((issuer === undefined) !== (clientId === undefined)) throw new OrganisationSettingsError('the OIDC issuer and client id go together');
  const algorithms = pick('oidc-algorithms', 'OIDC_ALGORITHMS');
  const displayName = pick('oidc-display-name', 'OIDC_DISPLAY_NAME');
  const domains = pick('allowed-email-domains', 'ALLOWED_EMAIL_DOMAINS');
  return {
    ...(methods !== undefined ? { signInMethods: list(methods) as ServerSignInMethod[] } : {}),
    ...(registration !== undefined ? { registration } : {}),
    ...(domains !== undefined ? { allowedEmailDomains: list(domains) } : {}),
    ...(issuer !== undefined && clientId !== undefined
      ? {
          oidc: {
            issuer,
            clientId,
            ...(displayName !== undefined ? { displayName } : {}),
            ...(algorithms !== undefined ? { algorithms: list(algorithms) } : {}),
          },
        }
      : {}),
  };
}
