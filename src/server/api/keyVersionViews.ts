/** Wrap rows → the DeviceKeyVersion wire view (the record's public part plus one device's wrap). */
import type { DeviceWrapRow } from '../store/keyVersions';
import type { DeviceKeyVersion, PublicRecord } from './keyVersionSchemas';

export function deviceKeyVersionView(row: DeviceWrapRow, deviceId: string): DeviceKeyVersion {
  const record = JSON.parse(row.record) as PublicRecord;
  const wrap = JSON.parse(row.wrap) as { enc: string; ct: string };
  return {
    conversationId: record.conversationId,
    version: row.version,
    acceptedAt: row.created_at,
    record,
    wrap: { deviceId: deviceId as DeviceKeyVersion['wrap']['deviceId'], enc: wrap.enc, ct: wrap.ct },
    addedByDevice: row.added_by_device as DeviceKeyVersion['addedByDevice'],
  };
}
