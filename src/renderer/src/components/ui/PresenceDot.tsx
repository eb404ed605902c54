/**
 * A small dot beside a direct conversation's avatar: green online, amber away, grey offline, with the
 * label ("Online", "Away", "Offline, last seen 10:42") for assistive technology and as a tooltip. Nothing
 * when presence is off or not known yet.
 */
import type { PeerPresence } from '../../../../common/presence/presenceFeed';
import { presenceLabel } from '../../model/presence';

export function PresenceDot({ presence, now }: { presence: PeerPresence | undefined; now: number }) {
  const label = presenceLabel(presence, now);
  if (label === undefined || presence === undefined) return null;
  return (
    <span
      className={`presence-dot presence-${presence.state}`}
      role="img"
      aria-label={label}
      title={label}
      data-testid="presence"
      data-state={presence.state}
    />
  );
}
