/**
 * Notices when this device is revoked from another one (docs/client.md, "Revoked devices"): the client
 * core erases the device's keys once a key-service call answers `device_revoked` and the account's signed
 * revocation statement for this device verifies; this watch also asks once a minute while signed in, so an
 * idle window learns it too. `onRevoked` runs once, after the keys are gone. `onUnproven(true)` runs each
 * time the key service claimed a revocation it could not prove (the keys were kept), `onUnproven(false)`
 * when a later check is answered normally. The returned function stops the watch (sign-out, app close).
 */
import type { Client } from '../../client';

export const REVOCATION_CHECK_MS = 60_000;

export function watchRevocation(
  client: Client,
  onRevoked: () => void,
  onUnproven: (claimed: boolean) => void = () => undefined,
  intervalMs = REVOCATION_CHECK_MS,
  onDeactivated: (deactivated: boolean) => void = () => undefined,
): () => void {
  let stopped = false;
  const timer = setInterval(() => {
    // A failure other than `device_revoked` (network, restart) is retried at the next tick.
    if (client.isSignedIn)
      void client.checkAccess().then(
        () => {
          if (stopped) return;
          onUnproven(false);
          onDeactivated(false);
        },
        () => undefined,
      );
  }, intervalMs);
  timer.unref();
  const unsubscribe = client.onRevoked(() => {
    if (stopped) return;
    stop();
    onRevoked();
  });
  const unsubscribeUnproven = client.onRevocationUnproven(() => {
    if (!stopped) onUnproven(true);
  });
  const unsubscribeDeactivated = client.onDeactivated(() => {
    if (!stopped) onDeactivated(true);
  });
  function stop(): void {
    stopped = true;
    clearInterval(timer);
    unsubscribe();
    unsubscribeUnproven();
    unsubscribeDeactivated();
  }
  return stop;
}
