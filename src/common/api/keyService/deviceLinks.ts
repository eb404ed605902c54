/** Routes of device linking (docs/api.md "Device links", docs/protocol.md §14). */
import { ApproveLinkBody, ClaimLinkBody, DeviceLinkViewSchema, LinkIdParam, NewDeviceSchema } from '../deviceLinkSchemas';
import { defineRoutes } from '../route';
import { NoContent } from '../serviceSchemas';

const LINK_GONE = ['link_not_found', 'link_expired'] as const;

export const deviceLinkRoutes = defineRoutes({
  openDeviceLink: {
    method: 'POST',
    path: '/v1/device-links',
    tag: 'device links',
    summary: 'Open a device link for this (device-less) session: answers the link code to show',
    auth: 'user',
    body: NewDeviceSchema,
    response: DeviceLinkViewSchema,
    status: 201,
    errors: { 409: ['session_has_device', 'device_exists'] },
  },
  getDeviceLink: {
    method: 'GET',
    path: '/v1/device-links/:linkId',
    tag: 'device links',
    summary: 'One of your device links (both devices poll it)',
    auth: 'user',
    params: LinkIdParam,
    response: DeviceLinkViewSchema,
    errors: { 404: LINK_GONE },
  },
  claimDeviceLink: {
    method: 'POST',
    path: '/v1/device-links/claim',
    tag: 'device links',
    summary: 'Claim a waiting link by its code from one of your registered devices: answers the new device keys',
    auth: 'device',
    body: ClaimLinkBody,
    response: DeviceLinkViewSchema,
    errors: { 404: LINK_GONE, 409: ['link_claimed'] },
  },
  approveDeviceLink: {
    method: 'POST',
    path: '/v1/device-links/:linkId/approve',
    tag: 'device links',
    summary: 'Approve a link you claimed: the account identity key sealed to the new device',
    auth: 'device',
    params: LinkIdParam,
    body: ApproveLinkBody,
    response: NoContent,
    status: 204,
    errors: { 403: ['not_link_approver'], 404: LINK_GONE, 409: ['link_not_claimed'] },
  },
});
