/**
 * Presentational: pick any emoji as a reaction (issue [chat]; docs/desktop.md "Reactions"). A grid of
 * emoji — the ones this user used most first, then a fixed set — each a button; and a text box for any other
 * emoji or short code (1–64 characters, no spaces or control characters: `isReactionValue`, what the
 * pipeline accepts). A value this user already chose on the message reads "Remove"; picking it removes it.
 */
import { useState } from 'react';
import { isReactionValue, MAX_REACTION_LENGTH } from '../../../common/messaging/annotations';
import { Dialog } from './Dialog';
import { Button } from './ui/Button';

/** The fixed set after the frequently used ones. */
export const PICKER_EMOJI = ['👍', '❤️', '😂', '🎉', '🙏', '👀', '🚀', '✅', '🔥', '😮', '😢', '👏', '💯', '🤔', '😊', '🙌'] as const;

/** The picker's order: the most used first (ties by first use), then the fixed set; each once. */
export function pickerOrder(used: Readonly<Record<string, number>>): string[] {
  const frequent = Object.entries(used)
    .filter(([v, n]) => n > 0 && isReactionValue(v))
    .sort((a, b) => b[1] - a[1])
    .map(([v]) => v);
  return [...new Set([...frequent.slice(0, 8), ...PICKER_EMOJI])];
}

export interface ReactionPickerProps {
  /** The emoji this user used, with how often. */
  used: Readonly<Record<string, number>>;
  /** The values this user already chose on the message. */
  mine: readonly string[];
  onPick(value: string, mine: boolean): void;
  onClose(): void;
}

export function ReactionPicker({ used, mine, onPick, onClose }: ReactionPickerProps) {
  const [other, setOther] = useState('');
  const value = other.trim();
  const valid = isReactionValue(value);
  return (
    <Dialog title="React with an emoji" onClose={onClose} testId="reaction-picker">
      <div className="reaction-grid" role="group" aria-label="Emoji">
        {pickerOrder(used).map((v, i) => {
          const chosen = mine.includes(v);
          return (
            <button
              key={v}
              type="button"
              className="reaction-choice"
              aria-pressed={chosen}
              aria-label={chosen ? `Remove reaction ${v}` : `React with ${v}`}
              onClick={() => onPick(v, chosen)}
              data-autofocus={i === 0 ? true : undefined}
              data-testid="reaction-choice"
            >
              {v}
            </button>
          );
        })}
      </div>
      <form
        className="reaction-other"
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) onPick(value, mine.includes(value));
        }}
      >
        <label>
          Any other emoji
          <input value={other} maxLength={MAX_REACTION_LENGTH} onChange={(e) => setOther(e.target.value)} data-testid="reaction-other" />
        </label>
        <Button type="submit" size="sm" disabled={!valid} data-testid="reaction-other-send">
          React
        </Button>
      </form>
    </Dialog>
  );
}
