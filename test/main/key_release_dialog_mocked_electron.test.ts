/**
 * The native confirmation before a device link releases the account key (src/main/electron/keyReleaseDialog.ts),
 * with Electron MOCKED: the Electron binary cannot be downloaded or run on these machines. The mock
 * records the message box asked for and answers a scripted button; only "Link this device" approves.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';

const recorded = vi.hoisted(() => ({
  boxes: [] as Array<{ window: unknown; options: Record<string, unknown> }>,
  response: 0,
}));

vi.mock('electron', () => ({
  dialog: {
    showMessageBox: async (...args: unknown[]) => {
      const [window, options] = args.length === 2 ? args : [null, args[0]];
      recorded.boxes.push({ window, options: options as Record<string, unknown> });
      return { response: recorded.response, checkboxChecked: false };
    },
  },
}));

const { createKeyReleaseDialog } = await import('../../src/main/electron/keyReleaseDialog');

const request = { kind: 'deviceLink' as const, deviceName: 'Alice phone', platform: 'linux', deviceId: 'device-phone1' };

beforeEach(() => {
  recorded.boxes.length = 0;
});

describe('the native key-release dialog', () => {
  it('names the device, is modal to the app window, defaults to Cancel, and approves only on "Link this device"', async () => {
    const window = { id: 'app-window' };
    const dialog = createKeyReleaseDialog(() => window as never);
    recorded.response = 0;
    expect(await dialog.confirm(request)).toBe(false);
    recorded.response = 1;
    expect(await dialog.confirm(request)).toBe(true);
    const box = recorded.boxes[0]!;
    expect(box.window).toBe(window);
    expect(box.options).toMatchObject({ buttons: ['Cancel', 'Link this device'], defaultId: 0, cancelId: 0, type: 'warning' });
    expect(box.options['message']).toBe('Link "Alice phone" (linux) to your account?');
    expect(box.options['detail']).toContain('read all your conversations');
  });

  it('still asks, unparented, when the window is gone', async () => {
    recorded.response = 1;
    expect(await createKeyReleaseDialog(() => null).confirm(request)).toBe(true);
    expect(recorded.boxes[0]?.window).toBeNull();
  });
});
