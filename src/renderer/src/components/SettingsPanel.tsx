/**
 * Presentational: settings (theme light/dark/system, notifications, read receipts, the presence status text); a setting IT manages is locked and
 * labelled with who manages it (docs/deployment.md §2, "Precedence, groups and locking").
 */
import type { Settings } from '../../../common/ipc/schemas/verification';
import type { SettingLock } from '../../../common/policy/view';
import type { UiError } from '../model/uiError';
import { useState } from 'react';
import { MAX_STATUS_TEXT } from '../../../common/protocol/presenceStatus';
import { Dialog } from './Dialog';
import { ErrorNotice } from './ErrorNotice';
import { Button } from './ui/Button';

export interface SettingsPanelProps {
  values: Settings;
  notifications: Settings['notifications'];
  notificationsLock: SettingLock;
  error: UiError | null;
  onChange(change: Partial<Settings>): void;
  onClose(): void;
  /** This user's status text (docs/messaging.md "Presence"); absent when presence is off. */
  status?: { text: string; onSave(text: string): void };
}

const THEMES: { value: Settings['theme']; label: string }[] = [
  { value: 'system', label: 'Same as the system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

const NOTIFICATIONS: { value: Settings['notifications']; label: string }[] = [
  { value: 'full', label: 'Sender and message text' },
  { value: 'sender-only', label: 'Sender only' },
  { value: 'none', label: 'No notifications' },
];

export function SettingsPanel({ values, notifications, notificationsLock, error, onChange, onClose, status }: SettingsPanelProps) {
  return (
    <Dialog title="Settings" onClose={onClose} testId="settings-panel">
      <fieldset className="choice" data-testid="theme-setting">
        <legend>Theme</legend>
        {THEMES.map((t) => (
          <label key={t.value}>
            <input type="radio" name="theme" value={t.value} checked={values.theme === t.value} onChange={() => onChange({ theme: t.value })} /> {t.label}
          </label>
        ))}
      </fieldset>
      <div className="field" data-testid="notifications-setting">
        <label htmlFor="notifications-setting">Notifications show</label>
        <select
          id="notifications-setting"
          value={notifications}
          disabled={notificationsLock.locked}
          aria-describedby={notificationsLock.locked ? 'notifications-lock' : undefined}
          onChange={(e) => {
            const next = NOTIFICATIONS.find((n) => n.value === e.target.value);
            if (next) onChange({ notifications: next.value });
          }}
        >
          {NOTIFICATIONS.map((n) => (
            <option key={n.value} value={n.value}>
              {n.label}
            </option>
          ))}
        </select>
        {notificationsLock.locked && (
          <p id="notifications-lock" className="lock-label" data-testid="notifications-lock">
            Locked: {notificationsLock.label}
          </p>
        )}
      </div>
      <div className="field" data-testid="read-receipts-setting">
        <label>
          <input
            type="checkbox"
            checked={values.readReceipts !== false}
            aria-describedby="read-receipts-hint"
            onChange={(e) => onChange({ readReceipts: e.target.checked })}
            data-testid="read-receipts"
          />{' '}
          Send read receipts
        </label>
        <p id="read-receipts-hint" className="muted">
          When this is off, others are not told which messages you read, and you do not see who read yours. Unread counts on this computer still follow what you
          read.
        </p>
      </div>
      {status !== undefined && <StatusSetting text={status.text} onSave={status.onSave} />}
      <ErrorNotice error={error} testId="settings-error" />
    </Dialog>
  );
}

/** The status text people in direct conversations see beside your presence; it travels encrypted. */
function StatusSetting({ text, onSave }: { text: string; onSave(text: string): void }) {
  const [draft, setDraft] = useState(text);
  return (
    <form
      className="field"
      data-testid="status-setting"
      onSubmit={(e) => {
        e.preventDefault();
        onSave(draft.trim());
      }}
    >
      <label htmlFor="status-text">Status</label>
      <input
        id="status-text"
        value={draft}
        maxLength={MAX_STATUS_TEXT}
        placeholder="What you are up to"
        onChange={(e) => setDraft(e.target.value)}
        aria-describedby="status-hint"
        data-testid="status-text"
      />
      <p id="status-hint" className="muted">
        Shown to the people you have direct conversations with, next to whether you are online. It is end-to-end encrypted.
      </p>
      <Button type="submit" variant="ghost" data-testid="status-save">
        Set status
      </Button>
    </form>
  );
}
