/**
 * The error codes a route answers, by status (docs/api.md "Error codes"): the ones every route of its
 * shape may answer — a malformed parameter, query or body, a body over the limit, a missing or dead
 * token, a password-only session on a device route — and the ones its table entry names. The OpenAPI document lists them, and the server reports an
 * answer outside them (tests turn that on) so the table cannot drift from what the handlers throw.
 */
import type { KeyServiceAnswerCode } from '../errorCodes';
import { missingCase } from '../errors';
import { ERROR_STATUSES, type ApiRoute, type AuthLevel, type ErrorStatus } from './route';

/** 401 on any route: an Authorization header that is not `Bearer <token>`. */
const MALFORMED_AUTHORIZATION = ['bad_authorization'] as const;
/** 401 on user routes: no token, or one that is invalid, expired or of a session that ended. */
export const SESSION_ERRORS = ['unauthorized', 'bad_authorization', 'invalid_token', 'session_revoked', 'device_revoked'] as const;
/** 403 on device routes: a live session that is not device-bound (a password-only session, docs/api.md "Sessions"). */
export const DEVICE_SESSION_ERRORS = ['device_session_required'] as const;
/** 400 on a route that reads a body. */
const BODY_ERRORS = ['bad_request', 'bad_json', 'unsupported_media_type'] as const;

function readsBody(route: ApiRoute): boolean {
  return route.body !== undefined || route.method === 'POST' || route.method === 'PUT' || route.method === 'PATCH';
}

/** Every (status → codes) the route may answer besides success, sorted by status. */
export function routeErrors(route: ApiRoute): ReadonlyMap<ErrorStatus, readonly KeyServiceAnswerCode[]> {
  const out = new Map<ErrorStatus, KeyServiceAnswerCode[]>();
  const add = (status: ErrorStatus, codes: readonly KeyServiceAnswerCode[]) => {
    const list = out.get(status) ?? [];
    for (const code of codes) if (!list.includes(code)) list.push(code);
    out.set(status, list);
  };
  if (route.params) add(400, ['invalid_params', 'bad_path']);
  if (route.query) add(400, ['invalid_query']);
  if (readsBody(route)) {
    add(400, route.body ? [...BODY_ERRORS, 'invalid_body'] : BODY_ERRORS);
    add(413, ['payload_too_large']);
  }
  add(401, authErrors(route.auth));
  if (route.auth === 'device') add(403, DEVICE_SESSION_ERRORS);
  for (const status of ERROR_STATUSES) add(status, route.errors[status] ?? []);
  const sorted = new Map<ErrorStatus, readonly KeyServiceAnswerCode[]>();
  for (const status of ERROR_STATUSES) {
    const codes = out.get(status);
    if (codes && codes.length > 0) sorted.set(status, codes);
  }
  return sorted;
}

function authErrors(auth: AuthLevel): readonly KeyServiceAnswerCode[] {
  switch (auth) {
    case 'public':
      return MALFORMED_AUTHORIZATION;
    case 'user':
      return SESSION_ERRORS;
    case 'device':
      return SESSION_ERRORS;
    default:
      return missingCase(auth);
  }
}

/** True when the route may answer `code` with `status`. */
export function answersError(route: ApiRoute, status: number, code: string): boolean {
  for (const [s, codes] of routeErrors(route)) if (s === status && codes.some((c) => c === code)) return true;
  return false;
}
