/**
 * Presentational: user search with selectable results (new DM, new group, add member). Typing searches the
 * directory through main; each result is a checkbox (or a radio when only one may be picked).
 */
import { useState } from 'react';
import type { UserSummary } from '../../../common/ipc/schemas/session';
import { Field } from './Field';

export interface UserPickerProps {
  results: readonly UserSummary[];
  excluded: readonly string[];
  selected: readonly UserSummary[];
  single: boolean;
  onSearch(query: string): void;
  onChange(selected: UserSummary[]): void;
}

export function UserPicker({ results, excluded, selected, single, onSearch, onChange }: UserPickerProps) {
  const [query, setQuery] = useState('');
  const shown = query.trim() === '' ? [] : results.filter((u) => !excluded.includes(u.userId));
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
      {query.trim() !== '' && shown.length === 0 && <p className="muted">No one found.</p>}
    </fieldset>
  );
}
