/**
 * Presentational: the members panel (add, remove, roles, history policy shown; docs/api.md, "Conversations
 * and members"). Owners and admins manage members; removing someone rotates the conversation key before
 * anyone sends again (the chat then shows the rotation line). A group can be renamed; anyone can leave.
 */
import { useState, type ReactNode } from 'react';
import type { AssignableRole } from '../../../common/domain';
import type { UserId } from '../../../common/ids';
import type { ConversationSummary } from '../../../common/ipc/schemas/conversations';
import type { UserSummary } from '../../../common/ipc/schemas/session';
import type { UserSearch } from '../state/conversationsSlice';
import type { UiError } from '../model/uiError';
import { Dialog } from './Dialog';
import { ConfirmAction } from './ConfirmAction';
import { ErrorNotice } from './ErrorNotice';
import { Field } from './Field';
import { NewContactBadge } from './NewContactBadge';
import { UserPicker } from './UserPicker';

export interface MembersPanelProps {
  conversation: ConversationSummary;
  /** Whether a member is a new contact of this user (marked with the "new" badge). */
  isNew(userId: string): boolean;
  selfUserId: string | null;
  results: UserSearch;
  busy: boolean;
  error: UiError | null;
  onSearch(query: string): void;
  onAdd(userId: UserId): void;
  onRemove(userId: UserId): void;
  onSetRole(userId: UserId, role: AssignableRole): void;
  onRename(name: string): void;
  onLeave(): void;
  onClose(): void;
  /** Further conversation settings shown in the panel (the disappearing-messages timer). */
  settings?: ReactNode;
}

export function historyPolicyText(policy: ConversationSummary['historyPolicy']): string {
  return policy === 'shared' ? 'New members can read earlier messages.' : 'New members read only messages sent after they join.';
}

export function MembersPanel(props: MembersPanelProps) {
  const { conversation: c } = props;
  const canManage = c.kind === 'group' && (c.myRole === 'owner' || c.myRole === 'admin');
  const [picked, setPicked] = useState<UserSummary[]>([]);
  const [name, setName] = useState(c.name);
  const [removing, setRemoving] = useState<string | null>(null);
  const [leaving, setLeaving] = useState(false);
  const title = c.kind === 'group' ? c.name : 'this conversation';
  return (
    <Dialog title="Members" onClose={props.onClose} testId="members-panel">
      <p data-testid="history-policy">{historyPolicyText(c.historyPolicy)}</p>
      <ul className="member-list" aria-label="Members">
        {c.members.map((m) => (
          <li key={m.userId} data-testid="member" data-user-id={m.userId}>
            <span>
              {m.displayName} <span className="muted">@{m.username}</span>
              {m.userId === props.selfUserId && <span className="muted"> (you)</span>}
              {m.userId !== props.selfUserId && props.isNew(m.userId) && (
                <>
                  {' '}
                  <NewContactBadge name={m.displayName} />
                </>
              )}
            </span>
            {canManage && m.role !== 'owner' && m.userId !== props.selfUserId ? (
              <>
                <label className="visually-hidden" htmlFor={`role-${m.userId}`}>
                  Role of {m.displayName}
                </label>
                <select
                  id={`role-${m.userId}`}
                  value={m.role}
                  disabled={props.busy}
                  onChange={(e) => props.onSetRole(m.userId as UserId, e.target.value === 'admin' ? 'admin' : 'member')}
                >
                  <option value="member">member</option>
                  <option value="admin">admin</option>
                </select>
                <button
                  type="button"
                  className="danger btn-sm"
                  disabled={props.busy}
                  onClick={() => setRemoving(m.userId)}
                  aria-label={`Remove ${m.displayName}`}
                  data-testid="remove-member"
                >
                  Remove
                </button>
                {removing === m.userId && (
                  <ConfirmAction
                    text={`Remove ${m.displayName} from ${title}? They stop receiving new messages: the conversation moves to a new key they cannot read. Messages they already received stay on their devices.`}
                    confirmLabel={`Remove ${m.displayName} now`}
                    onCancel={() => setRemoving(null)}
                    onConfirm={() => {
                      setRemoving(null);
                      props.onRemove(m.userId as UserId);
                    }}
                    testId="confirm-remove-member"
                  />
                )}
              </>
            ) : (
              <span className="role" data-testid="member-role">
                {m.role}
              </span>
            )}
          </li>
        ))}
      </ul>
      {canManage && (
        <section aria-label="Add people">
          <h3>Add people</h3>
          <UserPicker
            results={props.results}
            excluded={c.members.map((m) => m.userId)}
            selected={picked}
            single={false}
            onSearch={props.onSearch}
            onChange={setPicked}
          />
          <button
            type="button"
            className="primary"
            disabled={picked.length === 0 || props.busy}
            onClick={() => {
              for (const u of picked) props.onAdd(u.userId as UserId);
              setPicked([]);
            }}
            data-testid="add-members"
          >
            Add {picked.length > 0 ? picked.length : ''} to the conversation
          </button>
          <form
            aria-label="Rename group"
            onSubmit={(e) => {
              e.preventDefault();
              if (name.trim() !== '') props.onRename(name.trim());
            }}
          >
            <Field label="Group name" value={name} onChange={setName} maxLength={100} />
            <button type="submit" disabled={props.busy || name.trim() === '' || name.trim() === c.name}>
              Rename
            </button>
          </form>
        </section>
      )}
      {props.settings}
      <ErrorNotice error={props.error} testId="members-error" />
      <button type="button" className="danger" onClick={() => setLeaving(true)} disabled={props.busy} data-testid="leave-conversation">
        Leave conversation
      </button>
      {leaving && (
        <ConfirmAction
          text={`Leave ${title}? You stop receiving its messages, and only an admin can add you back.`}
          confirmLabel="Leave now"
          onCancel={() => setLeaving(false)}
          onConfirm={() => {
            setLeaving(false);
            props.onLeave();
          }}
          testId="confirm-leave"
        />
      )}
    </Dialog>
  );
}
