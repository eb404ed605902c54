/**
 * Device linking as the desktop runs it (docs/protocol.md §14). On a NEW device: start a link, show its
 * code and QR, wait in the background for the approving device, then show the confirmation code (§14.3)
 * for the user to type on the approving device, and sign in once approved. On an EXISTING device: claim
 * the new device's link code, then approve only when the confirmation code typed here matches the one
 * main computes (compared in constant time; the renderer is never given it, so a compromised page cannot
 * read it back), and — in the Electron build — the person says yes in a native dialog naming the device
 * (keyRelease.ts). `LINK_CODE_ATTEMPTS` wrong codes cancel the link on this device. Progress is reported as
 * `linkStatus` events and by `deviceLinkStatus`.
 */
import { z } from 'zod';
import type { linkStatusSchema } from '../../common/ipc/schemas/devices';
import { constantTimeEqual } from '../../common/encoding/bytes';
import { utf8Encode } from '../../common/encoding/utf8';
import { DeviceLinkError } from '../../common/protocol/errors';
import type { Client, LinkClaim } from '../../client';
import type { EventSink } from '../ipc/eventHub';
import { KeyReleaseError, LINK_CODE_ATTEMPTS, type KeyReleaseConfirmation } from './keyRelease';

type LinkStatus = z.infer<typeof linkStatusSchema>;

/** A link this device claimed and has not decided yet. */
interface PendingApproval {
  readonly claim: LinkClaim;
  attemptsLeft: number;
}

/** The six digits of a typed confirmation code ("123 456", "123-456", "123456"), or null. */
function typedDigits(typed: string): string | null {
  const digits = typed.replace(/[\s-]/g, '');
  return /^\d{6}$/.test(digits) ? digits : null;
}

export class DesktopLinking {
  private status: LinkStatus = { state: 'waiting', confirmationCode: null, rewrappedVersions: 0 };
  private readonly pending = new Map<string, PendingApproval>();
  /** Links this device refused (wrong codes, a "no"): claiming them again does not start over. */
  private readonly cancelled = new Set<string>();

  constructor(
    private readonly events: EventSink,
    private readonly confirmation: KeyReleaseConfirmation,
  ) {}

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
    return this.follow(await client.startDeviceLink(input), onLinked);
  }

  /** New device: follows a link opened another way (single sign-on, ssoHandlers.ts); returns the offer at once. */
  follow({ offer, waitUntilLinked }: Awaited<ReturnType<Client['startDeviceLink']>>, onLinked: () => void) {
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

  /** Existing device: read the new device's code or QR payload. The confirmation code stays in main. */
  async claim(client: Client, input: string) {
    const claim = await client.claimDeviceLink(input);
    if (this.cancelled.has(claim.linkId)) throw cancelledError(claim);
    if (!this.pending.has(claim.linkId)) this.pending.set(claim.linkId, { claim, attemptsLeft: LINK_CODE_ATTEMPTS });
    this.set({ state: 'awaiting_confirmation', confirmationCode: null, rewrappedVersions: 0 });
    return { linkId: claim.linkId, newDeviceName: claim.newDevice.name };
  }

  /**
   * Existing device: reject, or approve with the code typed from the new device's screen. Nothing is sealed
   * unless the code matches and the confirmation (a native dialog in the Electron build) says yes.
   */
  async decide(client: Client, linkId: string, approved: boolean, typedCode?: string): Promise<LinkStatus> {
    const pending = this.pending.get(linkId);
    if (!approved && this.cancelled.has(linkId)) return this.set({ state: 'rejected', confirmationCode: null, rewrappedVersions: 0 });
    if (pending === undefined) {
      if (this.cancelled.has(linkId)) throw new KeyReleaseError('link_cancelled', 'This link was cancelled on this device. Start again on the new device.');
      throw new DeviceLinkError('link_invalid', 'Enter the link code the new device shows first.');
    }
    if (!approved) {
      this.refuse(linkId);
      return this.set({ state: 'rejected', confirmationCode: null, rewrappedVersions: 0 });
    }
    const digits = typedCode === undefined ? null : typedDigits(typedCode);
    if (digits === null) throw new KeyReleaseError('link_code_required', `Type the 6-digit confirmation code that ${pending.claim.newDevice.name} shows.`);
    const expected = pending.claim.confirmationCode.replace(/\s/g, '');
    if (!constantTimeEqual(utf8Encode(digits), utf8Encode(expected))) {
      pending.attemptsLeft -= 1;
      if (pending.attemptsLeft <= 0) {
        this.refuse(linkId);
        this.set({ state: 'rejected', confirmationCode: null, rewrappedVersions: 0 });
        throw cancelledError(pending.claim);
      }
      throw new KeyReleaseError(
        'link_code_mismatch',
        `That is not the code ${pending.claim.newDevice.name} shows. Nothing was approved; check the code on the new device and type it again (${pending.attemptsLeft} tries left).`,
      );
    }
    this.pending.delete(linkId);
    const { deviceId, name, platform } = pending.claim.newDevice;
    if (!(await this.confirmation.confirm({ kind: 'deviceLink', deviceName: name, platform, deviceId }))) {
      this.cancelled.add(linkId);
      this.set({ state: 'rejected', confirmationCode: null, rewrappedVersions: 0 });
      throw new DeviceLinkError('link_rejected', `You did not confirm linking ${name}. Nothing was shared with it.`);
    }
    const { wrapsAdded } = await client.approveDeviceLink(linkId);
    return this.set({ state: 'completed', confirmationCode: null, rewrappedVersions: wrapsAdded });
  }

  private refuse(linkId: string): void {
    this.pending.delete(linkId);
    this.cancelled.add(linkId);
  }
}

function cancelledError(claim: LinkClaim): KeyReleaseError {
  return new KeyReleaseError(
    'link_cancelled',
    `Linking ${claim.newDevice.name} was cancelled after ${LINK_CODE_ATTEMPTS} wrong confirmation codes. Nothing was shared with it; if it is your device, start again on it.`,
  );
}
