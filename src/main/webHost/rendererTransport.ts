/**
 * Which origin the renderer's PubNub client will connect to, for the CSP's connect-src — the same origin
 * the `transportConfig` IPC answer names, worked out in main from what started: the configured server's
 * PubNub origin (policy `pubnubOrigin`, over https, as src/main/desktop/network.ts uses it), the embedded
 * local stack's relay (its port from `<home>/local-stack/stack.json`), or nothing when the core did not start.
 */
import { pubnubKeyset } from '../../common/policy/enforce';
import type { MainDeps } from '../composition';
import { recordedLocalStack } from '../../localStack/index';
import type { CspTransport } from '../security/csp';

export function rendererTransport(deps: Pick<MainDeps, 'messenger' | 'policy'>, home: string): CspTransport {
  if ('reason' in deps.messenger) return { kind: 'none' };
  if (deps.messenger.localStack) {
    const stack = recordedLocalStack(home);
    return stack === null ? { kind: 'loopback' } : { kind: 'relay', url: stack.relayUrl };
  }
  const origin = pubnubKeyset(deps.policy.current())?.origin ?? null;
  return origin === null ? { kind: 'none' } : { kind: 'relay', url: `https://${origin}` };
}
