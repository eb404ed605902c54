/**
 * Account endpoints (docs/api.md "Accounts and sessions"): register, password login (argon2id; a
 * password-only session — device sessions are sessions.ts), short-lived JWT
 * access tokens, rotating refresh tokens, logout, rate limits on the auth endpoints, the user directory.
 * Each implements its entry of the route table (src/common/api/keyService/accounts.ts).
 */
import { keyServiceRoutes as api } from '../../common/api/keyService';
import { openSession, rotateSession } from '../auth/sessionIssuer';
import { UniqueViolation } from '../db/dbErrors';
import { BadRequest, Conflict, NotFound, Unauthorized } from '../http/httpErrors';
import { implement, type Route } from '../http/route';
import type { Services } from '../services';
import { revokeSession } from '../store/sessions';
import { insertUser, searchUsers, userById, userByName } from '../store/users';
import { checkRegistrationOpen, checkServerSignInMethod } from '../oidcRoutes';
import { ssoIdentityOfUser } from '../oidcStore';
import { pairView } from './tokenPairView';
import { userView } from './views';

export function accountRoutes(svc: Services): Route[] {
  const userOrThrow = async (id: string) => {
    const row = await userById(svc.db, id);
    if (!row) throw new Unauthorized('account no longer exists');
    return row;
  };
  return [
    implement(api, 'register', {
      rateLimited: true,
      handler: async ({ body }) => {
        checkServerSignInMethod(svc.organisation, 'password');
        checkRegistrationOpen(svc.organisation);
        svc.accountLimiter.hit(`register:${body.username}`);
        const passwordHash = await svc.passwords.hash(body.password);
        const id = svc.newId();
        try {
          await svc.db.transaction((tx) =>
            insertUser(tx, { id, username: body.username, display_name: body.displayName, password_hash: passwordHash, identity_key: null }, svc.now()),
          );
        } catch (err) {
          if (err instanceof UniqueViolation) throw new Conflict('that username is taken', 'username_taken');
          throw err;
        }
        return { user: userView(await userOrThrow(id)) };
      },
    }),
    implement(api, 'login', {
      rateLimited: true,
      // Back-off per account name and client address, never a lock-out of the name (auth/loginThrottle.ts).
      handler: async ({ body, request }) => {
        if (body.deviceId !== undefined) {
          throw new BadRequest('a password opens no device session: the device signs a challenge instead (update this app)', 'device_proof_required');
        }
        checkServerSignInMethod(svc.organisation, 'password');
        const attempt = svc.loginThrottle.begin(body.username, request.ip);
        const user = await userByName(svc.db, body.username);
        const ok = await svc.passwords.verify(user?.password_hash ?? null, body.password);
        if (!user || !ok) throw new Unauthorized('wrong username or password', 'bad_credentials');
        attempt.succeeded();
        return pairView(await openSession(svc, user.id, null), user);
      },
    }),
    implement(api, 'refresh', {
      rateLimited: true,
      handler: async ({ body }) => {
        const tokens = await rotateSession(svc, body.refreshToken);
        return pairView(tokens, await userOrThrow(tokens.userId));
      },
    }),
    implement(api, 'logout', {
      handler: async ({ principal }) => {
        await svc.db.transaction((tx) => revokeSession(tx, principal.sessionId, 'logout', svc.now()));
      },
    }),
    implement(api, 'getMe', {
      handler: async ({ principal }) => {
        const sso = await ssoIdentityOfUser(svc.db, principal.userId);
        return {
          user: userView(await userOrThrow(principal.userId)),
          deviceId: principal.deviceId,
          sso: sso ? { issuer: sso.issuer, subject: sso.subject } : null,
        };
      },
    }),
    implement(api, 'searchUsers', {
      handler: async ({ query }) => ({ users: (await searchUsers(svc.db, query.q, query.limit)).map(userView) }),
    }),
    implement(api, 'getUser', {
      handler: async ({ params }) => {
        const row = await userById(svc.db, params.userId);
        if (!row) throw new NotFound('no such user');
        return userView(row);
      },
    }),
  ];
}
