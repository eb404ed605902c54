/**
 * Presentational: user search with selectable results (new DM, new group, add member). Typing searches the
 * directory through main; each result is a checkbox (or a radio when only one may be picked).
 */
import { useState } from 'react';
import type { UserSummary } from '../../../common/ipc/schemas/session';
import type { UserSearch } from '../state/conversationsSlice';
import { Field } from './Field';

export interface UserPickerProps {
  /** The latest answer of the directory; shown only while it answers what is typed now. */
  results: UserSearch;
  excluded: readonly string[];
  selected: readonly UserSummary[];
  single: boolean;
  onSearch(query: string): void;
  onChange(selected: UserSummary[]): void;
}

/**
 * Who the picker offers for what is typed: only the people of an answer to that very query. Until main
 * answers it, an earlier query's people are not offered (a quick click would pick the wrong person).
 */
export function offeredPeople(
  typed: string,
  results: UserSearch,
  excluded: readonly string[],
): { shown: readonly UserSummary[]; state: 'idle' | 'searching' | 'none' | 'found' } {
  const asked = typed.trim();
  if (asked === '') return { shown: [], state: 'idle' };
  if (results.query !== asked) return { shown: [], state: 'searching' };
  const shown = results.users.filter((u) => !excluded.includes(u.userId));
  return { shown, state: shown.length === 0 ? 'none' : 'found' };
}

export function UserPicker({ results, excluded, selected, single, onSearch, onChange }: UserPickerProps) {
  const [query, setQuery] = useState('');
  const { shown, state } = offeredPeople(query, results, excluded);
  const isSelected = (u: UserSummary) => selected.some((s) => s.userId === u.userId);
  function toggle(u: UserSummary) {
    if (single) onChange([u]);
    else onChange(isSelected(u) ? selected.filter((s) => s.userId !== u.userId) : [...selected, u]);
  }
  return (
    <fieldset className="user-picker">
      <legend>People</legend>
      <Field
        label="Find people by username"
        type="search"
        value={query}
        onChange={(q) => {
          setQuery(q);
          onSearch(q);
        }}
        data-testid="user-search"
      />
      {selected.length > 0 && <p data-testid="selected-users">Selected: {selected.map((u) => u.displayName).join(', ')}</p>}
      <ul className="user-results">
        {shown.map((u) => (
          <li key={u.userId}>
            <label>
              <input type={single ? 'radio' : 'checkbox'} name="user-pick" checked={isSelected(u)} onChange={() => toggle(u)} data-testid="user-result" />
              {u.displayName} <span className="muted">@{u.username}</span>
            </label>
          </li>
        ))}
      </ul>
      {state === 'searching' && (
        <p className="muted" role="status">
          Searching…
        </p>
      )}
      {state === 'none' && <p className="muted">No one found.</p>}
    </fieldset>
  );
}
