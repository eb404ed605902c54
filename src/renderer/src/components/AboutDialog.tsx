/**
 * Presentational: the "About" dialog (issue [ui]: installation detail lives here, not in a permanent
 * footer): the app's name and version, the runtime, the keychain backend main keeps keys in, the crypto library main's core runs on, and where
 * the security details are. Props only, no store access.
 */
import type { AppInfo, KeychainStatus } from '../../../common/ipc/contract';
import { Dialog } from './Dialog';

export interface AboutDialogProps {
  info: AppInfo;
  keychain: KeychainStatus;
  onClose(): void;
}

export function AboutDialog({ info, keychain, onClose }: AboutDialogProps) {
  return (
    <Dialog title={`About ${info.name}`} onClose={onClose} testId="about-dialog">
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
        <dt>Encryption</dt>
        <dd data-testid="app-crypto">
          {info.cryptoProvider ? `${info.cryptoProvider}, in` : 'In'} the app core, outside this window: this window never holds a key.
        </dd>
      </dl>
      <details className="security-details" data-testid="security-details">
        <summary>Security details</summary>
        <p>
          Messages are encrypted on this computer before they leave it, for the devices of the people in the conversation. The servers carry them but cannot
          read them, and cannot add anyone to a conversation: every membership change is signed by a member&apos;s device and checked here.
        </p>
        <p>
          Your device keys are kept in the system keychain above. Compare safety numbers in a conversation&apos;s Security panel to be sure you talk to the
          right people. What the app protects against, and what it does not, is written down in its threat model (docs/threat-model.md, shipped with the
          source).
        </p>
      </details>
    </Dialog>
  );
}
