/**
 * Devices slice (devices panel: list, link, revoke): this user's devices, revoking one, and the
 * existing-device side of linking — read the new device's link code, then approve with the confirmation
 * code the new device shows (typed here, checked in main, which never sends it to this page) or reject.
 * A `seed-messenger://link-device` deep link only pre-fills the link code field (`prefillApprovalCode`);
 * the user still continues, types the confirmation code and approves.
 */
import type { StateCreator } from 'zustand';
import type { z } from 'zod';
import type { BridgeClient } from '../bridge/client';
import type { DeviceId } from '../../../common/ids';
import type { DeviceSummary, linkConfirmationSchema } from '../../../common/ipc/schemas/devices';
import { toUiError, type UiError } from '../model/uiError';
import type { LinkStatus } from './sessionSlice';

export type LinkConfirmation = z.infer<typeof linkConfirmationSchema>;

export interface DevicesSlice {
  devices: {
    list: DeviceSummary[];
    status: 'idle' | 'loading' | 'ready' | 'error';
    approval: { confirmation: LinkConfirmation | null; result: LinkStatus | null };
    /** A link code from a deep link, shown in the code field until the user continues or resets. */
    prefillCode: string | null;
    busy: boolean;
    error: UiError | null;
  };
  loadDevices(): Promise<void>;
  revokeDevice(id: DeviceId): Promise<void>;
  beginDeviceApproval(linkCode: string): Promise<void>;
  /** Approve with the confirmation code typed from the new device, or reject (`false`). */
  answerDeviceApproval(approve: boolean, confirmationCode?: string): Promise<void>;
  resetDeviceApproval(): void;
  prefillApprovalCode(code: string): void;
}

const noApproval = { confirmation: null, result: null };

export function createDevicesSlice(bridge: BridgeClient): StateCreator<DevicesSlice, [], [], DevicesSlice> {
  return (set, get) => {
    const patch = (p: Partial<DevicesSlice['devices']>) => set((s) => ({ devices: { ...s.devices, ...p } }));
    async function call(work: () => Promise<void>): Promise<void> {
      patch({ busy: true, error: null });
      try {
        await work();
        patch({ busy: false });
      } catch (e) {
        patch({ busy: false, error: toUiError(e) });
      }
    }
    return {
      devices: { list: [], status: 'idle', approval: noApproval, prefillCode: null, busy: false, error: null },
      async loadDevices() {
        patch({ status: 'loading' });
        try {
          patch({ list: await bridge.listDevices(), status: 'ready', error: null });
        } catch (e) {
          patch({ status: 'error', error: toUiError(e) });
        }
      },
      revokeDevice: (id) => call(async () => patch({ list: await bridge.revokeDevice(id) })),
      beginDeviceApproval: (linkCode) =>
        call(async () => patch({ approval: { confirmation: await bridge.beginDeviceApproval(linkCode.trim()), result: null }, prefillCode: null })),
      answerDeviceApproval: (approve, confirmationCode) =>
        call(async () => {
          const confirmation = get().devices.approval.confirmation;
          if (confirmation === null) throw new Error('no device approval in progress');
          const result = await (approve
            ? bridge.approveDeviceLink(confirmation.linkId, true, confirmationCode ?? '')
            : bridge.approveDeviceLink(confirmation.linkId, false));
          patch({ approval: { confirmation, result } });
          if (approve) await get().loadDevices();
        }),
      resetDeviceApproval: () => patch({ approval: noApproval, prefillCode: null, error: null }),
      prefillApprovalCode: (code) => patch({ prefillCode: code }),
    };
  };
}

export const devicesSelectors = {
  list: (s: DevicesSlice) => s.devices.list,
  status: (s: DevicesSlice) => s.devices.status,
  approval: (s: DevicesSlice) => s.devices.approval,
  prefillCode: (s: DevicesSlice) => s.devices.prefillCode,
  busy: (s: DevicesSlice) => s.devices.busy,
  error: (s: DevicesSlice) => s.devices.error,
};
