/**
 * IPC schemas for the sign-in screen's choices and single sign-on (docs/desktop.md "Single sign-on"). The
 * renderer learns which methods to offer and the SSO button's name, and starts the flow; it never sees the
 * authorization code, the PKCE verifier, the provider's tokens or even the provider's address — main runs
 * the flow (src/node/sso/ssoFlow.ts).
 */
import { z } from 'zod';
import { linkOfferSchema } from './devices';
import { sessionSchema } from './session';

export const signInChoicesSchema = z.object({
  /** Offered on this device: allowed by the organisation's key service AND by the managed policy. */
  password: z.boolean(),
  sso: z.object({ displayName: z.string() }).nullable(),
  deviceLink: z.boolean(),
  /** Closed: the password form offers no "create account". */
  registration: z.enum(['open', 'closed']),
});
export type SignInChoices = z.infer<typeof signInChoicesSchema>;

export const ssoArgsSchema = z.strictObject({ deviceName: z.string().trim().min(1).max(64) });

export const ssoResultSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('signedIn'), session: sessionSchema }),
  /** The account has devices: approve this one from one of them (the link's code and QR, as `startDeviceLink`). */
  z.object({ kind: z.literal('needsLink'), offer: linkOfferSchema }),
]);
export type SsoResult = z.infer<typeof ssoResultSchema>;
