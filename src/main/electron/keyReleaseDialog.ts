/**
 * The native confirmation before a device link releases the account key (src/main/desktop/keyRelease.ts):
 * Electron's message box, modal to the app window, naming the device. The page cannot answer it; Cancel
 * is the default and what Escape or closing the box means.
 */
import { dialog, type BrowserWindow } from 'electron';
import { keyReleaseDialogText, type KeyReleaseConfirmation } from '../desktop/keyRelease';

export function createKeyReleaseDialog(window: () => BrowserWindow | null): KeyReleaseConfirmation {
  return {
    async confirm(request) {
      const text = keyReleaseDialogText(request);
      const options = { type: 'warning' as const, ...text, defaultId: 0, cancelId: 0, noLink: true };
      const win = window();
      const { response } = win ? await dialog.showMessageBox(win, options) : await dialog.showMessageBox(options);
      return response === 1;
    },
  };
}
