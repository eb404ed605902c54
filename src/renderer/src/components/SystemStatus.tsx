/** Presentational: shows app version and keychain availability. Props only, no store access. */
import type { AppInfo, KeychainStatus } from '../../../common/ipc/contract';

export interface SystemStatusProps {
  status: 'idle' | 'loading' | 'ready' | 'error';
  info: AppInfo | null;
  keychain: KeychainStatus | null;
  error: string | null;
}

export function SystemStatus({ status, info, keychain, error }: SystemStatusProps) {
  if (status === 'error') return <p role="alert">Could not reach the app core: {error}</p>;
  if (status !== 'ready' || !info || !keychain) return <p aria-busy="true">Connecting to the app core…</p>;
  return (
    <dl className="system-status" aria-label="Installation">
      <dt>Version</dt>
      <dd data-testid="app-version">
        {info.name} {info.version}
      </dd>
      <dt>Runtime</dt>
      <dd data-testid="app-runtime">
        {info.runtime} {info.runtimeVersion} on {info.platform}
      </dd>
      <dt>Keychain</dt>
      <dd data-testid="keychain-status" className={keychain.available ? 'ok' : 'bad'}>
        {keychain.available ? 'available' : 'unavailable'} — {keychain.backend}
        {keychain.detail ? ` (${keychain.detail})` : ''}
      </dd>
    </dl>
  );
}
