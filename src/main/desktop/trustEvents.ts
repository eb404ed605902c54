/**
 * `trustChanged` events (docs/desktop.md §Trust events): tells the renderer that a contact's trust
 * state changed so it reloads banners and badges — after the user marks a contact verified or
 * acknowledges an identity change (here), and whenever the client core finds that a contact's identity key
 * changed, on whatever call (`Client.onIdentityChange`, wired in handlers.ts).
 */
import { UserIdSchema } from '../../common/ids';
import type { MethodName } from '../../common/ipc/methods';
import type { Handlers } from '../ipc/dispatch';
import type { EventSink } from '../ipc/eventHub';

/** Calls after which the contact named in the result changed state. */
const TRUST_WRITES: readonly MethodName[] = ['markVerified', 'acknowledgeIdentityChange'];

type AnyHandler = (...args: unknown[]) => Promise<unknown>;

export function announceTrustChanges(events: EventSink, handlers: Handlers): Handlers {
  const announce = (userId: unknown) => {
    const parsed = UserIdSchema.safeParse(userId);
    if (parsed.success) events.emit('trustChanged', { userId: parsed.data });
  };
  const wrapped: Record<string, AnyHandler> = {};
  for (const [name, handler] of Object.entries(handlers) as [MethodName, AnyHandler | undefined][]) {
    if (handler === undefined) continue;
    wrapped[name] = async (...args) => {
      const result = await handler(...args);
      if (TRUST_WRITES.includes(name)) announce((result as { userId?: unknown } | null)?.userId);
      return result;
    };
  }
  return wrapped as Handlers;
}
