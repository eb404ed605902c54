/**
 * What the file cards of the open conversation need besides their row (docs/desktop.md "Files"): the previews
 * loaded so far, each message's newest download, and the actions — given once by the chat instead of threaded
 * through the list and every row. Without a provider (a row drawn alone) cards show no preview and no actions.
 */
import { createContext, useContext } from 'react';
import type { TransferEntry } from '../state/filesSlice';

export interface FileScope {
  /** A preview by message id: a `data:` URL, null when there is none, absent while not asked for. */
  readonly previews: Readonly<Record<string, string | null>>;
  /** The newest download of each message's file, by message id. */
  readonly downloads: Readonly<Record<string, TransferEntry>>;
  onNeedPreview?(messageId: string): void;
  onSave?(messageId: string): void;
  onForwardFile?(messageId: string): void;
  onCancel?(transferId: string): void;
  onRetry?(transferId: string): void;
}

export const FileContext = createContext<FileScope>({ previews: {}, downloads: {} });

export function useFileScope(): FileScope {
  return useContext(FileContext);
}
