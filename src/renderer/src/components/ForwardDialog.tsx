/**
 * Presentational: forward a message — the text it sends, and the conversation to send it to (every other
 * conversation this user is in). It goes out as a new message of this user; "Forwarded" is shown in this
 * window only (no protocol change: the recipients see an ordinary message).
 */
import { useState } from 'react';
import { Dialog } from './Dialog';
import { Button } from './ui/Button';

export interface ForwardTarget {
  readonly conversationId: string;
  readonly title: string;
}

export interface ForwardDialogProps {
  text: string;
  targets: readonly ForwardTarget[];
  busy: boolean;
  onForward(conversationId: string): void;
  onClose(): void;
}

export function ForwardDialog({ text, targets, busy, onForward, onClose }: ForwardDialogProps) {
  const [to, setTo] = useState<string | null>(null);
  return (
    <Dialog title="Forward message" onClose={onClose} testId="forward-dialog">
      <blockquote className="forward-quote" dir="auto" data-testid="forward-text">
        {text.length > 300 ? `${text.slice(0, 300)}…` : text}
      </blockquote>
      {targets.length === 0 ? (
        <p className="muted">There is no other conversation to forward it to.</p>
      ) : (
        <fieldset className="choice forward-targets">
          <legend>Send it to</legend>
          {targets.map((t) => (
            <label key={t.conversationId}>
              <input type="radio" name="forward-to" value={t.conversationId} checked={to === t.conversationId} onChange={() => setTo(t.conversationId)} />{' '}
              {t.title}
            </label>
          ))}
        </fieldset>
      )}
      <p className="muted">It is sent as a new message from you; the others see it without a “forwarded” label.</p>
      <div className="dialog-actions">
        <Button onClick={onClose}>Cancel</Button>
        <Button variant="primary" disabled={to === null} loading={busy} onClick={() => to !== null && onForward(to)} data-testid="forward-send">
          Forward
        </Button>
      </div>
    </Dialog>
  );
}
