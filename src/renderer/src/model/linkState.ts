/** What a device-link state means to the person linking (docs/protocol.md, device linking). */
import type { LinkStatus } from '../state/sessionSlice';

export function linkStateText(status: LinkStatus): string {
  switch (status.state) {
    case 'waiting':
      return 'Waiting for the other device…';
    case 'awaiting_confirmation':
      return 'Compare the confirmation code on both devices, then approve on the other device.';
    case 'approved':
      return 'Approved. Finishing the link…';
    case 'rejected':
      return 'The other device rejected the link.';
    case 'expired':
      return 'The link code expired. Start again.';
    case 'completed':
      return `Linked. ${status.rewrappedVersions} conversation keys were shared with this device.`;
    default:
      throw new Error(`unknown link state ${JSON.stringify(status.state satisfies never)}`);
  }
}
