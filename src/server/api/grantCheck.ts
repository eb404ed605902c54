/**
 * Checks of the wrap grants (docs/protocol.md §6.5) that come with every wrap added to an existing
 * version (POST …/wraps, adding a member, re-wrapping history for a linked device): the grant names this
 * conversation, the wrap's version and device and the wrap's digest, it is granted by the calling device,
 * its signature verifies under that device's stored certificate, and the caller holds the version itself.
 * Clients verify the same and more (the chain, membership); the service refuses what it can see is wrong.
 */
import { fromBase64Url } from '../../common/encoding/base64url';
import { isProtocolError } from '../../common/protocol/errors';
import { wrapDigest } from '../../common/protocol/keyVersionRecord';
import { verifyWrapGrant } from '../../common/protocol/wrapGrant';
import type { Queryable } from '../db/db';
import { Forbidden, Unprocessable } from '../http/httpErrors';
import type { Services } from '../services';
import { deviceById } from '../store/devices';
import { existingWrapVersions } from '../store/keyVersions';
import { userById } from '../store/users';
import type { GrantedWrap } from '../../common/api/conversationSchemas';
import { storedWrapJson, wrapFromStored } from './storedWrap';

/** What the checks need of the calling device, loaded once per request. */
export interface Granter {
  readonly deviceId: string;
  readonly certificate: unknown;
  readonly accountKey: Uint8Array;
  readonly heldVersions: ReadonlySet<number>;
}

export async function loadGranter(q: Queryable, conversationId: string, principal: { userId: string; deviceId: string }): Promise<Granter> {
  const [device, user] = await Promise.all([deviceById(q, principal.deviceId), userById(q, principal.userId)]);
  if (!device || !user?.identity_key) throw new Forbidden('calling device is not registered', 'device_unknown');
  return {
    deviceId: principal.deviceId,
    certificate: JSON.parse(device.certificate) as unknown,
    accountKey: fromBase64Url(user.identity_key),
    heldVersions: await existingWrapVersions(q, conversationId, principal.deviceId),
  };
}

/** Throws 422 `bad_grant` unless the wrap's grant is valid and made by the caller for a version it holds; returns the grant JSON to store. */
export async function checkGrant(svc: Services, conversationId: string, w: GrantedWrap, granter: Granter): Promise<string> {
  const where = `wrap for device ${w.deviceId} version ${w.version}`;
  if (w.grant.grantedBy !== granter.deviceId) throw new Unprocessable(`${where}: the grant must be made by the calling device`, 'bad_grant');
  if (!granter.heldVersions.has(w.version)) throw new Unprocessable(`${where}: the calling device holds no wrap of that version`, 'bad_grant');
  try {
    await verifyWrapGrant(svc.crypto, w.grant, {
      conversationId,
      version: w.version,
      recipientDeviceId: w.deviceId,
      wrapDigest: await wrapDigest(svc.crypto, wrapFromStored(w.deviceId, storedWrapJson(w))),
      granterCertificate: granter.certificate,
      granterAccountKey: granter.accountKey,
    });
  } catch (err) {
    if (isProtocolError(err)) throw new Unprocessable(`${where}: grant refused (${err.code}): ${err.message}`, 'bad_grant');
    throw err;
  }
  return JSON.stringify(w.grant);
}
