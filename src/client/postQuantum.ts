/**
 * The managed policy `requirePostQuantum` (docs/protocol.md §5.1): with it on, this device wraps a
 * conversation key only when every device it wraps to has an X-Wing key in its certificate; otherwise it
 * refuses before sealing anything, naming the devices that use the older key type.
 */
import { AppError } from '../common/errors';
import type { TrustedDevice } from './directory';

/** A wrap was refused: the policy requires post-quantum wraps and these devices have no X-Wing key. */
export class PostQuantumRequiredError extends AppError {
  constructor(readonly devices: readonly { readonly deviceId: string; readonly userId: string; readonly name: string }[]) {
    const count = devices.length === 1 ? 'one device uses' : `${devices.length} devices use`;
    super(
      'post_quantum_required',
      `Your organisation requires post-quantum protection, but ${count} an older key type (${devices.map((d) => d.name).join(', ')}). Nothing was shared with them: they need to be signed in again or replaced with a device set up by a current version.`,
      'permission',
    );
  }
}

/** Throws PostQuantumRequiredError when `required` and any device lacks an X-Wing key. */
export function checkPostQuantumRecipients(devices: readonly TrustedDevice[], required: boolean): void {
  if (!required) return;
  const classical = devices.filter((d) => d.xwing === undefined);
  if (classical.length > 0) throw new PostQuantumRequiredError(classical.map((d) => ({ deviceId: d.deviceId, userId: d.userId, name: d.name })));
}
