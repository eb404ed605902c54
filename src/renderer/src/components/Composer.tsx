/**
 * Presentational: the chat's multiline composer: Enter sends, Shift+Enter starts a new line
 * (model/composerKeys.ts). Disabled, with the reason shown, while sending is blocked (an identity change
 * not yet acknowledged, or policy requiring verified contacts). Offline it stays enabled: sends are queued.
 */
import { useId, type KeyboardEvent } from 'react';
import { composerKeyAction } from '../model/composerKeys';

export interface ComposerProps {
  value: string;
  disabledReason: string | null;
  /** Replaces the keyboard hint (e.g. that sends wait for the network). */
  hint?: string | null;
  onChange(value: string): void;
  onSend(): void;
}

export function Composer({ value, disabledReason, hint, onChange, onSend }: ComposerProps) {
  const id = useId();
  const hintId = useId();
  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (composerKeyAction({ key: e.key, shiftKey: e.shiftKey, isComposing: e.nativeEvent.isComposing }) === 'send') {
      e.preventDefault();
      onSend();
    }
  }
  const disabled = disabledReason !== null;
  return (
    <form
      className="composer"
      aria-label="Send a message"
      onSubmit={(e) => {
        e.preventDefault();
        onSend();
      }}
    >
      <label htmlFor={id} className="visually-hidden">
        Message
      </label>
      <textarea
        id={id}
        value={value}
        rows={2}
        disabled={disabled}
        aria-describedby={hintId}
        placeholder={disabled ? '' : 'Write a message'}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={onKeyDown}
        data-testid="composer-input"
      />
      <button type="submit" disabled={disabled || value.trim() === ''} data-testid="composer-send">
        Send
      </button>
      <p id={hintId} className="muted composer-hint" data-testid="composer-hint">
        {disabledReason ?? hint ?? 'Enter to send, Shift+Enter for a new line'}
      </p>
    </form>
  );
}
