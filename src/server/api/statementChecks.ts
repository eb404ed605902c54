/**
 * What the key service checks of one membership statement before it looks at the rules (docs/api.md
 * "Conversations and members", docs/protocol.md §15): its shape, that the caller made it — the actor is
 * the caller and the acting device is the caller's session device — and that it is signed by that device
 * (its stored certificate, under the caller's stored account identity key). Clients verify the same of
 * every statement in the chain; the service refuses what it can see is wrong before it stores anything.
 */
import { fromBase64Url } from '../../common/encoding/base64url';
import { isProtocolError } from '../../common/protocol/errors';
import { membershipHash, parseMembershipStatement, verifyMembershipSignature, type MembershipStatement } from '../../common/protocol/membershipStatement';
import type { Queryable } from '../db/db';
import { Forbidden, Unprocessable } from '../http/httpErrors';
import type { DevicePrincipal } from '../http/route';
import type { Services } from '../services';
import { deviceById } from '../store/devices';
import { userById } from '../store/users';

/** Runs a protocol check, answering its failure as 422 with the protocol code. */
export async function refusedAs422<T>(what: string, check: () => T | Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (err) {
    if (isProtocolError(err)) throw new Unprocessable(`${what} refused: ${err.message}`, err.code);
    throw err;
  }
}

/** The statement's shape beyond the route schema: prev null exactly at seq 0, a sorted genesis (422 `malformed`). */
export function parseStatement(input: unknown): Promise<MembershipStatement> {
  return refusedAs422('membership statement', () => parseMembershipStatement(input));
}

/** 422 `actor_not_caller` unless the caller's user and session device made the statement. */
export function requireCallerActs(principal: DevicePrincipal, s: MembershipStatement): void {
  if (s.actor !== principal.userId) throw new Unprocessable('the statement must be made by the caller (actor)', 'actor_not_caller');
  if (s.actorDevice !== principal.deviceId) throw new Unprocessable("the statement must be signed by the caller's device (actorDevice)", 'actor_not_caller');
}

/**
 * Verifies the statement's signature with the caller device's stored certificate under the caller's
 * stored account key (422 `signer_not_certified` / `bad_signature` / `wrong_conversation`); answers its hash.
 */
export async function verifyCallerSignature(
  svc: Services,
  q: Queryable,
  principal: DevicePrincipal,
  s: MembershipStatement,
  conversationId: string,
): Promise<string> {
  const [device, user] = await Promise.all([deviceById(q, principal.deviceId), userById(q, principal.userId)]);
  if (!device || !user?.identity_key) throw new Forbidden('calling device is not registered', 'device_unknown');
  const signer = { certificate: JSON.parse(device.certificate) as unknown, accountKey: fromBase64Url(user.identity_key) };
  await refusedAs422('membership statement', () => verifyMembershipSignature(svc.crypto, s, conversationId, signer));
  return membershipHash(svc.crypto, s);
}
