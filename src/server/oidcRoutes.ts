/**
 * Sign-in settings and single sign-on endpoints (docs/api.md "Sign-in methods and single sign-on"). The
 * desktop runs the authorization-code flow with PKCE itself (a public client, RFC 8252) and presents the
 * ID token with the nonce it chose; the key service verifies the token (oidcVerifier.ts), spends it, maps
 * (issuer, subject) to an account — the first sign-in creates it when registration is open — and answers
 * the same password-only session a password login gives: the first device then enrols with proof of its
 * key, and a device of an account that has devices asks for a device link (docs/protocol.md §16).
 */
import { keyServiceRoutes as api } from '../common/api/keyService';
import { UsernameSchema } from '../common/api/accountSchemas';
import { openSession } from './auth/sessionIssuer';
import { UniqueViolation } from './db/dbErrors';
import { Conflict, Forbidden, Unauthorized } from './http/httpErrors';
import { implement, type Route } from './http/route';
import type { Services } from './services';
import type { Queryable } from './db/db';
import { insertUser, userById, userByName } from './store/users';
import { pairView } from './api/tokenPairView';
import { signInOptionsView, type OrganisationSettings } from './oidcSettings';
import { insertSsoIdentity, spendIdToken, ssoIdentity, ssoIdentityOfUser } from './oidcStore';
import { scimUserByUserName } from './store/scimUsers';
import { OidcVerifier, type VerifiedIdentity } from './oidcVerifier';

/** Stored as the password hash of an account made by single sign-on: no password ever verifies against it. */
export const SSO_ONLY_PASSWORD_HASH = '!sso-only';

/** Refuses a sign-in method this organisation does not allow (also used by register and login). */
export function checkServerSignInMethod(org: OrganisationSettings, method: 'password' | 'oidc'): void {
  if (!org.signInMethods.includes(method)) {
    const other = method === 'password' ? 'your company sign-in (SSO)' : 'your username and password';
    throw new Forbidden(
      `This organisation does not allow signing in with ${method === 'password' ? 'a password' : 'single sign-on'}; use ${other}.`,
      'sign_in_method_not_allowed',
    );
  }
}

export function checkRegistrationOpen(org: OrganisationSettings): void {
  if (org.registration === 'closed')
    throw new Forbidden('This organisation does not create new accounts here. Ask your IT administrator to add you.', 'registration_closed');
}

function checkEmailDomain(org: OrganisationSettings, id: VerifiedIdentity): void {
  if (org.allowedEmailDomains.length === 0) return;
  if (id.email === null || !id.emailVerified)
    throw new Forbidden(
      'Your company account has no verified email address, which this organisation requires. Ask your IT administrator.',
      'oidc_email_unverified',
    );
  const domain = id.email.slice(id.email.lastIndexOf('@') + 1);
  if (!org.allowedEmailDomains.includes(domain))
    throw new Forbidden(`Accounts with an email address at ${domain} cannot sign in here. Ask your IT administrator.`, 'oidc_email_domain_not_allowed');
}

/** A free username from the token's claims: preferred_username, else the email's local part, else "user". */
function freeUsername(svc: Services, id: VerifiedIdentity): Promise<string> {
  return freeUsernameFrom(svc.db, id.preferredUsername ?? id.email?.split('@')[0] ?? 'user');
}

/** A free username made from `raw` (an email's local part, a directory name): lower-case, allowed characters, numbered when taken. */
export async function freeUsernameFrom(q: Queryable, rawName: string): Promise<string> {
  const raw = rawName
    .toLowerCase()
    .replace(/@.*$/, '')
    .replace(/[^a-z0-9._-]/g, '')
    .replace(/^[._-]+/, '')
    .slice(0, 28);
  const base = raw.length >= 3 ? raw : `${raw}user`.slice(0, 28);
  for (let n = 1; n < 1000; n++) {
    const candidate = n === 1 ? base : `${base}${n}`;
    const parsed = UsernameSchema.safeParse(candidate);
    if (parsed.success && !(await userByName(q, parsed.data))) return parsed.data;
  }
  throw new Conflict('no free username could be made from your company account; ask your IT administrator', 'username_taken');
}

function displayNameOf(id: VerifiedIdentity, username: string): string {
  const name = (id.name ?? id.preferredUsername ?? username)
    .replace(/[\p{Cc}\p{Cs}]/gu, '')
    .trim()
    .slice(0, 64);
  return name.length > 0 ? name : username;
}

export function oidcRoutes(svc: Services, org: OrganisationSettings): Route[] {
  const verifier = org.oidc ? new OidcVerifier(org.oidc, svc.now) : null;
  return [
    implement(api, 'getSignInOptions', {
      handler: async () => signInOptionsView(org),
    }),
    implement(api, 'oidcSignIn', {
      rateLimited: true,
      handler: async ({ body }) => {
        checkServerSignInMethod(org, 'oidc');
        if (!verifier) throw new Forbidden('This organisation has no company sign-in configured.', 'sign_in_method_not_allowed');
        const id = await verifier.verify(body.idToken, body.nonce);
        let fresh;
        try {
          fresh = await svc.db.transaction((tx) =>
            spendIdToken(tx, { issuer: id.issuer, subject: id.subject, nonce: id.nonce, expiresAtMs: id.expiresAt * 1000 }, svc.now()),
          );
        } catch (err) {
          if (!(err instanceof UniqueViolation)) throw err;
          fresh = false;
        }
        if (!fresh) throw new Unauthorized('this ID token was used already; sign in again', 'oidc_token_replayed');
        checkEmailDomain(org, id);
        const known = await ssoIdentity(svc.db, id.issuer, id.subject);
        let user = known ? await userById(svc.db, known.user_id) : undefined;
        // An account IT provisioned over SCIM for this person (its userName is their email or login) is theirs
        // on the first company sign-in, even with registration closed (scim/scim.ts).
        if (!user) user = await claimProvisionedAccount(svc, id);
        if (!user) {
          checkRegistrationOpen(org);
          const username = await freeUsername(svc, id);
          const userId = svc.newId();
          try {
            await svc.db.transaction(async (tx) => {
              await insertUser(
                tx,
                { id: userId, username, display_name: displayNameOf(id, username), password_hash: SSO_ONLY_PASSWORD_HASH, identity_key: null },
                svc.now(),
              );
              await insertSsoIdentity(tx, { issuer: id.issuer, subject: id.subject, user_id: userId, email: id.email }, svc.now());
            });
          } catch (err) {
            if (err instanceof UniqueViolation) throw new Conflict('this company account was just signed in elsewhere; try again', 'conflict');
            throw err;
          }
          user = await userById(svc.db, userId);
          if (!user) throw new Unauthorized('account no longer exists');
        }
        return pairView(await openSession(svc, user.id, null), user);
      },
    }),
  ];
}

/** Links the first sign-in of (issuer, subject) to the SCIM-provisioned account named by its email or login, if one is unclaimed. */
async function claimProvisionedAccount(svc: Services, id: VerifiedIdentity) {
  // Only a verified email, or the login name the provider itself asserts, may claim an account.
  const names = [id.emailVerified ? id.email : null, id.preferredUsername].filter((n): n is string => typeof n === 'string' && n.length > 0);
  for (const name of names) {
    const provisioned = await scimUserByUserName(svc.db, name);
    if (provisioned === undefined || provisioned.deleted_at !== null) continue;
    try {
      const linked = await svc.db.transaction(async (tx) => {
        if (await ssoIdentityOfUser(tx, provisioned.user_id)) return false;
        await insertSsoIdentity(tx, { issuer: id.issuer, subject: id.subject, user_id: provisioned.user_id, email: id.email }, svc.now());
        return true;
      });
      if (linked) return userById(svc.db, provisioned.user_id);
    } catch (err) {
      if (!(err instanceof UniqueViolation)) throw err;
    }
  }
  return undefined;
}
