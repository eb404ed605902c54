/**
 * The world of the renderer section (docs/benchmarks.md, `renderer`): the built renderer served by the web
 * host (src/main/webHost) with the real main-side handlers, and the same stand-in the UI tests use for the
 * session, conversation and sealing channels (test/e2e/ui_chat_stand_in.spec.ts): Alice is the user in the
 * page, her sealing and opening are the messaging tests' real test crypto device in Node, reached over the
 * web host's IPC bridge; Bob is a plain messaging pipeline. Relay in this process; envelopes are real.
 * `seed` sends Bob's messages through his pipeline, as the UI tests do.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import path from 'node:path';
import type { ConversationId } from '../../src/common/ids';
import { bootstrapMain } from '../../src/main/bootstrap';
import { createHandlers } from '../../src/main/composition';
import { createDispatcher, type Handlers } from '../../src/main/ipc/dispatch';
import { createEventHub } from '../../src/main/ipc/eventHub';
import { startWebHost, type WebHost } from '../../src/main/webHost/server';
import {
  cleanup,
  conversation,
  participant,
  PUB,
  startTestRelay,
  SUB,
  type Participant,
  participantSealing,
  twoMemberSummary,
} from '../../test/messaging/harness';
import { MeasurementError } from './errors';

const root = path.join(__dirname, '../..');

export interface RendererWorld {
  readonly host: WebHost;
  readonly bob: Participant;
  readonly dm: ConversationId;
  close(): Promise<void>;
}

function standIn(alice: Participant, bob: Participant, dm: ConversationId, origin: string): Handlers {
  const device = alice.user.devices[0];
  if (!device) throw new MeasurementError('the stand-in user has no device');
  const summary = twoMemberSummary(dm, alice, bob);
  const trust = (userId: string) => ({ userId, state: 'unverified' as const, ownCode: '01234 56789 01234 56789 01234 56789' });
  return {
    session: async () => ({
      state: 'signedIn',
      serverUrl: 'http://127.0.0.1:1',
      localStack: true,
      user: { userId: alice.user.userId, username: 'alice', displayName: 'Alice' },
      deviceId: device.deviceId,
      deviceName: 'Desktop',
    }),
    transportConfig: async () => ({ origin, ssl: false, subscribeKey: SUB, publishKey: PUB, userId: alice.user.userId, token: null }),
    listConversations: async () => [summary],
    listDevices: async () => [],
    contactTrust: async (userId) => trust(userId),
    ...participantSealing(alice),
  };
}

export async function startRendererWorld(tmpDir: string): Promise<RendererWorld> {
  const rendererDir = path.join(root, 'out/renderer');
  const bridgeFile = path.join(root, 'out/web/bridge.js');
  if (!existsSync(path.join(rendererDir, 'index.html')) || !existsSync(bridgeFile))
    throw new MeasurementError('the built renderer is missing: run `npm run build` first');
  const relay = await startTestRelay();
  const alice = await participant(relay, 'alice');
  const bob = await participant(relay, 'bob');
  const dm = await conversation('dm-bench-renderer', [alice, bob]);
  await bob.messaging.join([dm]);
  const deps = await bootstrapMain({
    facts: { name: 'Seed Messenger', version: '0.1.0', platform: process.platform, runtime: 'node', runtimeVersion: process.versions.node },
    home: mkdtempSync(path.join(tmpDir, 'renderer-home-')),
    profile: 'bench-renderer',
    network: 'none',
  });
  const events = createEventHub();
  const handlers = { ...createHandlers(deps), ...standIn(alice, bob, dm, relay.origin) };
  const host = await startWebHost({ dispatch: createDispatcher(handlers), rendererDir, bridgeFile, events });
  return {
    host,
    bob,
    dm,
    async close() {
      await host.close();
      await cleanup();
    },
  };
}

/** Bob sends `count` texts `message 1` … `message <count>`, `batch` at a time. */
export async function seed(world: RendererWorld, count: number, batch = 50): Promise<void> {
  for (let i = 1; i <= count; i += batch) {
    const ids = Array.from({ length: Math.min(batch, count - i + 1) }, (_, k) => i + k);
    const outcomes = await Promise.all(ids.map((n) => world.bob.messaging.send(world.dm, { type: 'string', body: `message ${n}` })));
    const failed = outcomes.find((o) => o.state !== 'sent');
    if (failed) throw new MeasurementError(`seeding failed: ${JSON.stringify(failed)}`);
  }
}
