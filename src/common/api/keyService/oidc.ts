/** Routes of the organisation's sign-in settings and OIDC single sign-on (docs/api.md "Sign-in methods and single sign-on"). */
import { TokenPairSchema } from '../accountSchemas';
import { OidcSignInBody, SignInOptionsSchema } from '../oidcSchemas';
import { defineRoutes } from '../route';

export const oidcRoutes = defineRoutes({
  getSignInOptions: {
    method: 'GET',
    path: '/v1/auth/methods',
    tag: 'accounts',
    summary: 'The sign-in methods this organisation allows, and its OpenID provider (issuer and public client id only)',
    auth: 'public',
    response: SignInOptionsSchema,
    errors: {},
  },
  oidcSignIn: {
    method: 'POST',
    path: '/v1/auth/oidc',
    tag: 'accounts',
    summary: "Sign in with an ID token of the organisation's OpenID provider: a password-only session, as a password login gives",
    auth: 'public',
    body: OidcSignInBody,
    response: TokenPairSchema,
    errors: {
      401: [
        'oidc_token_invalid',
        'oidc_token_expired',
        'oidc_wrong_issuer',
        'oidc_wrong_audience',
        'oidc_alg_not_allowed',
        'oidc_nonce_mismatch',
        'oidc_token_replayed',
        'unauthorized',
      ],
      403: ['sign_in_method_not_allowed', 'registration_closed', 'oidc_email_unverified', 'oidc_email_domain_not_allowed', 'account_deactivated'],
      409: ['username_taken', 'conflict'],
      429: ['rate_limited'],
      503: ['oidc_provider_unreachable'],
    },
  },
});
