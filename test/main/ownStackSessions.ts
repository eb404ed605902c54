/**
 * Main sessions against a key service and relay the test runs itself (so it can stop and restart them),
 * built as bootstrapMain builds them: real keychain (gnome-keyring), client core, contract dispatcher and
 * handlers, and the renderer's pipeline over the bridge with the real `pubnub` SDK. A session of the same
 * profile can be opened again after `endSession` (a restart of main); `storage` stands in for the page's
 * localStorage and may outlive the session, as the origin's storage does.
 */
import { buildBridge, createEventRouter } from '../../src/common/ipc/bridge';
import type { DeviceId, UserId } from '../../src/common/ids';
import { createKeychainStoreKey, createKeychainVault, createKeytarStore } from '../../src/client';
import { chooseCryptoProvider } from '../../src/node/crypto/providers';
import { createHandlers, type MainDeps } from '../../src/main/composition';
import { ClientHost, type ClientHostDeps } from '../../src/main/desktop/clientHost';
import { createDispatcher } from '../../src/main/ipc/dispatch';
import { createEventHub, type EventMessage } from '../../src/main/ipc/eventHub';
import { nodePolicyFacts } from '../../src/main/policy/facts';
import { loadEffectivePolicy } from '../../src/main/policy/loadEffectivePolicy';
import { profilePaths } from '../../src/main/profile';
import { createPolicyHolder } from '../../src/main/services/policyHolder';
import { createBridgeClient, createBridgeEvents, type BridgeClient } from '../../src/renderer/src/bridge/client';
import { startRendererMessaging } from '../../src/renderer/src/chat/rendererMessaging';
import type { ChatPort } from '../../src/renderer/src/state/env';
import { desktopFacts } from './desktopProfiles';

const { provider } = chooseCryptoProvider();

export interface OwnStackSession {
  readonly name: string;
  readonly deps: MainDeps;
  readonly host: ClientHost;
  readonly bridge: BridgeClient;
  /** Every event main emitted to this session, in order. */
  readonly events: EventMessage[];
  readonly storage: Map<string, string>;
  chat: ChatPort | undefined;
}

export interface OwnStackSessionOptions {
  readonly home: string;
  /** The profile's folder name under `home` (the same name opens the same profile again). */
  readonly profile: string;
  readonly keyServiceUrl: string;
  readonly relayUrl: string;
  /** The page's localStorage; a new Map when absent. */
  readonly storage?: Map<string, string>;
  /** Options of the client host beyond the stack and the keychain (e.g. the offline queue's limits). */
  readonly host?: Partial<ClientHostDeps>;
  /** Main's log; stderr JSON lines when absent. */
  readonly log?: MainDeps['log'];
}

/** One main session of a profile. `name` is how the test calls it. */
export async function openMainSession(name: string, o: OwnStackSessionOptions): Promise<OwnStackSession> {
  const paths = profilePaths(o.home, o.profile);
  const secrets = createKeytarStore(paths.keychainService);
  const policy = await createPolicyHolder(() => loadEffectivePolicy(nodePolicyFacts(paths.appConfig)));
  const host = new ClientHost({
    vault: createKeychainVault(secrets),
    provider,
    keyServiceUrl: o.keyServiceUrl,
    relayUrl: o.relayUrl,
    dataDir: paths.dir,
    localStoreKey: createKeychainStoreKey(secrets),
    ...o.host,
  });
  const deps: MainDeps = {
    facts: desktopFacts,
    secrets,
    policy,
    paths,
    events: createEventHub(),
    messenger: { host, serverUrl: o.keyServiceUrl, localStack: false, close: () => host.close() },
    ...(o.log === undefined ? {} : { log: o.log }),
  };
  const events: EventMessage[] = [];
  const router = createEventRouter();
  deps.events.attach((m) => {
    events.push(m);
    router.deliver(m);
  });
  const bridge = createBridgeClient(buildBridge(createDispatcher(createHandlers(deps)), router.subscribe));
  return { name, deps, host, bridge, events, storage: o.storage ?? new Map(), chat: undefined };
}

/** Starts the renderer's pipeline of a signed-in session, with its own event router, as the page does. */
export async function startSessionChat(s: OwnStackSession): Promise<ChatPort> {
  const me = await s.bridge.session();
  if (me.state !== 'signedIn') throw new Error('not signed in');
  const router = createEventRouter();
  s.deps.events.attach((m) => router.deliver(m));
  const events = createBridgeEvents(buildBridge(createDispatcher(createHandlers(s.deps)), router.subscribe));
  s.chat = (
    await startRendererMessaging({
      bridge: s.bridge,
      events,
      self: { userId: me.user.userId as UserId, deviceId: me.deviceId as DeviceId },
      storage: { getItem: (k) => s.storage.get(k) ?? null, setItem: (k, v) => void s.storage.set(k, v) },
    })
  ).port;
  return s.chat;
}

/** Stops the pipeline and closes main's client core (the profile's files and keys stay). */
export async function endSession(s: OwnStackSession): Promise<void> {
  await s.chat?.dispose();
  s.chat = undefined;
  if ('close' in s.deps.messenger) await s.deps.messenger.close();
}
