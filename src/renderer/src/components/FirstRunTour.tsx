/**
 * Presentational: the first-run tour, shown once after an account is created on this device — the three
 * ideas a user needs before trusting the app: keys live on devices, keep a second device and the recovery key
 * (an account whose only device is lost comes back only with its recovery key), and verify the people you
 * talk to.
 * A non-modal region (it blocks nothing), one step at a time, with "Next" and "Skip". The first idea says
 * what the organisation's key custody allows (`firstStepText`).
 */
import { useState } from 'react';

/** The organisation's key custody (docs/desktop.md "Key custody"); null while not known. */
export type TourCustody = 'zero-trust' | 'escrow' | 'server-trusted' | null;

/**
 * The first idea, true in the organisation's custody mode: in escrow mode the organisation can also recover
 * conversations; in server-trusted mode its server manages the keys and can read them — never the
 * zero-trust sentence there.
 */
export function firstStepText(custody: TourCustody): string {
  switch (custody) {
    case 'escrow':
      return 'Messages are encrypted on this computer before they leave it. The servers carry them but cannot read them; your organisation keeps a recovery key that can open your conversations, as each conversation’s Security panel says.';
    case 'server-trusted':
      return 'Messages are encrypted on this computer before they leave it, but your organisation’s server manages the keys and can read your conversations, as each conversation’s Security panel says.';
    case 'zero-trust':
      return TOUR_STEPS[0]!.text;
    case null:
      // Not known: no claim about who can read, only where to look.
      return 'Messages are encrypted on this computer before they leave it. Each conversation’s Security panel says who else can read it.';
    default:
      throw new Error(`unknown custody ${JSON.stringify(custody satisfies never)}`);
  }
}

export const TOUR_STEPS: readonly { title: string; text: string }[] = [
  {
    title: 'Your keys stay on your devices',
    text: 'Messages are encrypted on this computer before they leave it. The servers carry them but cannot read them, and cannot add anyone to your conversations.',
  },
  {
    title: 'Link a second device',
    text: 'Your account lives on your devices. Link your phone or another computer under Devices, and keep your recovery key somewhere safe, so losing this computer does not lose your account.',
  },
  {
    title: 'Verify the people you talk to',
    text: 'Open Security in a conversation and compare the safety number with the other person, in person or on a call. If it ever changes, the app tells you before you send.',
  },
];

export function FirstRunTour({ onClose, custody = null }: { onClose(): void; custody?: TourCustody }) {
  const [step, setStep] = useState(0);
  const current = step === 0 ? { ...TOUR_STEPS[0]!, text: firstStepText(custody) } : TOUR_STEPS[step]!;
  const last = step === TOUR_STEPS.length - 1;
  return (
    <section className="first-run-tour" aria-label="Getting started" data-testid="first-run-tour">
      <p className="muted" aria-live="polite">
        Getting started · {step + 1} of {TOUR_STEPS.length}
      </p>
      <h2>{current.title}</h2>
      <p>{current.text}</p>
      <div className="tour-actions">
        <button type="button" onClick={onClose} data-testid="tour-skip">
          {last ? 'Close' : 'Skip'}
        </button>
        {!last && (
          <button type="button" className="primary" onClick={() => setStep(step + 1)} data-testid="tour-next">
            Next
          </button>
        )}
      </div>
    </section>
  );
}
