/**
 * Notices when this device is revoked from another one (docs/client.md, "Revoked devices"): the client
 * core erases the device's keys as soon as any key-service call answers `device_revoked`; this watch also
 * asks once a minute while signed in, so an idle window learns it too. `onRevoked` runs once, after the
 * keys are gone; the returned function stops the watch (sign-out, app close).
 */
import type { Client } from '../../client';

export const REVOCATION_CHECK_MS = 60_000;

export function watchRevocation(client: Client, onRevoked: () => void, intervalMs = REVOCATION_CHECK_MS): () => void {
  let stopped = false;
  const timer = setInterval(() => {
    // A failure other than `device_revoked` (network, restart) is retried at the next tick.
    if (client.isSignedIn) void client.checkAccess().catch(() => undefined);
  }, intervalMs);
  timer.unref();
  const unsubscribe = client.onRevoked(() => {
    if (stopped) return;
    stop();
    onRevoked();
  });
  function stop(): void {
    stopped = true;
    clearInterval(timer);
    unsubscribe();
  }
  return stop;
}
