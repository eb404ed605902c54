/**
 * Presentational: a file in the chat (docs/desktop.md "Files"): an icon by type, the name (bidirectional
 * controls removed and isolated, so "\u202Egnp.exe" cannot read "exe.png"), the size in people's units and the
 * type; for an image, a preview asked for only once the card is on screen; the caption; a transfer's progress
 * bar with Cancel while it runs, its sentence and Retry after a failure or a cancel; "Save as…" and "Forward…".
 * `FileTransferCard` is the same card for an upload still on its way (above the composer).
 */
import { useEffect, useRef } from 'react';
import { mediaTypeOfName } from '../../../common/attachments/mediaTypeOf';
import { FILE_KIND_LABEL, fileKind, fileMeta, shownFileName, transferLine, transferPercent, type FileKind, type FileView } from '../model/fileView';
import type { TransferEntry } from '../state/filesSlice';
import { Button } from './ui/Button';

/** The short type drawn on a card's icon (an SVG page, so it shows without an emoji font). */
const ICON_LABEL: Readonly<Record<FileKind, string>> = {
  image: 'IMG',
  pdf: 'PDF',
  video: 'VID',
  audio: 'AUD',
  archive: 'ZIP',
  text: 'TXT',
  document: 'DOC',
  spreadsheet: 'XLS',
  presentation: 'PPT',
  other: 'FILE',
};

/** A page with a folded corner and the kind's short label; decorative (the type is said in words beside it). */
function FileIcon({ kind }: { kind: FileKind }) {
  return (
    <svg className={`file-icon kind-${kind}`} viewBox="0 0 32 40" width="32" height="40" aria-hidden="true" focusable="false">
      <path d="M4 1.5h17l9 9v26a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2v-33a2 2 0 0 1 2-2z" fill="none" stroke="currentColor" strokeWidth="1.5" />
      <path d="M21 1.5v7a2 2 0 0 0 2 2h7" fill="none" stroke="currentColor" strokeWidth="1.5" />
      <text x="16" y="30" textAnchor="middle" fontSize="8" fontWeight="700" fill="currentColor">
        {ICON_LABEL[kind]}
      </text>
    </svg>
  );
}

export interface FileCardProps {
  file: FileView;
  /** The preview: a `data:` URL; null when there is none; undefined while not loaded. */
  preview?: string | null;
  /** The newest download of this file, if any. */
  transfer?: TransferEntry;
  /** Asked once the card is on screen, for a file with a preview not loaded yet. */
  onNeedPreview?(): void;
  onSave?(): void;
  onForward?(): void;
  onCancel?(transferId: string): void;
  onRetry?(transferId: string): void;
}

export function FileCard({ file, preview, transfer, onNeedPreview, onSave, onForward, onCancel, onRetry }: FileCardProps) {
  const name = shownFileName(file.fileName);
  const kind = fileKind(file.mediaType);
  const card = useRef<HTMLDivElement>(null);
  const wantsPreview = file.thumbnail !== null && preview === undefined && onNeedPreview !== undefined;
  // Lazy: the preview's bytes are asked for only when the card is on screen.
  useEffect(() => {
    if (!wantsPreview) return;
    const el = card.current;
    if (el === null || typeof IntersectionObserver === 'undefined') {
      onNeedPreview?.();
      return;
    }
    const seen = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        seen.disconnect();
        onNeedPreview?.();
      }
    });
    seen.observe(el);
    return () => seen.disconnect();
  }, [wantsPreview, onNeedPreview]);
  const running = transfer?.state === 'running';
  return (
    <div ref={card} className={`file-card kind-${kind}`} data-testid="file-card" data-kind={kind}>
      {file.thumbnail !== null && typeof preview === 'string' && (
        <img
          className="file-preview"
          src={preview}
          width={file.thumbnail.width}
          height={file.thumbnail.height}
          alt={`Preview of ${name}`}
          data-testid="file-preview"
        />
      )}
      <div className="file-row">
        <FileIcon kind={kind} />
        <span className="file-info">
          <bdi className="file-name" data-testid="file-name" title={name}>
            {name}
          </bdi>
          <span className="file-meta muted" data-testid="file-meta">
            {fileMeta(file)}
          </span>
        </span>
        <span className="file-actions">
          {onSave !== undefined && (
            <Button size="sm" onClick={onSave} disabled={running} aria-label={`Save ${name} as…`} data-testid="file-save">
              Save as…
            </Button>
          )}
          {onForward !== undefined && (
            <Button size="sm" variant="ghost" onClick={onForward} aria-label={`Forward ${name}`} data-testid="file-forward">
              Forward…
            </Button>
          )}
        </span>
      </div>
      {file.caption !== undefined && (
        <p className="file-caption" dir="auto" data-testid="file-caption">
          {file.caption}
        </p>
      )}
      {transfer !== undefined && <TransferStatus transfer={transfer} name={name} onCancel={onCancel} onRetry={onRetry} />}
    </div>
  );
}

/** A transfer's bar and line, with Cancel while it runs and Retry after a failure or a cancel. */
function TransferStatus({
  transfer,
  name,
  onCancel,
  onRetry,
}: {
  transfer: TransferEntry;
  name: string;
  onCancel?: ((transferId: string) => void) | undefined;
  onRetry?: ((transferId: string) => void) | undefined;
}) {
  const verb = transfer.direction === 'upload' ? 'Sending' : 'Downloading';
  return (
    <div className={`file-transfer ${transfer.state}`} data-testid="file-transfer" data-state={transfer.state}>
      {transfer.state === 'running' && (
        <progress className="file-progress" max={100} value={transferPercent(transfer)} aria-label={`${verb} ${name}`} data-testid="file-progress" />
      )}
      <span className="file-transfer-line" role={transfer.state === 'failed' ? 'alert' : 'status'} data-testid="file-transfer-line">
        {transferLine(transfer)}
      </span>
      {transfer.state === 'running' && onCancel !== undefined && (
        <Button
          size="sm"
          variant="ghost"
          onClick={() => onCancel(transfer.transferId)}
          aria-label={`Cancel ${verb.toLowerCase()} ${name}`}
          data-testid="file-cancel"
        >
          Cancel
        </Button>
      )}
      {(transfer.state === 'failed' || transfer.state === 'cancelled') && onRetry !== undefined && (
        <Button size="sm" onClick={() => onRetry(transfer.transferId)} aria-label={`Retry ${name}`} data-testid="file-retry">
          Retry
        </Button>
      )}
    </div>
  );
}

export interface FileTransfersProps {
  /** This conversation's uploads on their way (running, failed, cancelled). */
  uploads: readonly TransferEntry[];
  onCancel(transferId: string): void;
  onRetry(transferId: string): void;
  onDismiss(transferId: string): void;
}

/** The uploads of the open conversation still on their way, above the composer. */
export function FileTransfers({ uploads, onCancel, onRetry, onDismiss }: FileTransfersProps) {
  if (uploads.length === 0) return null;
  return (
    <ul className="file-uploads" aria-label="Files being sent" data-testid="file-uploads">
      {uploads.map((t) => {
        const name = shownFileName(t.fileName);
        return (
          <li key={t.transferId} className="file-card upload" data-testid="file-upload">
            <div className="file-row">
              <FileIcon kind={fileKind(mediaTypeOfName(t.fileName))} />
              <span className="file-info">
                <bdi className="file-name" data-testid="file-name">
                  {name}
                </bdi>
                <span className="file-meta muted">{FILE_KIND_LABEL[fileKind(mediaTypeOfName(t.fileName))]}</span>
              </span>
              {t.state !== 'running' && (
                <span className="file-actions">
                  <Button
                    size="sm"
                    variant="ghost"
                    onClick={() => onDismiss(t.transferId)}
                    aria-label={`Remove ${name} from this list`}
                    data-testid="file-dismiss"
                  >
                    Remove
                  </Button>
                </span>
              )}
            </div>
            <TransferStatus transfer={t} name={name} onCancel={onCancel} onRetry={onRetry} />
          </li>
        );
      })}
    </ul>
  );
}
