/**
 * Registers every contract method with `ipcMain.handle`, each on its Electron IPC channel (`wireChannel`).
 * A message from a frame that is not the app's own top-level page is refused before dispatch; everything
 * else goes through the shared dispatcher, which validates arguments and results.
 */
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { methodNames, wireChannel } from '../../common/ipc/methods';
import type { Dispatch } from '../ipc/dispatch';
import { isTrustedSender } from '../ipc/senderPolicy';

export function registerIpc(dispatch: Dispatch, appOrigins: readonly string[]): void {
  for (const name of methodNames) {
    ipcMain.handle(wireChannel(name), async (event: IpcMainInvokeEvent, args: unknown) => {
      const frame = event.senderFrame;
      const facts = { frameUrl: frame?.url ?? null, isMainFrame: frame !== null && frame === event.sender.mainFrame };
      if (!isTrustedSender(facts, appOrigins)) {
        return { ok: false, error: { code: 'forbidden_sender', message: 'IPC refused: sender is not the app window' } };
      }
      return dispatch(name, args);
    });
  }
}
