/**
 * Account endpoints (docs/api.md "Accounts and sessions"): register, login (argon2id), short-lived JWT
 * access tokens, rotating refresh tokens, logout, rate limits on the auth endpoints, the user directory.
 * Each implements its entry of the route table (src/common/api/keyService/accounts.ts).
 */
import type { TokenPair as WireTokenPair } from '../../common/api/accountSchemas';
import { keyServiceRoutes as api } from '../../common/api/keyService';
import type { DeviceId } from '../../common/ids';
import { openSession, rotateSession, type TokenPair } from '../auth/sessionIssuer';
import { UniqueViolation } from '../db/dbErrors';
import { Conflict, Forbidden, NotFound, Unauthorized, Unprocessable } from '../http/httpErrors';
import { implement, type Route } from '../http/route';
import type { Services } from '../services';
import { deviceById } from '../store/devices';
import { revokeSession } from '../store/sessions';
import { insertUser, searchUsers, userById, userByName, type UserRow } from '../store/users';
import { userView } from './views';

function pairView(t: TokenPair, user: UserRow): WireTokenPair {
  return { accessToken: t.accessToken, refreshToken: t.refreshToken, expiresIn: t.expiresIn, deviceId: t.deviceId as DeviceId | null, user: userView(user) };
}

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
      handler: async ({ body }) => {
        svc.accountLimiter.hit(`login:${body.username}`);
        const user = await userByName(svc.db, body.username);
        const ok = await svc.passwords.verify(user?.password_hash ?? null, body.password);
        if (!user || !ok) throw new Unauthorized('wrong username or password', 'bad_credentials');
        if (body.deviceId !== undefined) {
          const device = await deviceById(svc.db, body.deviceId);
          if (!device || device.user_id !== user.id) throw new Unprocessable('no such device on this account', 'unknown_device');
          if (device.revoked_at !== null) throw new Forbidden('this device has been revoked', 'device_revoked');
        }
        return pairView(await openSession(svc, user.id, body.deviceId ?? null), user);
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
      handler: async ({ principal }) => ({ user: userView(await userOrThrow(principal.userId)), deviceId: principal.deviceId }),
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
