/**
 * Presentational: an inline confirmation for an action that cannot be undone (removing a member, revoking a
 * device, leaving a conversation). It names who or what is affected and what follows, as an alertdialog
 * inside the open panel (or a Dialog: "Cancel" is its autofocus control too); focus moves to "Cancel" (the
 * safe choice), Escape cancels, and the danger button says exactly what it does.
 */
import { useEffect, useId, useRef } from 'react';

export interface ConfirmActionProps {
  /** The question and its consequences, as sentences. */
  text: string;
  /** The danger button's label, e.g. "Remove Bob". */
  confirmLabel: string;
  onConfirm(): void;
  onCancel(): void;
  testId?: string;
}

export function ConfirmAction({ text, confirmLabel, onConfirm, onCancel, testId }: ConfirmActionProps) {
  const cancel = useRef<HTMLButtonElement>(null);
  const textId = useId();
  useEffect(() => cancel.current?.focus(), []);
  return (
    <div
      role="alertdialog"
      aria-labelledby={textId}
      className="confirm-action"
      data-testid={testId}
      onKeyDown={(e) => {
        if (e.key !== 'Escape') return;
        e.preventDefault();
        e.stopPropagation();
        onCancel();
      }}
    >
      <p id={textId}>{text}</p>
      <div className="confirm-actions">
        <button type="button" ref={cancel} onClick={onCancel} data-autofocus>
          Cancel
        </button>
        <button type="button" className="danger" onClick={onConfirm} data-testid={testId === undefined ? undefined : `${testId}-button`}>
          {confirmLabel}
        </button>
      </div>
    </div>
  );
}
