/**
 * Presentational: the owner's access dialog of a channel (docs/broadcast.md §2.1, §4): pick a
 * person (UserPicker), then grant or withdraw the subscriber or publisher role, or revoke them as a
 * reader — which asks first, because it moves the channel to a new key version they cannot fetch and
 * takes their roles away (what they already read stays readable to them).
 */
import { useState } from 'react';
import { ChannelRoleKindSchema } from '../../../common/domain';
import type { UserId } from '../../../common/ids';
import type { UserSummary } from '../../../common/ipc/schemas/session';
import type { UserSearch } from '../state/conversationsSlice';
import type { ChannelRole } from '../state/broadcastSlice';
import type { UiError } from '../model/uiError';
import { Dialog } from './Dialog';
import { ErrorNotice } from './ErrorNotice';
import { UserPicker } from './UserPicker';

export interface BroadcastAccessDialogProps {
  channelName: string;
  selfUserId: string | null;
  results: UserSearch;
  busy: boolean;
  error: UiError | null;
  notice: string | null;
  onSearch(query: string): void;
  onSetRole(userId: UserId, role: ChannelRole, granted: boolean): void;
  onRevoke(userId: UserId, name: string): void;
  onClose(): void;
}

export function BroadcastAccessDialog(props: BroadcastAccessDialogProps) {
  const [picked, setPicked] = useState<UserSummary[]>([]);
  const [role, setRole] = useState<ChannelRole>('subscriber');
  const [confirming, setConfirming] = useState(false);
  const person = picked[0] ?? null;
  const disabled = person === null || props.busy;
  return (
    <Dialog title={`Access to ${props.channelName}`} onClose={props.onClose} testId="channel-access-dialog">
      <UserPicker
        results={props.results}
        excluded={props.selfUserId === null ? [] : [props.selfUserId]}
        selected={picked}
        single
        onSearch={props.onSearch}
        onChange={setPicked}
      />
      <fieldset className="choice">
        <legend>Role</legend>
        {ChannelRoleKindSchema.options.map((r) => (
          <label key={r}>
            <input type="radio" name="channel-role" value={r} checked={role === r} onChange={() => setRole(r)} data-testid={`channel-role-${r}`} />{' '}
            {r === 'subscriber' ? 'Subscriber (reads posts)' : 'Publisher (posts to the channel)'}
          </label>
        ))}
      </fieldset>
      <div className="dialog-actions">
        <button
          type="button"
          disabled={disabled}
          onClick={() => person && props.onSetRole(person.userId as UserId, role, true)}
          data-testid="grant-channel-role"
        >
          Grant
        </button>
        <button
          type="button"
          disabled={disabled}
          onClick={() => person && props.onSetRole(person.userId as UserId, role, false)}
          data-testid="withdraw-channel-role"
        >
          Withdraw
        </button>
        <button type="button" className="danger" disabled={disabled} onClick={() => setConfirming(true)} data-testid="revoke-channel-reader">
          Remove reader…
        </button>
      </div>
      {props.notice !== null && (
        <p role="status" className="ok" data-testid="channel-access-notice">
          {props.notice}
        </p>
      )}
      <ErrorNotice error={props.error} testId="channel-access-error" />
      {confirming && person !== null && (
        <div role="alertdialog" aria-labelledby="revoke-title" className="banner warning" data-testid="confirm-revoke">
          <p id="revoke-title">
            Remove {person.displayName} from {props.channelName}? The channel moves to a new key that {person.displayName} cannot fetch, and their roles are
            withdrawn. Posts they could already read stay readable to them. This cannot be undone.
          </p>
          <button type="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
          <button
            type="button"
            className="danger"
            onClick={() => {
              setConfirming(false);
              props.onRevoke(person.userId as UserId, person.displayName);
            }}
            data-testid="confirm-revoke-button"
          >
            Remove {person.displayName}
          </button>
        </div>
      )}
    </Dialog>
  );
}
