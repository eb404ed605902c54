/**
 * Public API of the local PubNub-protocol relay (docs/relay.md): `startRelay` runs it in-process — for the
 * embedded local stack, tests and the offline demo; never a production broker. The unmodified `pubnub` SDK
 * talks to it with `origin: relay.origin, ssl: false`.
 */
import { listen, type ListeningAddress } from '../node/net/listen';
import { RelayConfigError } from './errors';
import { resolveOptions, type RelayOptions } from './options';
import { RelayContext } from './relayContext';
import { createRelayServer } from './http/server';
import { openDatabase, saveHighWater, storedHighWater } from './store/database';

import type { PushProviderRecord } from './push/providerOutbox';

export type { RelayOptions } from './options';
export type { PushProviderRecord } from './push/providerOutbox';
export { RelayConfigError } from './errors';

export interface RunningRelay {
  /** `http://<host>:<port>` */
  readonly url: string;
  readonly port: number;
  /** `<host>:<port>`, for the SDK's `origin` option (with `ssl: false`). */
  readonly origin: string;
  /**
   * Test and demo introspection, never on the wire: what the relay's stand-in for APNs/FCM recorded it would
   * have sent for this subscribe key (Mobile Push, docs/relay.md), oldest first.
   */
  pushProviderOutbox(subscribeKey: string): readonly PushProviderRecord[];
  /** Answers held subscribe requests, closes connections and the history database. */
  close(): Promise<void>;
}

const SWEEP_MS = 500;
const DEEP_SWEEP_EVERY = 60;

export async function startRelay(options: RelayOptions): Promise<RunningRelay> {
  const config = resolveOptions(options);
  const db = openDatabase(config.dataDir);
  const context = new RelayContext(config, db, storedHighWater(db));
  const relayServer = createRelayServer(context);
  let address: ListeningAddress;
  try {
    address = await listen(relayServer.server, { port: config.port, host: config.host });
  } catch (error) {
    db.close();
    throw new RelayConfigError('invalid_config', `cannot listen on ${config.host}:${config.port}: ${(error as Error).message}`);
  }
  let ticks = 0;
  const sweeper = setInterval(() => {
    ticks += 1;
    const deep = ticks % DEEP_SWEEP_EVERY === 0;
    context.sweep(Date.now(), deep);
    if (deep) saveHighWater(db, context.clock.current());
  }, SWEEP_MS);
  sweeper.unref();

  let closed: Promise<void> | undefined;
  return {
    url: address.url,
    port: address.port,
    origin: address.origin,
    pushProviderOutbox: (subscribeKey) => context.pushOutbox.records(subscribeKey),
    close: () => {
      closed ??= (async () => {
        clearInterval(sweeper);
        await relayServer.close();
        saveHighWater(db, context.clock.current());
        db.close();
      })();
      return closed;
    },
  };
}
