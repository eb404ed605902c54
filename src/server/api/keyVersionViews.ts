/**
 * Wrap rows → the DeviceKeyVersion wire view (the record's public part plus one device's wrap and, for a
 * wrap added after the version, its grant chain, docs/protocol.md §6.5): the device's own grant, then the
 * grant of each granter's wrap until a granter the record names, at most MAX_GRANT_CHAIN grants.
 */
import { MAX_GRANT_CHAIN } from '../../common/protocol/wrapGrantChain';
import type { Queryable } from '../db/db';
import { JsonText } from '../http/jsonText';
import { grantOf, type DeviceWrapRow } from '../store/keyVersions';
import type { DeviceKeyVersion, PublicRecord } from '../../common/api/keyVersionSchemas';
import { wrapFromStored } from './storedWrap';

type Grant = DeviceKeyVersion['grants'][number];

async function grantChain(q: Queryable, row: DeviceWrapRow, record: PublicRecord): Promise<Grant[]> {
  const chain: Grant[] = [];
  let next = row.grant_json;
  while (next !== null && chain.length < MAX_GRANT_CHAIN) {
    const grant = JSON.parse(next) as Grant;
    chain.push(grant);
    if (record.memberDevices.includes(grant.grantedBy)) break;
    next = await grantOf(q, row.conversation_id, row.version, grant.grantedBy);
  }
  return chain;
}

/**
 * The same view as JSON text, with the stored record spliced in as stored (it is the service's own
 * JSON.stringify of the public record): the hot fetch sends it without parsing and re-serializing the
 * record. A wrap the record made (no grant) has no grant chain, as in `deviceKeyVersionView`: a device
 * the record lists always holds the record's own wrap, and only wraps added later carry a grant.
 */
export async function deviceKeyVersionJson(q: Queryable, row: DeviceWrapRow, deviceId: string): Promise<JsonText> {
  const wrap = wrapFromStored(deviceId, row.wrap);
  const grants = row.grant_json === null ? [] : await grantChain(q, row, JSON.parse(row.record) as PublicRecord);
  const head = { conversationId: row.conversation_id, version: row.version, acceptedAt: row.created_at };
  const tail = { wrap, addedByDevice: row.added_by_device, grants };
  return new JsonText(`${JSON.stringify(head).slice(0, -1)},"record":${row.record},${JSON.stringify(tail).slice(1)}`);
}

export async function deviceKeyVersionView(q: Queryable, row: DeviceWrapRow, deviceId: string): Promise<DeviceKeyVersion> {
  const record = JSON.parse(row.record) as PublicRecord;
  const wrap = wrapFromStored(deviceId, row.wrap);
  return {
    conversationId: record.conversationId,
    version: row.version,
    acceptedAt: row.created_at,
    record,
    wrap,
    addedByDevice: row.added_by_device as DeviceKeyVersion['addedByDevice'],
    grants: record.memberDevices.includes(deviceId as DeviceKeyVersion['wrap']['deviceId']) ? [] : await grantChain(q, row, record),
  };
}
