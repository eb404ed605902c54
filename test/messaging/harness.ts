/**
 * Scenario harness for the messaging pipeline: a real relay on an ephemeral port, participants each with a
 * real `pubnub` SDK client, a real test crypto device and a messaging pipeline, and a key "service" that
 * wraps conversation key versions for member devices. `cleanup()` disposes everything it created.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PubNub from 'pubnub';
import type { ConversationId } from '../../src/common/ids';
import { createMessaging, type Messaging, type MessagingOptions } from '../../src/common/messaging/messaging';
import type { CursorStore } from '../../src/common/messaging/ports';
import type { ConversationSummary } from '../../src/common/ipc/schemas/conversations';
import type { OpenOutcomeView } from '../../src/common/ipc/schemas/messages';
import type { MessagePlaintext } from '../../src/common/protocol/plaintext';
import type { Handlers } from '../../src/main/ipc/dispatch';
import { startRelay, type RunningRelay } from '../../src/relay/index';
import { makeUser, type TestUser } from '../crypto/fixtures';
import { newKeyVersion, TestDeviceCrypto } from './testCrypto';
import { pipelineRetryPolicy } from '../../src/common/messaging/retryPolicy';

export const PUB = 'pub-c-messaging';
export const SUB = 'sub-c-messaging';

export interface Participant {
  readonly name: string;
  readonly user: TestUser;
  readonly crypto: TestDeviceCrypto;
  readonly cursors: MapCursorStore;
  pubnub: PubNub;
  messaging: Messaging;
}

/** Cursors in a Map that outlives a participant's restart (a stand-in for the host's file). */
export class MapCursorStore implements CursorStore {
  readonly saved = new Map<ConversationId, string>();
  saves = 0;
  async load(conversationId: ConversationId): Promise<string | undefined> {
    return this.saved.get(conversationId);
  }
  async save(conversationId: ConversationId, timetoken: string): Promise<void> {
    this.saves += 1;
    this.saved.set(conversationId, timetoken);
  }
}

/** A cursor store whose loads wait until `release()` (to hold a catch-up while live messages arrive). */
export class GatedCursorStore extends MapCursorStore {
  private opened!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.opened = resolve));
  override async load(conversationId: ConversationId): Promise<string | undefined> {
    await this.gate;
    return super.load(conversationId);
  }
  release(): void {
    this.opened();
  }
}

const relays: RunningRelay[] = [];
const dirs: string[] = [];
const participants: Participant[] = [];

export type TestRelay = RunningRelay & { readonly dataDir: string };

export async function startTestRelay(reuse?: TestRelay): Promise<TestRelay> {
  const dataDir = reuse?.dataDir ?? mkdtempSync(join(tmpdir(), 'seed-messaging-'));
  if (reuse === undefined) dirs.push(dataDir);
  const relay = await startRelay({ port: reuse?.port ?? 0, dataDir });
  relays.push(relay);
  return { ...relay, dataDir };
}

/** SDK clients retry a lost subscribe every 2 s (a relay restart in a test takes well under that). */
export function sdkClient(relay: RunningRelay, userId: string): PubNub {
  const retryConfiguration = pipelineRetryPolicy();
  return new PubNub({ publishKey: PUB, subscribeKey: SUB, userId, origin: relay.origin, ssl: false, retryConfiguration });
}

export async function participant(
  relay: RunningRelay,
  name: string,
  options: Partial<MessagingOptions> = {},
  cursors = new MapCursorStore(),
): Promise<Participant> {
  const user = await makeUser(name);
  const device = user.devices[0];
  if (device === undefined) throw new Error('no device');
  const crypto = new TestDeviceCrypto(user, device);
  const pubnub = sdkClient(relay, user.userId);
  const p: Participant = { name, user, crypto, cursors, pubnub, messaging: pipeline(pubnub, crypto, cursors, user, options) };
  participants.push(p);
  return p;
}

function pipeline(pubnub: PubNub, crypto: TestDeviceCrypto, cursors: CursorStore, user: TestUser, options: Partial<MessagingOptions>): Messaging {
  const device = user.devices[0];
  if (device === undefined) throw new Error('no device');
  return createMessaging({
    pubnub,
    crypto,
    cursors,
    self: { userId: user.userId, deviceId: device.deviceId },
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
    ...options,
  });
}

/** Stops a participant's SDK client and pipeline, as if the app quit. */
export async function stop(p: Participant): Promise<void> {
  await p.messaging.dispose();
  p.pubnub.destroy(true);
}

/** Starts a participant again with a fresh SDK client and pipeline, the same device and cursors. */
export function restart(p: Participant, relay: RunningRelay, options: Partial<MessagingOptions> = {}): void {
  p.pubnub = sdkClient(relay, p.user.userId);
  p.messaging = pipeline(p.pubnub, p.crypto, p.cursors, p.user, options);
}

/** Creates a conversation: every member admits every member device and receives key version 1. */
export async function conversation(id: string, members: readonly Participant[]): Promise<ConversationId> {
  const conversationId = id as ConversationId;
  for (const m of members) {
    for (const other of members) {
      for (const d of other.user.devices) await m.crypto.admit(conversationId, d.certificate, other.user.account.publicKey);
    }
  }
  await rotate(conversationId, members, members);
  return conversationId;
}

/** Creates the next key version for `members` and delivers it to `deliverTo` only. */
export async function rotate(conversationId: ConversationId, members: readonly Participant[], deliverTo: readonly Participant[]) {
  const version = Math.max(0, ...members.map((m) => m.crypto.currentVersion(conversationId) ?? 0)) + 1;
  const wraps = await newKeyVersion(
    conversationId,
    version,
    members.flatMap((m) => m.user.devices),
  );
  for (const p of deliverTo) await p.crypto.receiveVersion(conversationId, version, wraps);
  return { version, deliver: (p: Participant) => p.crypto.receiveVersion(conversationId, version, wraps) };
}

export async function cleanup(): Promise<void> {
  for (const p of participants.splice(0)) {
    await p.messaging.dispose();
    p.pubnub.destroy(true);
  }
  await Promise.all(relays.splice(0).map((r) => r.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export async function waitFor(what: string, condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The string bodies of a participant's decrypted messages, in timeline order. */
export function texts(p: Participant, conversationId: ConversationId): string[] {
  return p.messaging.view(conversationId).items.flatMap((i) => (i.kind === 'message' && i.message.type === 'string' ? [i.message.body] : []));
}

/**
 * The contract's `sealMessage` / `sealChatAction` / `openMessage` handlers done by a participant's real test device, for the
 * renderer scenarios that run the real dispatcher without the client core (binary bodies are refused, as
 * the renderer shows text only).
 */
export function participantSealing(p: Participant): Pick<Handlers, 'sealMessage' | 'sealChatAction' | 'openMessage' | 'openMessages'> {
  const open = async (id: ConversationId, envelope: unknown): Promise<OpenOutcomeView> => {
    const outcome = await p.crypto.open(id, envelope);
    if (outcome.kind !== 'ok') return outcome;
    if (outcome.plaintext.type === 'binary') return { kind: 'rejected', code: 'unsupported_body', message: 'binary' };
    return { ...outcome, plaintext: outcome.plaintext };
  };
  return {
    sealMessage: async (id, plaintext) => (await p.crypto.seal(id, plaintext as MessagePlaintext)) as Record<string, unknown>,
    // Replies, edits, deletes and reactions (docs/protocol.md §7.7), sealed as their own envelope type.
    sealChatAction: async (id, plaintext, type) => (await p.crypto.seal(id, plaintext as MessagePlaintext, type)) as Record<string, unknown>,
    openMessage: open,
    openMessages: (id, envelopes) => Promise.all(envelopes.map((envelope) => open(id, envelope))),
  };
}

/** What main's `listConversations` would answer for a conversation of `owner` and `member` (key version 1). */
export function twoMemberSummary(
  id: ConversationId,
  owner: Participant,
  member: Participant,
  shape: { kind?: 'direct' | 'group'; name?: string } = {},
): ConversationSummary {
  return {
    conversationId: id,
    kind: shape.kind ?? 'direct',
    name: shape.name ?? 'Bob',
    channel: `conv.${id}`,
    historyPolicy: 'shared',
    keyVersion: 1,
    needsRotation: false,
    myRole: 'owner',
    members: [
      { userId: owner.user.userId, username: 'alice', displayName: 'Alice', role: 'owner', joinedAt: 0 },
      { userId: member.user.userId, username: 'bob', displayName: 'Bob', role: 'member', joinedAt: 0 },
    ],
  };
}
