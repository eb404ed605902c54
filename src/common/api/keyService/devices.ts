/** Routes of devices and the batch directory lookup (docs/api.md "Devices"). */
import { UserIdParam } from '../accountSchemas';
import {
  DeviceIdParam,
  DeviceListSchema,
  DevicesQuery,
  LookupBody,
  LookupResponse,
  OneDeviceSchema,
  RegisterDeviceBody,
  RegisteredDeviceSchema,
} from '../deviceSchemas';
import { defineRoutes } from '../route';
import { NoContent } from '../serviceSchemas';

export const deviceRoutes = defineRoutes({
  registerDevice: {
    method: 'POST',
    path: '/v1/devices',
    tag: 'devices',
    summary: "Register this session's device; the answer's access token names it",
    auth: 'user',
    body: RegisterDeviceBody,
    response: RegisteredDeviceSchema,
    status: 201,
    errors: {
      404: ['not_found'],
      409: ['session_has_device', 'identity_key_changed', 'device_exists'],
      422: ['certificate_malformed', 'certificate_unsupported_version', 'certificate_signer_not_certified', 'certificate_bad_signature'],
    },
  },
  listUserDevices: {
    method: 'GET',
    path: '/v1/users/:userId/devices',
    tag: 'devices',
    summary: "A user's certified, unrevoked devices (the recipients of key wraps); `include=revoked` lists your own revoked ones too",
    auth: 'user',
    params: UserIdParam,
    query: DevicesQuery,
    response: DeviceListSchema,
    errors: { 403: ['not_your_devices'], 404: ['not_found'] },
  },
  revokeDevice: {
    method: 'DELETE',
    path: '/v1/devices/:deviceId',
    tag: 'devices',
    summary: 'Revoke one of your devices: its sessions end and every conversation of yours needs rotation',
    auth: 'user',
    params: DeviceIdParam,
    response: NoContent,
    status: 204,
    errors: { 403: ['forbidden'], 404: ['not_found'] },
  },
  getDevice: {
    method: 'GET',
    path: '/v1/devices/:deviceId',
    tag: 'devices',
    summary: 'One device with its certificate, revoked or not (to verify old signatures)',
    auth: 'user',
    params: DeviceIdParam,
    response: OneDeviceSchema,
    errors: { 404: ['not_found'] },
  },
  lookupDirectory: {
    method: 'POST',
    path: '/v1/directory/lookup',
    tag: 'directory',
    summary: "Many users and devices at once: profiles, the users' unrevoked devices, devices by id",
    auth: 'user',
    body: LookupBody,
    response: LookupResponse,
    errors: {},
  },
});
