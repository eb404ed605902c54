/**
 * Presentational: the installation's status line — only an "About" button (the version, runtime and
 * keychain are in the About dialog), a warning when the keychain is unavailable, or why the app core
 * cannot be reached. Props only, no store access; whether the dialog is open is local UI state.
 */
import { useState } from 'react';
import type { AppInfo, KeychainStatus } from '../../../common/ipc/contract';
import { AboutDialog } from './AboutDialog';
import { Button } from './ui/Button';

export interface SystemStatusProps {
  status: 'idle' | 'loading' | 'ready' | 'error';
  info: AppInfo | null;
  keychain: KeychainStatus | null;
  error: string | null;
}

export function SystemStatus({ status, info, keychain, error }: SystemStatusProps) {
  const [about, setAbout] = useState(false);
  if (status === 'error') return <p role="alert">Could not reach the app core: {error}</p>;
  if (status !== 'ready' || !info || !keychain) return <p aria-busy="true">Connecting to the app core…</p>;
  return (
    <div className="system-line-footer">
      <Button variant="ghost" size="sm" onClick={() => setAbout(true)} data-testid="open-about">
        About
      </Button>
      {!keychain.available && (
        <span className="bad" data-testid="keychain-warning">
          The system keychain is unavailable — see About.
        </span>
      )}
      {about && <AboutDialog info={info} keychain={keychain} onClose={() => setAbout(false)} />}
    </div>
  );
}
