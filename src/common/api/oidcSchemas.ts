/**
 * Wire schemas of the organisation's sign-in settings and OIDC single sign-on (docs/api.md "Sign-in
 * methods and single sign-on"): what the desktop reads before sign-in, and the ID token it presents.
 */
import { z } from 'zod';

export const SIGN_IN_METHODS_SERVER = ['password', 'oidc'] as const;
export type ServerSignInMethod = (typeof SIGN_IN_METHODS_SERVER)[number];

export const SignInOptionsSchema = z
  .object({
    methods: z.array(z.enum(SIGN_IN_METHODS_SERVER)).describe('the sign-in methods this organisation allows'),
    registration: z.enum(['open', 'closed']).describe('closed: no new accounts (an existing SSO identity still signs in)'),
    oidc: z
      .object({
        issuer: z.string().describe('the OpenID provider (issuer URL) the desktop signs in with'),
        clientId: z.string().describe('the public client id registered for the desktop at that provider'),
        displayName: z.string().describe('shown on the button: "Sign in with <displayName>"'),
      })
      .nullable(),
  })
  .meta({ id: 'SignInOptions' });
export type SignInOptions = z.infer<typeof SignInOptionsSchema>;

export const OidcSignInBody = z.strictObject({
  idToken: z.string().min(10).max(16_384).describe('the ID token the desktop received from the provider (authorization code + PKCE)'),
  nonce: z.string().min(16).max(256).describe('the nonce the desktop put in the authorization request'),
});
