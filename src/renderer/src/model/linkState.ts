/** What a device-link state means to the person linking (docs/protocol.md, device linking). */
import type { LinkStatus } from '../state/sessionSlice';

/** What the approving device says once it decided: linked, or not. */
export function approvalResultText(status: LinkStatus): string {
  return status.state === 'completed' ? linkStateText(status) : 'Not linked. Nothing was shared with that device.';
}

export function linkStateText(status: LinkStatus): string {
  switch (status.state) {
    case 'waiting':
      return 'Waiting for the other device…';
    case 'awaiting_confirmation':
      return 'Type the confirmation code shown here on your other device and approve there.';
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
