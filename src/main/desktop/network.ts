/**
 * Which key service and relay this app talks to, decided once at start-up from managed policy: the
 * configured server (with the PubNub origin policy names), else — where policy allows local mode — the
 * embedded local stack (src/localStack/index.ts), else none (the messenger functions then answer
 * `unavailable` and the UI says why).
 */
import { pubnubKeyset } from '../../common/policy/enforce';
import type { EffectivePolicy } from '../policy/loadEffectivePolicy';
import { startOrJoinLocalStack } from '../../localStack/index';

export interface Network {
  keyServiceUrl: string;
  /** `http(s)://host:port` of the relay or PubNub origin. */
  relayUrl: string;
  localStack: boolean;
  close(): Promise<void>;
}

export type NetworkChoice = { network: Network } | { network: null; reason: string };

export async function chooseNetwork(policy: EffectivePolicy, home: string): Promise<NetworkChoice> {
  const server = policy.values.serverUrl;
  if (server !== null) {
    const keyset = pubnubKeyset(policy);
    if (!keyset?.origin) return { network: null, reason: 'policy names a server but no PubNub origin and keyset' };
    return { network: { keyServiceUrl: server, relayUrl: `https://${keyset.origin}`, localStack: false, close: async () => {} } };
  }
  if (!policy.values.localModeAllowed) return { network: null, reason: 'no server is configured and policy does not allow local mode' };
  const stack = await startOrJoinLocalStack(home);
  return { network: { keyServiceUrl: stack.keyServiceUrl, relayUrl: `http://${stack.relayOrigin}`, localStack: true, close: () => stack.close() } };
}
