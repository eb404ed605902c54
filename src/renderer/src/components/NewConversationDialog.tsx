/**
 * Presentational: new direct message or new group: pick people from the directory; a group also has a
 * name and a history policy (whether new members may read earlier messages; docs/api.md, "Conversations
 * and members").
 */
import { useState, type FormEvent } from 'react';
import type { ConversationKind, HistoryPolicy } from '../../../common/domain';
import type { UserId } from '../../../common/ids';
import type { UserSummary } from '../../../common/ipc/schemas/session';
import type { UserSearch } from '../state/conversationsSlice';
import type { CreateConversationInput } from '../state/conversationsSlice';
import type { UiError } from '../model/uiError';
import { Dialog } from './Dialog';
import { ErrorNotice } from './ErrorNotice';
import { Field } from './Field';
import { UserPicker } from './UserPicker';
import { Button } from './ui/Button';

export interface NewConversationDialogProps {
  results: UserSearch;
  selfUserId: string | null;
  busy: boolean;
  error: UiError | null;
  onSearch(query: string): void;
  onCreate(input: CreateConversationInput): void;
  onClose(): void;
}

export function NewConversationDialog(props: NewConversationDialogProps) {
  const [kind, setKind] = useState<ConversationKind>('direct');
  const [name, setName] = useState('');
  const [historyPolicy, setHistoryPolicy] = useState<HistoryPolicy>('shared');
  const [selected, setSelected] = useState<UserSummary[]>([]);
  const ready = selected.length > 0 && (kind === 'direct' ? selected.length === 1 : name.trim() !== '');
  function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!ready) return;
    const memberUserIds = selected.map((u) => u.userId as UserId);
    props.onCreate(kind === 'direct' ? { kind, memberUserIds } : { kind, name: name.trim(), memberUserIds, historyPolicy });
  }
  return (
    <Dialog title="New conversation" onClose={props.onClose} testId="new-conversation-dialog">
      <form onSubmit={onSubmit} aria-label="New conversation">
        <fieldset className="choice choice-row">
          <legend>Kind</legend>
          <label>
            <input
              type="radio"
              name="kind"
              checked={kind === 'direct'}
              onChange={() => {
                setKind('direct');
                setSelected(selected.slice(0, 1));
              }}
            />{' '}
            Direct message
          </label>
          <label>
            <input type="radio" name="kind" checked={kind === 'group'} onChange={() => setKind('group')} data-testid="kind-group" /> Group
          </label>
        </fieldset>
        {kind === 'group' && (
          <>
            <Field label="Group name" value={name} onChange={setName} maxLength={100} data-testid="group-name" />
            <div className="field">
              <label htmlFor="history-policy">New members can read</label>
              <select id="history-policy" value={historyPolicy} onChange={(e) => setHistoryPolicy(e.target.value === 'joined' ? 'joined' : 'shared')}>
                <option value="shared">earlier messages too</option>
                <option value="joined">only messages after they join</option>
              </select>
            </div>
          </>
        )}
        <UserPicker
          results={props.results}
          excluded={props.selfUserId ? [props.selfUserId] : []}
          selected={selected}
          single={kind === 'direct'}
          onSearch={props.onSearch}
          onChange={setSelected}
        />
        <ErrorNotice error={props.error} testId="new-conversation-error" />
        <div className="dialog-actions">
          <Button onClick={props.onClose}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={!ready} loading={props.busy} data-testid="create-conversation">
            {kind === 'direct' ? 'Start conversation' : 'Create group'}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
