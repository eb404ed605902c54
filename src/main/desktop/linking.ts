/**
 * Device linking as the desktop runs it. On a NEW device: start a link, show its code and QR, wait in the
 * background for the approving device (the confirmation code appears once it has claimed the link), then
 * sign in. On an EXISTING device: claim the new device's code, show the confirmation code to compare,
 * then approve or reject. Progress is reported as `linkStatus` events and by `deviceLinkStatus`.
 */
import { z } from 'zod';
import type { linkStatusSchema } from '../../common/ipc/schemas/devices';
import type { Client } from '../../client';
import type { EventSink } from '../ipc/eventHub';

type LinkStatus = z.infer<typeof linkStatusSchema>;

export class DesktopLinking {
  private status: LinkStatus = { state: 'waiting', confirmationCode: null, rewrappedVersions: 0 };

  constructor(private readonly events: EventSink) {}

  current(): LinkStatus {
    return this.status;
  }

  private set(next: LinkStatus): LinkStatus {
    this.status = next;
    this.events.emit('linkStatus', next);
    return next;
  }

  /** New device: returns the offer at once; completion arrives as events (and `onLinked`). */
  async start(client: Client, input: { username: string; password: string }, onLinked: () => void) {
    const { offer, waitUntilLinked } = await client.startDeviceLink(input);
    this.set({ state: 'waiting', confirmationCode: null, rewrappedVersions: 0 });
    void waitUntilLinked((code) => this.set({ state: 'awaiting_confirmation', confirmationCode: code, rewrappedVersions: 0 })).then(
      () => {
        this.set({ ...this.status, state: 'completed' });
        onLinked();
      },
      (e: unknown) => this.set({ ...this.status, state: (e as { code?: string }).code === 'link_expired' ? 'expired' : 'rejected' }),
    );
    return { linkCode: offer.code, qrPayload: offer.qrPayload, expiresAt: offer.expiresAt };
  }

  /** Existing device: read the new device's code or QR payload. */
  async claim(client: Client, input: string) {
    const claim = await client.claimDeviceLink(input);
    this.set({ state: 'awaiting_confirmation', confirmationCode: claim.confirmationCode, rewrappedVersions: 0 });
    return { linkId: claim.linkId, confirmationCode: claim.confirmationCode, newDeviceName: claim.newDevice.name };
  }

  /** Existing device: the user compared the codes. */
  async decide(client: Client, linkId: string, approved: boolean): Promise<LinkStatus> {
    if (!approved) return this.set({ ...this.status, state: 'rejected' });
    const { wrapsAdded } = await client.approveDeviceLink(linkId);
    return this.set({ state: 'completed', confirmationCode: this.status.confirmationCode, rewrappedVersions: wrapsAdded });
  }
}
