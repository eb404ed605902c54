/**
 * Away detection for presence (docs/messaging.md "Presence"): the user is away after `awayAfterMs` without
 * keyboard or pointer input, or while the window is hidden; any input makes them online again at once. The
 * idle check runs at most once a minute, so an idle app is not woken more often than its heartbeats.
 */
import type { Availability } from '../../../common/protocol/presenceStatus';

export interface ActivityDeps {
  readonly target: Pick<Window, 'addEventListener' | 'removeEventListener'>;
  readonly isHidden: () => boolean;
  readonly now: () => number;
  readonly awayAfterMs: number;
  readonly onChange: (availability: Availability) => void;
}

/** The longest the idle check sleeps. */
const CHECK_EVERY_MS = 60_000;

/** Starts watching; answers the stop function. The first availability is `online`. */
export function watchActivity(deps: ActivityDeps): () => void {
  let lastInput = deps.now();
  let current: Availability = 'online';
  const set = (next: Availability) => {
    if (next === current) return;
    current = next;
    deps.onChange(next);
  };
  const onInput = () => {
    lastInput = deps.now();
    set('online');
  };
  const check = () => set(deps.isHidden() || deps.now() - lastInput >= deps.awayAfterMs ? 'away' : 'online');
  const events = ['keydown', 'pointerdown', 'wheel'] as const;
  for (const e of events) deps.target.addEventListener(e, onInput, { passive: true });
  const timer = setInterval(check, Math.min(CHECK_EVERY_MS, deps.awayAfterMs));
  return () => {
    clearInterval(timer);
    for (const e of events) deps.target.removeEventListener(e, onInput);
  };
}
