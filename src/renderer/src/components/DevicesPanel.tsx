/**
 * Presentational: devices (list, link, revoke; docs/client.md, "Revoked devices"). Lists this user's
 * devices; revoking one rotates the keys of its conversations. The account's sessions come in as children. "Link another device" is the approve flow:
 * enter (or paste from a scan) the new device's link code, then type the confirmation code the new device
 * shows and approve (main checks the code; this page is never told it), or reject. `initialCode` pre-fills
 * the link code field (from a deep link); nothing happens until the user continues. The recovery key has a
 * section here (docs/desktop.md "Recovery key"); revoking the last other device says that this computer is
 * then the account's only one, and offers to check the recovery key first.
 */
import { useState, type ReactNode } from 'react';
import type { DeviceId } from '../../../common/ids';
import type { DeviceSummary } from '../../../common/ipc/schemas/devices';
import type { LinkConfirmation } from '../state/devicesSlice';
import type { LinkStatus } from '../state/sessionSlice';
import type { UiError } from '../model/uiError';
import { Dialog } from './Dialog';
import { ConfirmAction } from './ConfirmAction';
import { ErrorNotice } from './ErrorNotice';
import { Field } from './Field';
import { approvalResultText } from '../model/linkState';
import type { RecoveryStatus } from '../state/recoverySlice';

export interface DevicesPanelProps {
  devices: readonly DeviceSummary[];
  loading: boolean;
  approval: { confirmation: LinkConfirmation | null; result: LinkStatus | null };
  busy: boolean;
  error: UiError | null;
  /** Pre-filled link code (a `seed-messenger://link-device` link); the user still continues and compares. */
  initialCode?: string;
  onRevoke(id: DeviceId): void;
  onBeginApproval(linkCode: string): void;
  /** Approve with the confirmation code typed from the new device, or reject. */
  onAnswer(approve: boolean, confirmationCode?: string): void;
  onResetApproval(): void;
  onClose(): void;
  /** The account's sessions (SessionsSection), shown after the devices. */
  children?: ReactNode;
  /** The account's recovery key as main reports it (null: not known yet), and opening its dialog. */
  recovery?: { state: RecoveryStatus['state'] | null; onOpen(): void };
}

const RECOVERY_TEXT: Record<RecoveryStatus['state'], string> = {
  none: 'Your account has no recovery key: if you lose all your devices, you lose your account.',
  unconfirmed: 'Your account has a recovery key that you have not confirmed on this device yet.',
  confirmed: 'Your recovery key is set up and confirmed on this device.',
  replaced: 'Your recovery key was replaced on another device; check that you have the new one.',
  changed: 'The key backup on the server was changed without your account’s signature; make a new recovery key.',
};

/** Whether revoking `d` leaves this device as the account's only active one. */
function leavesOnlyThisDevice(devices: readonly DeviceSummary[], d: DeviceSummary): boolean {
  return devices.filter((x) => x.revokedAt === null && x.deviceId !== d.deviceId).every((x) => x.current);
}

export function DevicesPanel(props: DevicesPanelProps) {
  const [code, setCode] = useState(props.initialCode ?? '');
  const [confirmationCode, setConfirmationCode] = useState('');
  const { confirmation, result } = props.approval;
  const [revoking, setRevoking] = useState<DeviceSummary | null>(null);
  return (
    <Dialog title="Devices" onClose={props.onClose} testId="devices-panel">
      {props.loading && <p aria-busy="true">Loading devices…</p>}
      <ul className="device-list" aria-label="Your devices">
        {props.devices.map((d) => (
          <li key={d.deviceId} data-testid="device" data-device-id={d.deviceId}>
            <span>
              {d.name} <span className="muted">{d.platform}</span>
              {d.current && <span className="badge-text"> this device</span>}
              {d.revokedAt !== null && <span className="bad"> revoked {new Date(d.revokedAt).toLocaleDateString()}</span>}
            </span>
            {!d.current && d.revokedAt === null && (
              <button
                type="button"
                className="danger btn-sm"
                disabled={props.busy}
                onClick={() => setRevoking(d)}
                aria-label={`Revoke ${d.name}`}
                data-testid="revoke-device"
              >
                Revoke
              </button>
            )}
            {revoking?.deviceId === d.deviceId && leavesOnlyThisDevice(props.devices, d) && (
              <div className="banner warning" data-testid="last-other-device-warning">
                <p>
                  After this, this computer is the only device on your account. If you then lose it or sign out, only your recovery key and your password can
                  bring your account and its messages back.
                </p>
                {props.recovery && (
                  <p>
                    <button type="button" onClick={props.recovery.onOpen} data-testid="revoke-check-recovery">
                      {props.recovery.state === 'none' ? 'Make a recovery key first' : 'Check my recovery key first'}
                    </button>
                  </p>
                )}
              </div>
            )}
            {revoking?.deviceId === d.deviceId && (
              <ConfirmAction
                text={`Revoke ${d.name}? It is signed out and its keys are erased the next time it connects; your conversations move to new keys it cannot read. To use it again you link it again.`}
                confirmLabel={`Revoke ${d.name}`}
                onCancel={() => setRevoking(null)}
                onConfirm={() => {
                  setRevoking(null);
                  props.onRevoke(d.deviceId as DeviceId);
                }}
                testId="confirm-revoke-device"
              />
            )}
          </li>
        ))}
      </ul>
      {props.children}
      {props.recovery && (
        <section aria-label="Recovery key" data-testid="devices-recovery">
          <h3>Recovery key</h3>
          <p>{props.recovery.state === null ? 'Checking your recovery key…' : RECOVERY_TEXT[props.recovery.state]}</p>
          <button type="button" onClick={props.recovery.onOpen} data-testid="open-recovery">
            {props.recovery.state === 'none' ? 'Make a recovery key' : 'Check or replace the recovery key'}
          </button>
        </section>
      )}
      <section aria-label="Link another device">
        <h3>Link another device</h3>
        {confirmation === null ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (code.trim() !== '') props.onBeginApproval(code.trim());
            }}
          >
            <Field
              label="Link code shown on the new device (or the content of its QR code)"
              value={code}
              onChange={setCode}
              maxLength={2048}
              autoComplete="off"
              data-testid="approval-code"
            />
            <button type="submit" disabled={props.busy || code.trim() === ''} data-testid="approval-begin">
              Continue
            </button>
          </form>
        ) : (
          <div data-testid="approval-confirm">
            <p>
              <strong>{confirmation.newDeviceName}</strong> asks to be linked to your account. It will read all your conversations. Approve only if it is your
              own device and you started the link on it just now.
            </p>
            {result === null ? (
              <form
                onSubmit={(e) => {
                  e.preventDefault();
                  if (confirmationCode.trim() !== '') props.onAnswer(true, confirmationCode.trim());
                }}
              >
                <Field
                  label={`Confirmation code shown on ${confirmation.newDeviceName}`}
                  value={confirmationCode}
                  onChange={setConfirmationCode}
                  inputMode="numeric"
                  maxLength={32}
                  autoComplete="off"
                  data-testid="approval-confirmation-code"
                />
                <button type="submit" disabled={props.busy || confirmationCode.trim() === ''} data-testid="approval-approve">
                  Approve
                </button>
                <button type="button" disabled={props.busy} onClick={() => props.onAnswer(false)} data-testid="approval-reject">
                  Reject
                </button>
              </form>
            ) : (
              <>
                <p role="status" data-testid="approval-result">
                  {approvalResultText(result)}
                </p>
                <button
                  type="button"
                  onClick={() => {
                    setCode('');
                    setConfirmationCode('');
                    props.onResetApproval();
                  }}
                >
                  Done
                </button>
              </>
            )}
          </div>
        )}
      </section>
      <ErrorNotice error={props.error} testId="devices-error" />
    </Dialog>
  );
}
