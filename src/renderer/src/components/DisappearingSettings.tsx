/**
 * Presentational: a conversation's disappearing-messages setting (docs/messaging.md "Disappearing
 * messages"). Owners and admins of a group, and either person in a direct conversation, choose a timer from
 * the allowed list — main signs the change (docs/protocol.md §15.8); everyone else sees it read-only.
 */
import { timerChoiceLabel, TIMER_CHOICES } from '../model/disappearing';
import type { UiError } from '../model/uiError';
import { ErrorNotice } from './ErrorNotice';

export interface DisappearingSettingsProps {
  /** The timer in effect, in seconds (0: off). */
  seconds: number;
  canChange: boolean;
  busy: boolean;
  error: UiError | null;
  onChange(seconds: number): void;
}

export function DisappearingSettings(props: DisappearingSettingsProps) {
  return (
    <section className="disappearing-settings" aria-labelledby="disappearing-title" data-testid="disappearing-settings">
      <h3 id="disappearing-title">Disappearing messages</h3>
      {props.canChange ? (
        <>
          <label htmlFor="disappearing-timer">Messages sent from now on disappear after</label>{' '}
          <select
            id="disappearing-timer"
            value={props.seconds}
            disabled={props.busy}
            onChange={(e) => props.onChange(Number(e.target.value))}
            data-testid="disappearing-timer"
          >
            {TIMER_CHOICES.map((s) => (
              <option key={s} value={s}>
                {timerChoiceLabel(s)}
              </option>
            ))}
          </select>
        </>
      ) : (
        <p data-testid="disappearing-readonly">
          {props.seconds === 0 ? 'Off.' : `Messages disappear after ${timerChoiceLabel(props.seconds)}.`} Only an admin can change this.
        </p>
      )}
      <p className="muted">
        Everyone’s app deletes a message when its time is up. It cannot stop someone from taking a screenshot or keeping a copy with a modified app.
      </p>
      <ErrorNotice error={props.error} testId="disappearing-error" />
    </section>
  );
}
