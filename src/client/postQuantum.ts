/**
 * Post-quantum key wraps in the client core (docs/protocol.md §5.1): the managed policy
 * `requirePostQuantum` — with it on, this device wraps a conversation key only when every device it wraps
 * to has an X-Wing key in its certificate, and otherwise refuses before sealing anything, naming the
 * devices that use the older key type — and a conversation's post-quantum status for the security info.
 */
import { AppError } from '../common/errors';
import type { ConversationId } from '../common/ids';
import type { Directory, TrustedDevice } from './directory';
import type { KeyRing } from './keyRing';

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

/**
 * Whether a conversation's current key version is post-quantum protected (docs/protocol.md §5.1):
 * `protected` when every member device of the verified record has an X-Wing key in its certificate — the
 * key service refuses, and each device refuses, a classical wrap to such a device, so every wrap of the
 * version is X-Wing; `partial` when at least one has none (its wrap is X25519); `unknown` while this
 * device does not hold the version or cannot look a member device up.
 */
export type PostQuantumStatus = 'protected' | 'partial' | 'unknown';

export async function postQuantumStatus(
  ring: Pick<KeyRing, 'facts'>,
  directory: Pick<Directory, 'devicesById'>,
  conversationId: ConversationId,
  version: number,
): Promise<PostQuantumStatus> {
  const facts = version > 0 ? ring.facts(conversationId, version) : undefined;
  if (facts === undefined) return 'unknown';
  const { devices } = await directory.devicesById(facts.memberDevices);
  if (facts.memberDevices.some((id) => !devices.has(id))) return 'unknown';
  return facts.memberDevices.every((id) => devices.get(id)?.xwing !== undefined) ? 'protected' : 'partial';
}
