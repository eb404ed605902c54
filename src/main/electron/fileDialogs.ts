/**
 * Main's own open and save dialogs for files (src/main/desktop/fileHandlers.ts): Electron's native dialogs,
 * modal to the app window. The only way a path reaches main: the page can ask for a dialog, never name a path.
 */
import { dialog, type BrowserWindow } from 'electron';
import type { FileDialogs } from '../desktop/fileHandlers';

export function createFileDialogs(window: () => BrowserWindow | null): FileDialogs {
  return {
    async chooseFileToSend() {
      const win = window();
      const options = { title: 'Send a file', properties: ['openFile' as const] };
      const { canceled, filePaths } = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      return canceled ? null : (filePaths[0] ?? null);
    },
    async chooseSavePath(suggestedName) {
      const win = window();
      const options = { title: 'Save file', defaultPath: suggestedName };
      const { canceled, filePath } = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
      return canceled || filePath === undefined || filePath === '' ? null : filePath;
    },
  };
}
