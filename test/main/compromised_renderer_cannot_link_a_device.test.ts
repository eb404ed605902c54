/**
 * A compromised renderer on Alice's desktop tries to hand her account key to a device the attacker holds
 * (docs/threat-model.md, "A compromised renderer"), over the real desktop handlers, client core, key service and relay
 * of an embedded local stack and the real keychain. The attacker knows Alice's password, so the new
 * device is theirs; the page drives the bridge dispatch directly, as injected script would.
 *
 * - It never learns the confirmation code from main (not in any answer or event), approving without it
 *   or with a wrong one is refused with a typed error, and five wrong codes cancel the link for good.
 * - Holding the new device, the attacker knows the right code: then the native confirmation (here
 *   `MockKeyReleaseDialog`, the Electron dialog's stand-in; the binary cannot run here) names the device
 *   and the person's "no" refuses. Nothing is sealed in either case: Alice still has one device.
 * - The person's own link, with the right code and a "yes", goes through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyReleaseConfirmation, KeyReleaseRequest } from '../../src/main/desktop/keyRelease';
import { desktopProfiles, type DesktopProfile } from './desktopProfiles';

/** The native dialog's stand-in: answers from a script, records what it was asked. */
class MockKeyReleaseDialog implements KeyReleaseConfirmation {
  readonly asked: KeyReleaseRequest[] = [];
  readonly answers: boolean[] = [];
  async confirm(request: KeyReleaseRequest): Promise<boolean> {
    this.asked.push(request);
    return this.answers.shift() ?? false;
  }
}

const world = desktopProfiles('seed-keyrelease-link');
const { suffix } = world;
const password = 'correct horse battery';
const username = `alice${suffix}`;
const dialog = new MockKeyReleaseDialog();
let alice: DesktopProfile;
/** Every confirmation code a new device showed in this file. */
const shownCodes: string[] = [];

type LinkStatus = { state: string; confirmationCode: string | null };

/** A new device (its own profile) opens a link to Alice's account; answers its link code. */
async function newDevice(name: string, deviceName: string): Promise<{ device: DesktopProfile; linkCode: string }> {
  const device = await world.profile(name);
  const offer = (await device.call('startDeviceLink', { username, password, deviceName })) as { linkCode: string };
  return { device, linkCode: offer.linkCode };
}

/** What the new device shows once the approver claimed its link (it polls the key service each second). */
async function codeShownOn(device: DesktopProfile): Promise<string> {
  for (;;) {
    const status = (await device.call('deviceLinkStatus')) as LinkStatus;
    if (status.confirmationCode !== null) {
      shownCodes.push(status.confirmationCode);
      return status.confirmationCode;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A six-digit code that is not `code`. */
function another(code: string, step: number): string {
  return String((Number(code.replace(/\s/g, '')) + step) % 1_000_000).padStart(6, '0');
}

const deviceCount = async () => ((await alice.call('listDevices')) as unknown[]).length;

beforeAll(async () => {
  alice = await world.profile('alice', { keyRelease: dialog });
  await alice.call('register', { username, displayName: 'Alice', password, deviceName: 'Alice desktop' });
}, 60_000);

afterAll(() => world.closeAll());

describe('a compromised renderer approving a device link', () => {
  it('is never given the confirmation code, and without it or with wrong ones gets typed refusals; five cancel the link', async () => {
    const { device, linkCode } = await newDevice('mallory-a', 'Alice phone');
    const claim = (await alice.call('beginDeviceApproval', linkCode)) as Record<string, unknown>;
    expect(Object.keys(claim).sort(), 'main answers which device asks, not the code').toEqual(['linkId', 'newDeviceName']);
    expect(claim['newDeviceName']).toBe('Alice phone');
    const linkId = claim['linkId'] as string;
    const code = await codeShownOn(device);

    await expect(alice.call('approveDeviceLink', linkId, true)).rejects.toMatchObject({ code: 'link_code_required' });
    for (let i = 1; i <= 4; i++) {
      await expect(alice.call('approveDeviceLink', linkId, true, another(code, i))).rejects.toMatchObject({
        code: 'link_code_mismatch',
        message: expect.stringContaining(`${5 - i} tries left`),
      });
    }
    await expect(alice.call('approveDeviceLink', linkId, true, another(code, 5))).rejects.toMatchObject({ code: 'link_cancelled' });
    await expect(alice.call('approveDeviceLink', linkId, true, code), 'the right code comes too late').rejects.toMatchObject({ code: 'link_cancelled' });
    await expect(alice.call('beginDeviceApproval', linkCode), 'claiming again does not start over').rejects.toMatchObject({ code: 'link_cancelled' });

    expect(dialog.asked, 'no wrong code reaches the native confirmation').toEqual([]);
    expect(await deviceCount()).toBe(1);
    expect(((await device.call('deviceLinkStatus')) as LinkStatus).state).toBe('awaiting_confirmation');
    expect((await device.call('session')) as { state: string }).toMatchObject({ state: 'signedOut' });
  }, 60_000);

  it('holding the new device (so knowing its code), is stopped by the native confirmation naming the device', async () => {
    const { device, linkCode } = await newDevice('mallory-b', 'Alice phone');
    const { linkId } = (await alice.call('beginDeviceApproval', linkCode)) as { linkId: string };
    const code = await codeShownOn(device);
    dialog.answers.push(false);

    await expect(alice.call('approveDeviceLink', linkId, true, code)).rejects.toMatchObject({ code: 'link_rejected' });
    expect(dialog.asked).toEqual([{ kind: 'deviceLink', deviceName: 'Alice phone', platform: expect.any(String), deviceId: expect.any(String) }]);
    await expect(alice.call('approveDeviceLink', linkId, true, code), 'a "no" is final for that link').rejects.toMatchObject({ code: 'link_cancelled' });
    expect(dialog.asked).toHaveLength(1);
    expect(await deviceCount()).toBe(1);
    expect(((await device.call('deviceLinkStatus')) as LinkStatus).state).toBe('awaiting_confirmation');
  }, 60_000);

  it("the person's own link goes through with the code typed from the new device and a yes; the page still never saw a code", async () => {
    const { device, linkCode } = await newDevice('laptop', 'Alice laptop');
    const { linkId } = (await alice.call('beginDeviceApproval', linkCode)) as { linkId: string };
    const code = await codeShownOn(device);
    dialog.answers.push(true);

    expect(await alice.call('approveDeviceLink', linkId, true, ` ${code} `)).toMatchObject({ state: 'completed', confirmationCode: null });
    expect(dialog.asked.at(-1)).toMatchObject({ kind: 'deviceLink', deviceName: 'Alice laptop' });
    expect(await deviceCount()).toBe(2);
    while (((await device.call('session')) as { state: string }).state !== 'signedIn') await new Promise((resolve) => setTimeout(resolve, 200));

    const seenByAlicesPage = JSON.stringify(alice.events);
    for (const shown of shownCodes) {
      expect(seenByAlicesPage).not.toContain(shown);
      expect(seenByAlicesPage).not.toContain(shown.replace(/\s/g, ''));
    }
  }, 60_000);
});
