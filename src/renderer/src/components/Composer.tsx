/**
 * Presentational: the chat's multiline composer: Enter sends, Shift+Enter starts a new line
 * (model/composerKeys.ts). Disabled, with the reason shown, while sending is blocked (an identity change
 * not yet acknowledged, or policy requiring verified contacts). Offline it stays enabled: sends are queued.
 * With `maxBytes` it counts towards the body limit from 90 % of it (model/composerLimit.ts) and, above
 * the limit, refuses to send — the Send button is disabled and Enter does nothing — and says why.
 * While it replies to or edits a message, a preview of that message sits above it ("Replying to Alice",
 * "Editing your message") with a Cancel button; Escape in the text box cancels too.
 * The emoji button opens a grid of emoji (the reaction picker's set); the one picked is put where the
 * caret was, and the caret goes after it.
 * Typing `@` offers the conversation's members (model/mentions.ts; the members come from the chat's
 * MentionContext): the arrow keys move, Enter or Tab puts `@username ` in, Escape closes the list; the text
 * box points at the highlighted choice (`aria-activedescendant`), as an ARIA autocomplete list does.
 * The paperclip ("Attach a file", docs/desktop.md "Files") asks main's own open dialog in the Electron app
 * (`onAttach`) or opens the browser's file picker (`onFiles` gets the files; main never gets a path); files
 * pasted into the text box go to `onFiles` too; text typed in the box goes with the file as its caption (the
 * container's `fileCaptionOf`), and the button's title says so. Why a file was refused (the policy's size or
 * type) is said under the composer (`fileNotice`) until dismissed.
 */
import { useId, useRef, useState, type KeyboardEvent } from 'react';
import { composerKeyAction } from '../model/composerKeys';
import { draftSize } from '../model/composerLimit';
import { completeMention, mentionCandidates, mentionQuery, type Mentionable } from '../model/mentions';
import { useMentionScope } from './mentionContext';
import { Dialog } from './Dialog';
import { PICKER_EMOJI } from './ReactionPicker';
import { Button } from './ui/Button';

export interface ComposerProps {
  value: string;
  disabledReason: string | null;
  /** Replaces the keyboard hint (e.g. that sends wait for the network). */
  hint?: string | null;
  /** The body limit in UTF-8 bytes; without it nothing is counted. */
  maxBytes?: number;
  onChange(value: string): void;
  onSend(): void;
  /**
   * Only with the `stockSdkCompat` policy on: sends the text in the stock PubNub format, not signed (a
   * separate button that says so; docs/messaging.md "Stock PubNub SDK clients").
   */
  onSendUnsigned?(): void;
  /** The message being replied to or edited: "Replying to Alice" and its text; null for a new message. */
  context?: { readonly label: string; readonly text: string } | null;
  onCancelContext?(): void;
  /** The Electron app: the attach button asks main to show its own open dialog. */
  onAttach?(): void;
  /** Files the page holds (picked in the browser's file picker, pasted): without `onAttach` the attach button picks them. */
  onFiles?(files: File[]): void;
  /** Why a file was not sent (a sentence), or null. */
  fileNotice?: string | null;
  onDismissFileNotice?(): void;
}

export function Composer({
  value,
  disabledReason,
  hint,
  maxBytes,
  onChange,
  onSend,
  onSendUnsigned,
  context,
  onCancelContext,
  onAttach,
  onFiles,
  fileNotice,
  onDismissFileNotice,
}: ComposerProps) {
  const id = useId();
  const picker = useRef<HTMLInputElement>(null);
  const unsignedId = useId();
  const hintId = useId();
  const input = useRef<HTMLTextAreaElement>(null);
  const [emoji, setEmoji] = useState(false);
  const listId = useId();
  const scope = useMentionScope();
  const [caret, setCaret] = useState<number | null>(null);
  const [active, setActive] = useState(0);
  /** The `@` position whose list Escape closed (it stays closed until another `@` is typed). */
  const [dismissed, setDismissed] = useState<number | null>(null);
  const typed = caret === null ? null : mentionQuery(value, Math.min(caret, value.length));
  const candidates = typed === null || typed.start === dismissed ? [] : mentionCandidates(typed.query, scope.people, scope.selfUserId);
  const choice = candidates.length === 0 ? -1 : Math.min(active, candidates.length - 1);
  function trackCaret(el: HTMLTextAreaElement) {
    setCaret(el.selectionStart === el.selectionEnd ? el.selectionStart : null);
  }
  function choose(person: Mentionable) {
    if (typed === null || caret === null) return;
    const done = completeMention(value, typed.start, caret, person);
    onChange(done.text);
    setCaret(done.caret);
    setActive(0);
    requestAnimationFrame(() => {
      input.current?.focus();
      input.current?.setSelectionRange(done.caret, done.caret);
    });
  }
  function insert(text: string) {
    const el = input.current;
    const start = el?.selectionStart ?? value.length;
    const end = el?.selectionEnd ?? value.length;
    onChange(value.slice(0, start) + text + value.slice(end));
    setEmoji(false);
    requestAnimationFrame(() => {
      input.current?.focus();
      input.current?.setSelectionRange(start + text.length, start + text.length);
    });
  }
  const size = maxBytes === undefined ? null : draftSize(value, maxBytes);
  const over = size?.over ?? false;
  function send() {
    if (!over) onSend();
  }
  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (candidates.length > 0 && !e.nativeEvent.isComposing) {
      const step = e.key === 'ArrowDown' ? 1 : e.key === 'ArrowUp' ? -1 : 0;
      if (step !== 0) {
        e.preventDefault();
        setActive((choice + step + candidates.length) % candidates.length);
        return;
      }
      if ((e.key === 'Enter' && !e.shiftKey) || e.key === 'Tab') {
        e.preventDefault();
        choose(candidates[choice]!);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        setDismissed(typed!.start);
        return;
      }
    }
    if (e.key === 'Escape' && context != null && onCancelContext) {
      e.preventDefault();
      onCancelContext();
      return;
    }
    if (composerKeyAction({ key: e.key, shiftKey: e.shiftKey, isComposing: e.nativeEvent.isComposing }) === 'send') {
      e.preventDefault();
      send();
    }
  }
  const disabled = disabledReason !== null;
  const attachTitle = context == null && value.trim() !== '' ? 'Attach a file: the text you typed goes with it as its caption' : 'Attach a file';
  const sentence = disabledReason ?? size?.sentence ?? hint ?? 'Enter to send, Shift+Enter for a new line';
  return (
    <form
      className={`composer${over ? ' over' : ''}`}
      aria-label="Send a message"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      {context != null && (
        <div className="composer-context" data-testid="composer-context">
          <span className="composer-context-label">{context.label}</span>{' '}
          <span className="composer-context-text muted" dir="auto" data-testid="composer-context-text">
            {context.text}
          </span>
          {onCancelContext && (
            <Button size="sm" variant="ghost" onClick={onCancelContext} aria-label={`Cancel: ${context.label}`} data-testid="composer-context-cancel">
              Cancel
            </Button>
          )}
        </div>
      )}
      <label htmlFor={id} className="visually-hidden">
        {context != null ? context.label : 'Message'}
      </label>
      <textarea
        ref={input}
        id={id}
        value={value}
        rows={2}
        disabled={disabled}
        aria-describedby={hintId}
        aria-invalid={over || undefined}
        aria-autocomplete="list"
        aria-controls={candidates.length > 0 ? listId : undefined}
        aria-activedescendant={choice >= 0 ? `${listId}-${choice}` : undefined}
        placeholder={disabled ? '' : 'Write a message'}
        onChange={(e) => {
          onChange(e.target.value);
          trackCaret(e.target);
          setActive(0);
        }}
        onSelect={(e) => trackCaret(e.currentTarget)}
        onBlur={() => setCaret(null)}
        onKeyDown={onKeyDown}
        onPaste={(e) => {
          // A pasted file or screenshot is sent as a file; pasted text stays text.
          const pasted = Array.from(e.clipboardData?.files ?? []);
          if (pasted.length === 0 || onFiles === undefined) return;
          e.preventDefault();
          onFiles(pasted);
        }}
        data-testid="composer-input"
      />
      {candidates.length > 0 && (
        <ul className="mention-list" role="listbox" id={listId} aria-label="Members to mention" data-testid="mention-list">
          {candidates.map((person, i) => (
            <li
              key={person.userId}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === choice}
              className={i === choice ? 'active' : undefined}
              // Chosen on mouse down, before the text box loses focus (which closes the list).
              onMouseDown={(e) => {
                e.preventDefault();
                choose(person);
              }}
              data-testid="mention-option"
            >
              <span className="mention-name">{person.displayName}</span> <span className="muted">@{person.username}</span>
            </li>
          ))}
        </ul>
      )}
      <div className="composer-actions">
        {(onAttach !== undefined || onFiles !== undefined) && (
          <>
            <Button
              variant="ghost"
              disabled={disabled}
              aria-label="Attach a file"
              title={attachTitle}
              onClick={() => (onAttach !== undefined ? onAttach() : picker.current?.click())}
              data-testid="composer-attach"
            >
              <svg className="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
                <path
                  d="M20.5 11.5l-8.2 8.2a5 5 0 0 1-7.1-7.1l8.6-8.6a3.4 3.4 0 0 1 4.8 4.8l-8.6 8.6a1.7 1.7 0 0 1-2.4-2.4l7.9-7.9"
                  fill="none"
                  stroke="currentColor"
                  strokeWidth="1.8"
                  strokeLinecap="round"
                  strokeLinejoin="round"
                />
              </svg>
            </Button>
            {onAttach === undefined && onFiles !== undefined && (
              <input
                ref={picker}
                type="file"
                multiple
                hidden
                tabIndex={-1}
                // Never focused or shown (the paperclip opens it), but named like every control.
                aria-label="Files to attach"
                onChange={(e) => {
                  const picked = Array.from(e.target.files ?? []);
                  // Cleared, so picking the same file again is a change too.
                  e.target.value = '';
                  if (picked.length > 0) onFiles(picked);
                }}
                data-testid="composer-file-input"
              />
            )}
          </>
        )}
        <Button
          variant="ghost"
          disabled={disabled}
          aria-label="Insert an emoji"
          aria-haspopup="dialog"
          onClick={() => setEmoji(true)}
          data-testid="composer-emoji"
        >
          <svg className="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
            <circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" strokeWidth="1.8" />
            <circle cx="9" cy="10" r="1.2" fill="currentColor" />
            <circle cx="15" cy="10" r="1.2" fill="currentColor" />
            <path d="M8.2 14.2a4.5 4.5 0 0 0 7.6 0" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
          </svg>
        </Button>
        {onSendUnsigned !== undefined && (
          <>
            <span id={unsignedId} className="visually-hidden">
              Not signed: standard PubNub clients can read it, and nobody can verify that you sent it.
            </span>
            <Button
              variant="ghost"
              disabled={disabled || over || value.trim() === ''}
              onClick={onSendUnsigned}
              aria-describedby={unsignedId}
              title="Not signed: standard PubNub clients can read it, and nobody can verify that you sent it."
              data-testid="composer-send-unsigned"
            >
              Send unsigned
            </Button>
          </>
        )}
        <Button type="submit" variant="primary" disabled={disabled || over || value.trim() === ''} data-testid="composer-send">
          Send
        </Button>
      </div>
      {emoji && (
        <Dialog title="Insert an emoji" onClose={() => setEmoji(false)} testId="composer-emoji-picker">
          <div className="reaction-grid" role="group" aria-label="Emoji">
            {PICKER_EMOJI.map((v, i) => (
              <button
                key={v}
                type="button"
                className="reaction-choice"
                aria-label={`Insert ${v}`}
                onClick={() => insert(v)}
                data-autofocus={i === 0 ? true : undefined}
                data-testid="composer-emoji-choice"
              >
                {v}
              </button>
            ))}
          </div>
        </Dialog>
      )}
      {fileNotice != null && (
        <p className="composer-file-notice" role="alert" data-testid="file-refused">
          <span>{fileNotice}</span>
          {onDismissFileNotice !== undefined && (
            <Button size="sm" variant="ghost" onClick={onDismissFileNotice} data-testid="file-refused-dismiss">
              Dismiss
            </Button>
          )}
        </p>
      )}
      <p id={hintId} className={`muted composer-hint${over && !disabled ? ' over' : ''}`}>
        <span data-testid="composer-hint">{sentence}</span>
        {size !== null && size.near && (
          <span className="composer-counter" data-testid="composer-counter" aria-hidden="true">
            {size.counter}
          </span>
        )}
      </p>
    </form>
  );
}
