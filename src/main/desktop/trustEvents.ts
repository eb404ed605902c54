/**
 * `trustChanged` events (issue 7; docs/desktop.md §Trust events): tells the renderer that a contact's trust
 * state changed so it reloads banners and badges — after the user marks a contact verified or
 * acknowledges an identity change, and whenever a call fails because the core found that a contact's
 * identity key changed (`IdentityChangedError`, e.g. sealing a message to them). The core has no other
 * hook for identity changes: one it learns while opening a message shows up on the next such call.
 */
import { UserIdSchema } from '../../common/ids';
import type { ChannelName } from '../../common/ipc/channels';
import { IdentityChangedError } from '../core/errors';
import type { Handlers } from '../ipc/dispatch';
import type { EventSink } from '../ipc/eventHub';

/** Calls after which the contact named in the result changed state. */
const TRUST_WRITES: readonly ChannelName[] = ['markVerified', 'acknowledgeIdentityChange'];

type AnyHandler = (...args: unknown[]) => Promise<unknown>;

export function announceTrustChanges(events: EventSink, handlers: Handlers): Handlers {
  const announce = (userId: unknown) => {
    const parsed = UserIdSchema.safeParse(userId);
    if (parsed.success) events.emit('trustChanged', { userId: parsed.data });
  };
  const wrapped: Record<string, AnyHandler> = {};
  for (const [name, handler] of Object.entries(handlers) as [ChannelName, AnyHandler | undefined][]) {
    if (handler === undefined) continue;
    wrapped[name] = async (...args) => {
      try {
        const result = await handler(...args);
        if (TRUST_WRITES.includes(name)) announce((result as { userId?: unknown } | null)?.userId);
        return result;
      } catch (e) {
        if (e instanceof IdentityChangedError) announce(e.userId);
        throw e;
      }
    };
  }
  return wrapped as Handlers;
}
