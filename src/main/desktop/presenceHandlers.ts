/**
 * The desktop's IPC handlers for presence (docs/messaging.md "Presence"; docs/protocol.md §7.8): the settings
 * the renderer's SDK runs with (`presenceEnabled` policy; `SEED_PRESENCE_TIMEOUT_S` shortens the timeout for
 * tests), sealing this user's status as a `presence` envelope, and opening a peer's — in main, with the same
 * keys and checks as messages. With presence turned off by policy nothing is sealed or opened.
 */
import { randomBytes } from 'node:crypto';
import { CorePresenceCrypto } from '../../client';
import { checkPresenceEnabled } from '../../common/policy/enforce';
import type { PresenceConfig } from '../../common/ipc/schemas/presence';
import type { Handlers } from '../ipc/dispatch';
import type { PolicyHolder } from '../services/policyHolder';
import type { ClientHost } from './clientHost';

type PresenceChannels = 'presenceConfig' | 'sealPresence' | 'openPresence';

/** Outside tests: a heartbeat a minute at most, presence lost after 2½ missed minutes, away after 5 idle minutes. */
export const PRESENCE_DEFAULTS = { timeoutSeconds: 150, heartbeatSeconds: 60, awayAfterSeconds: 300 } as const;

/** The timing, with `SEED_PRESENCE_TIMEOUT_S` (20 … 320, for tests) shortening the timeout and the heartbeat with it. */
export function presenceTiming(env: Readonly<Record<string, string | undefined>>): Omit<PresenceConfig, 'enabled'> {
  const asked = Number(env.SEED_PRESENCE_TIMEOUT_S);
  if (!Number.isInteger(asked) || asked < 20 || asked > 320) return { ...PRESENCE_DEFAULTS };
  return { timeoutSeconds: asked, heartbeatSeconds: Math.max(1, Math.floor(asked / 2) - 1), awayAfterSeconds: PRESENCE_DEFAULTS.awayAfterSeconds };
}

export interface PresenceHandlerDeps {
  readonly host: ClientHost;
  readonly policy: PolicyHolder;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export function presenceHandlers(deps: PresenceHandlerDeps): Pick<Required<Handlers>, PresenceChannels> {
  const timing = presenceTiming(deps.env ?? process.env);
  const random = { randomBytes: (n: number) => new Uint8Array(randomBytes(n)) };
  const crypto = async () => {
    const client = await deps.host.current();
    return new CorePresenceCrypto(() => client.messageCrypto(), random);
  };
  return {
    async presenceConfig() {
      return { enabled: deps.policy.current().values.presenceEnabled, ...timing };
    },
    async sealPresence(conversationId, status) {
      checkPresenceEnabled(deps.policy.current());
      return (await (await crypto()).seal(conversationId, status)) as Record<string, unknown>;
    },
    async openPresence(conversationId, envelope, stateOf) {
      checkPresenceEnabled(deps.policy.current());
      const opened = await (await crypto()).open(conversationId, envelope, stateOf);
      if (opened.kind === 'ok') return opened;
      return { kind: 'rejected', code: (opened.code ?? 'open_failed').slice(0, 64), message: (opened.message ?? '').slice(0, 500) };
    },
  };
}
