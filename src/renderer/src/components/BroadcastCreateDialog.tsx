/**
 * Presentational: the "New channel" dialog (docs/broadcast.md §8.1): a name and, optionally, the URL of a
 * custom key manager (empty: the organisation's own). The form's own check and main's typed error are shown
 * here.
 */
import { useState } from 'react';
import type { UiError } from '../model/uiError';
import { Dialog } from './Dialog';
import { ErrorNotice } from './ErrorNotice';
import { Field } from './Field';

export interface BroadcastCreateDialogProps {
  busy: boolean;
  formError: { field: 'name' | 'keyManagerUrl'; message: string } | null;
  error: UiError | null;
  onCreate(name: string, keyManagerUrl: string): void;
  onClose(): void;
}

export function BroadcastCreateDialog({ busy, formError, error, onCreate, onClose }: BroadcastCreateDialogProps) {
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  return (
    <Dialog title="New channel" onClose={onClose} testId="new-channel-dialog">
      <form
        aria-label="New channel"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          onCreate(name, url);
        }}
      >
        <Field label="Channel name" value={name} onChange={setName} maxLength={100} aria-invalid={formError?.field === 'name'} data-testid="channel-name" />
        <Field
          label="Custom key manager URL (optional)"
          type="url"
          value={url}
          onChange={setUrl}
          placeholder="https://km.example.com"
          aria-invalid={formError?.field === 'keyManagerUrl'}
          data-testid="channel-key-manager-input"
        />
        <p className="muted">Leave it empty to use your organisation’s key manager. Whoever runs the key manager can read the channel.</p>
        {formError !== null && (
          <p role="alert" className="error-notice" data-testid="new-channel-invalid">
            {formError.message}
          </p>
        )}
        <ErrorNotice error={error} testId="new-channel-error" />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" disabled={busy} data-testid="create-channel">
            {busy ? 'Creating…' : 'Create channel'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
