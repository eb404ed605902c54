/**
 * Account endpoints (issue 5, "Accounts: register, login (argon2id), short-lived JWT access tokens,
 * rotating refresh tokens, logout, rate limits on auth endpoints, user directory search").
 */
import { z } from 'zod';
import { DeviceIdSchema, type DeviceId } from '../../common/ids';
import { openSession, rotateSession, type TokenPair } from '../auth/sessionIssuer';
import { UniqueViolation } from '../db/dbErrors';
import { Conflict, Forbidden, NotFound, Unauthorized, Unprocessable } from '../http/httpErrors';
import { defineRoute, type Route } from '../http/route';
import type { Services } from '../services';
import { deviceById } from '../store/devices';
import { revokeSession } from '../store/sessions';
import { insertUser, searchUsers, userById, userByName, type UserRow } from '../store/users';
import { DisplayNameSchema, NoContent, PasswordSchema, PublicUserSchema, UserIdParam, UsernameSchema } from './schemas';
import { userView } from './views';

const TokenPairSchema = z
  .object({
    accessToken: z.string(),
    refreshToken: z.string(),
    expiresIn: z.number().int().describe('access token lifetime in seconds'),
    deviceId: DeviceIdSchema.nullable(),
    user: PublicUserSchema,
  })
  .meta({ id: 'TokenPair' });

const RegisterBody = z.strictObject({ username: UsernameSchema, password: PasswordSchema, displayName: DisplayNameSchema });
const LoginBody = z.strictObject({ username: UsernameSchema, password: z.string().min(1).max(256), deviceId: DeviceIdSchema.optional() });
const RefreshBody = z.strictObject({ refreshToken: z.string().min(1).max(200) });
const SearchQuery = z.strictObject({ q: z.string().trim().min(1).max(64), limit: z.coerce.number().int().min(1).max(50).default(20) });

function pairView(t: TokenPair, user: UserRow) {
  return { accessToken: t.accessToken, refreshToken: t.refreshToken, expiresIn: t.expiresIn, deviceId: t.deviceId as DeviceId | null, user: userView(user) };
}

export function accountRoutes(svc: Services): Route[] {
  const userOrThrow = async (id: string) => {
    const row = await userById(svc.db, id);
    if (!row) throw new Unauthorized('account no longer exists');
    return row;
  };
  return [
    defineRoute({
      method: 'POST',
      path: '/v1/accounts',
      tag: 'accounts',
      summary: 'Register an account',
      auth: 'public',
      rateLimited: true,
      body: RegisterBody,
      response: z.object({ user: PublicUserSchema }),
      status: 201,
      errors: [400, 409, 413, 429],
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
    defineRoute({
      method: 'POST',
      path: '/v1/auth/login',
      tag: 'accounts',
      summary: 'Log in with username and password; optionally as one of your registered devices',
      auth: 'public',
      rateLimited: true,
      body: LoginBody,
      response: TokenPairSchema,
      errors: [400, 401, 403, 413, 422, 429],
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
    defineRoute({
      method: 'POST',
      path: '/v1/auth/refresh',
      tag: 'accounts',
      summary: 'Spend a refresh token for a new token pair (reusing a spent one revokes the session)',
      auth: 'public',
      rateLimited: true,
      body: RefreshBody,
      response: TokenPairSchema,
      errors: [400, 401, 413, 429],
      handler: async ({ body }) => {
        const tokens = await rotateSession(svc, body.refreshToken);
        return pairView(tokens, await userOrThrow(tokens.userId));
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/v1/auth/logout',
      tag: 'accounts',
      summary: 'End this session: its refresh token and every access token of it stop working',
      auth: 'user',
      response: NoContent,
      status: 204,
      errors: [401],
      handler: async ({ principal }) => {
        await svc.db.transaction((tx) => revokeSession(tx, principal.sessionId, 'logout', svc.now()));
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/me',
      tag: 'accounts',
      summary: 'The calling user and device',
      auth: 'user',
      response: z.object({ user: PublicUserSchema, deviceId: DeviceIdSchema.nullable() }),
      errors: [401],
      handler: async ({ principal }) => ({ user: userView(await userOrThrow(principal.userId)), deviceId: principal.deviceId }),
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/users',
      tag: 'directory',
      summary: 'Search the user directory by username or display name',
      auth: 'user',
      query: SearchQuery,
      response: z.object({ users: z.array(PublicUserSchema) }),
      errors: [400, 401],
      handler: async ({ query }) => ({ users: (await searchUsers(svc.db, query.q, query.limit)).map(userView) }),
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/users/:userId',
      tag: 'directory',
      summary: 'One user of the directory, with their account identity key',
      auth: 'user',
      params: UserIdParam,
      response: PublicUserSchema,
      errors: [400, 401, 404],
      handler: async ({ params }) => {
        const row = await userById(svc.db, params.userId);
        if (!row) throw new NotFound('no such user');
        return userView(row);
      },
    }),
  ];
}
