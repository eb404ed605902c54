/**
 * Test fixtures for the relay: relays on ephemeral ports over temp data directories, real `pubnub` SDK clients
 * pointed at them, event collectors, and polling waits. Everything created is closed by `cleanup()`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PubNub from 'pubnub';
import { startRelay, type RelayOptions, type RunningRelay } from '../../src/relay/index';

export type ClientConfig = Partial<PubNub.PubNubConfiguration>;

export const PUB = 'pub-c-test';
export const SUB = 'sub-c-test';
export const SECRET = 'sec-c-test-secret';

const clients: PubNub[] = [];
const relays: RunningRelay[] = [];
const dirs: string[] = [];

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'seed-relay-'));
  dirs.push(dir);
  return dir;
}

export async function startTestRelay(options: Partial<RelayOptions> = {}): Promise<RunningRelay & { dataDir: string }> {
  const dataDir = options.dataDir ?? tempDir();
  const relay = await startRelay({ ...options, dataDir });
  relays.push(relay);
  return { ...relay, close: () => relay.close(), dataDir };
}

export function client(relay: { origin: string }, userId: string, config: ClientConfig = {}): PubNub {
  const pubnub = new PubNub({
    publishKey: PUB,
    subscribeKey: SUB,
    userId,
    origin: relay.origin,
    ssl: false,
    ...config,
  });
  clients.push(pubnub);
  return pubnub;
}

export async function cleanup(): Promise<void> {
  for (const pubnub of clients.splice(0)) {
    pubnub.unsubscribeAll();
    pubnub.destroy(true);
  }
  await Promise.all(relays.splice(0).map((relay) => relay.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export async function waitFor(what: string, condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface Collected {
  readonly messages: PubNub.Subscription.Message[];
  readonly signals: PubNub.Subscription.Signal[];
  readonly presence: PubNub.Subscription.Presence[];
  readonly actions: PubNub.Subscription.MessageAction[];
  readonly statuses: PubNub.StatusEvent[];
}

export function collect(pubnub: PubNub): Collected {
  const collected: Collected = { messages: [], signals: [], presence: [], actions: [], statuses: [] };
  pubnub.addListener({
    message: (m) => collected.messages.push(m),
    signal: (s) => collected.signals.push(s),
    presence: (p) => collected.presence.push(p),
    messageAction: (a) => collected.actions.push(a),
    status: (s) => collected.statuses.push(s),
  });
  return collected;
}

/** Subscribes and waits until the SDK reports it connected. */
export async function subscribeAndWait(
  pubnub: PubNub,
  collected: Collected,
  params: { channels?: string[]; channelGroups?: string[]; withPresence?: boolean },
): Promise<void> {
  const before = collected.statuses.length;
  pubnub.subscribe(params);
  await waitFor('subscribe to connect', () =>
    collected.statuses.slice(before).some((s) => s.category === 'PNConnectedCategory' || s.category === 'PNSubscriptionChangedCategory'),
  );
}

/** Raw HTTP against the relay (for what the SDK never sends). */
export async function raw(
  relay: { url: string },
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; contentType: string; body: unknown; text: string }> {
  const response = await fetch(`${relay.url}${path}`, init);
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', body, text };
}

/** The status of a failed SDK call (PubNubError.status). */
export async function failure(call: Promise<unknown>): Promise<{ statusCode: number; category: string; errorData: unknown }> {
  try {
    await call;
  } catch (error) {
    const status = (error as { status?: { statusCode: number; category: string; errorData: unknown } }).status;
    if (status === undefined) throw error;
    return status;
  }
  throw new Error('expected the call to fail');
}

/** A client of `uuid` holding a genuine token the key service granted with `grant` (15 minutes). */
export async function userWithToken(
  relay: { origin: string },
  keyService: PubNub,
  uuid: string,
  grant: Omit<Parameters<PubNub['grantToken']>[0], 'ttl' | 'authorized_uuid'>,
): Promise<PubNub> {
  const token = await keyService.grantToken({ ttl: 15, authorized_uuid: uuid, ...grant });
  const pubnub = client(relay, uuid);
  pubnub.setToken(token);
  return pubnub;
}
