/**
 * Section "chat features" (docs/benchmarks.md, `chat_features`): the three chat features of issue 21, each
 * beside a peer in the same run, no targets (the issue sets none).
 *
 * - Presence (docs/protocol.md §7.8): a status sealed and opened through the client core's real
 *   `CorePresenceCrypto`, beside a 200 B message sealed and opened by the same device crypto in the same
 *   rounds; one status change of a user with N direct conversations through the real `PresenceFeed.setStatus`
 *   (it seals once per followed conversation and sets each channel's state), beside N message seals; the
 *   bytes of the sealed status in PubNub presence state, and what the SDK then repeats on every heartbeat.
 *   Whether a relay (src/relay, in this process) takes the heartbeat and subscribe handshake that carry those
 *   states, at 50 and 500 direct conversations, and the most it takes.
 * - Push for mobile (§7.6): the bytes the generic push part takes in a publish, the largest body that still
 *   fits with and without it, and seal+sign with and without it (`pushFor` = `genericPushMetadata`, as the
 *   managed policy `pushPayload` = `generic` wires it, vs the default).
 * - Sealed reactions (§7.7): reaction envelopes ingested through the real `ConversationSession` (claim, open,
 *   settle, scrubDeleted, `applyReactions`) into timelines of 1,000 and 10,000 messages, beside plain message
 *   envelopes ingested into a timeline of the same size; the target lookup per reaction, the id index
 *   (`Timeline.messageTimetoken`) vs the pass over `timeline.entries()` it replaced (reproduced here), with
 *   `entries()` alone and a clear PubNub reaction action applied to the annotations (what a reaction cost
 *   before §7.7) beside them.
 *
 * No network: the device crypto is `BenchMessageCrypto` below (the steps of `CoreMessageCrypto`, which the
 * bench cannot construct), with one key version and every device known; the PubNub SDK under `PresenceFeed`
 * is a stand-in that answers at once and counts what it would send.
 */
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { PresencePubNub } from '../../src/common/presence/presenceFeed';
import { PresenceFeed } from '../../src/common/presence/presenceFeed';
import { newConversationId, type ConversationId, type DeviceId, type MessageId, type UserId } from '../../src/common/ids';
import { Annotations, REACTION_ACTION } from '../../src/common/messaging/annotations';
import { ConversationSession } from '../../src/common/messaging/conversationSession';
import type { OpenOutcome } from '../../src/common/messaging/ports';
import type { Timeline } from '../../src/common/messaging/timeline';
import type { PubNubClient } from '../../src/common/messaging/transport';
import { chatActionPlaintext, decodeChatAction, type ChatActionType } from '../../src/common/protocol/chatAction';
import type { PushMetadata } from '../../src/common/protocol/envelope';
import { openEnvelope, sealEnvelope } from '../../src/common/protocol/envelopeSeal';
import { isProtocolError, SignerNotMemberError, TooLargeError, WrongEnvelopeTypeError } from '../../src/common/protocol/errors';
import { genericPushMetadata } from '../../src/common/protocol/genericPush';
import type { MessagePlaintext } from '../../src/common/protocol/plaintext';
import { checkOwnStatus, decodePresenceStatus, PRESENCE_STATE_KEY, type PresenceStatus } from '../../src/common/protocol/presenceStatus';
import { MAX_PUBLISH_BYTES, publishSize, pubnubEscape, pubnubEscapedLength } from '../../src/common/protocol/publishSize';
import { startRelay } from '../../src/relay/index';
import { conversationPubnubChannel } from '../../src/common/pubnubChannels';
import { CorePresenceCrypto, type CoreMessageCrypto, type PresenceOpenOutcome } from '../../src/client';
import { MeasurementError } from '../lib/errors';
import { makeDevice, provider, providerLine, textMessage, type BenchDevice } from '../lib/fixtures';
import type { Section, SectionContext, SectionOutcome } from '../lib/section';
import { pairedRatios, single, spreadOf } from '../lib/stats';
import { measureSideBySide, rateOf, ratioOf, type ThroughputOptions } from '../lib/throughput';
import type { Figure } from '../lib/types';

const USER_A = 'bench-user-alice' as UserId;
const USER_B = 'bench-user-bob00' as UserId;
const STATUS: PresenceStatus = { availability: 'away', text: 'In a meeting until 3 pm' };
/** The largest status in bytes: 140 UTF-16 code units of a 3-byte UTF-8 character. */
const STATUS_LARGEST: PresenceStatus = { availability: 'away', text: '会'.repeat(140) };
const BODY = 200;

interface Options {
  readonly throughput: ThroughputOptions;
  readonly rounds: number;
  readonly conversations: readonly number[];
  readonly timelines: readonly number[];
}

type Members = ReadonlyMap<DeviceId, { userId: UserId; ed25519: Uint8Array }>;

/**
 * The steps of the client core's `CoreMessageCrypto` (src/client/messageCrypto.ts) for one device, repeated
 * from the same src/common functions: `src/client/index.ts` exports that class as a type only and the bench
 * may not import it from its module (lint rule layers/imports), and changing the product's exports is not this
 * section's business. What it repeats: seal — the body check of a presence status or chat action, a copy of the
 * key zeroed afterwards, `sealEnvelope` with the generic push part on a message or reply only (`pushFor`);
 * open — the type check, `openEnvelope` with the sender device looked up (asynchronously, as the directory
 * does), the chat action's body; openPresence — the type check, `openEnvelope`, the body, the own-status
 * check. What it leaves out: the key ring's and directory's caches, `ensureSendable`, and the sender checks of
 * §7.4 step 8 (membership facts, removal, revocation), which a client with chains makes on every open.
 */
class BenchMessageCrypto {
  constructor(
    private readonly self: BenchDevice,
    private readonly keys: ReadonlyMap<ConversationId, Uint8Array>,
    private readonly members: Members,
    private readonly pushFor: (conversationId: ConversationId) => PushMetadata = () => ({}),
  ) {}

  private keyOf(c: ConversationId): Uint8Array {
    const key = this.keys.get(c);
    if (key === undefined) throw new MeasurementError(`no key for ${c}`);
    return key.slice(); // the real ring hands out copies, which the crypto zeroes after use
  }

  async seal(conversationId: ConversationId, plaintext: MessagePlaintext, type?: ChatActionType | 'presence' | 'attachment'): Promise<unknown> {
    if (type === 'presence') decodePresenceStatus(type, plaintext);
    else if (type !== undefined) decodeChatAction(type, plaintext);
    const key = this.keyOf(conversationId);
    try {
      return await sealEnvelope(provider, {
        ...(type === undefined ? {} : { type }),
        conversationId,
        keyVersion: 1,
        key,
        senderDevice: this.self.deviceId,
        signingPrivateKey: this.self.ed25519.privateKey,
        plaintext,
        ...(type === undefined || type === 'reply' ? { push: this.pushFor(conversationId) } : {}),
        channel: conversationPubnubChannel(conversationId),
      });
    } finally {
      key.fill(0);
    }
  }

  private async opened(conversationId: ConversationId, envelope: unknown, checkType: (type: string) => void) {
    let senderUser: UserId | undefined;
    let key: Uint8Array | undefined;
    try {
      const type = (envelope as { type?: unknown } | null)?.type;
      if (typeof type === 'string') checkType(type);
      const opened = await openEnvelope(provider, envelope, {
        conversationId,
        keyForVersion: (v) => (key = v === 1 && this.keys.has(conversationId) ? this.keyOf(conversationId) : undefined),
        memberSigningKey: async (deviceId) => {
          const m = this.members.get(deviceId);
          senderUser = m?.userId;
          return m?.ed25519;
        },
      });
      if (senderUser === undefined) throw new SignerNotMemberError('sender device unknown');
      return { ...opened, senderUser };
    } finally {
      key?.fill(0);
    }
  }

  async open(conversationId: ConversationId, envelope: unknown): Promise<OpenOutcome> {
    try {
      const opened = await this.opened(conversationId, envelope, (type) => {
        if (type === 'presence') throw new WrongEnvelopeTypeError('a presence status is not a message');
      });
      const chat = decodeChatAction(opened.header.type, opened.message);
      return {
        kind: 'ok',
        plaintext: opened.message,
        senderDevice: opened.header.senderDevice,
        senderUser: opened.senderUser,
        keyVersion: opened.header.keyVersion,
        ...(chat === undefined ? {} : { chat }),
      };
    } catch (err) {
      if (isProtocolError(err)) return { kind: 'rejected', code: err.code, message: err.message };
      throw err;
    }
  }

  async openPresence(conversationId: ConversationId, envelope: unknown, stateOf: string): Promise<PresenceOpenOutcome> {
    try {
      const opened = await this.opened(conversationId, envelope, (type) => {
        if (type !== 'presence') throw new WrongEnvelopeTypeError(`a ${type} envelope is not a presence status`);
      });
      const status = decodePresenceStatus(opened.header.type, opened.message);
      checkOwnStatus(stateOf, opened.senderUser);
      return { kind: 'ok', status, senderUser: opened.senderUser, senderDevice: opened.header.senderDevice, sentAt: opened.message.sentAt };
    } catch (err) {
      if (isProtocolError(err)) return { kind: 'rejected', code: err.code, message: err.message };
      throw err;
    }
  }

  onKeyAvailable(): () => void {
    return () => undefined;
  }
}

function coreCrypto(self: BenchDevice, keys: ReadonlyMap<ConversationId, Uint8Array>, members: Members, push = false): BenchMessageCrypto {
  return new BenchMessageCrypto(self, keys, members, push ? genericPushMetadata : undefined);
}

/** The real `CorePresenceCrypto` over the stand-in (it calls only `seal` and `openPresence`). */
function presenceCrypto(crypto: BenchMessageCrypto): CorePresenceCrypto {
  return new CorePresenceCrypto(() => crypto as unknown as CoreMessageCrypto, provider);
}

/** Runs `fn` once; milliseconds. */
async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

const f = (id: string, label: string, unit: string, value: Figure['value'], note?: string): Figure => ({ id, label, unit, value, ...(note ? { note } : {}) });

// ---------------------------------------------------------------------------------------------------------
// Presence

async function presence(ctx: SectionContext, opts: Options, a: BenchDevice, b: BenchDevice): Promise<{ figures: Figure[]; notes: string[] }> {
  const members = new Map([
    [a.deviceId, { userId: USER_A, ed25519: a.ed25519.publicKey }],
    [b.deviceId, { userId: USER_B, ed25519: b.ed25519.publicKey }],
  ]);
  const conv = newConversationId(provider);
  const keys = new Map([[conv, provider.randomBytes(32)]]);
  const aCrypto = coreCrypto(a, keys, members);
  const bCrypto = coreCrypto(b, keys, members);
  const aPresence = presenceCrypto(aCrypto);
  const bPresence = presenceCrypto(bCrypto);
  const sealedStatus = JSON.parse(JSON.stringify(await aPresence.seal(conv, STATUS))) as unknown;
  const opened = await bPresence.open(conv, sealedStatus, USER_A);
  if (opened.kind !== 'ok' || opened.status.text !== STATUS.text) throw new MeasurementError('the sealed status did not open');
  const message = textMessage(BODY);
  const sealedMessage = JSON.parse(JSON.stringify(await aCrypto.seal(conv, message))) as unknown;
  if ((await bCrypto.open(conv, sealedMessage)).kind !== 'ok') throw new MeasurementError('the sealed message did not open');

  ctx.log('chat_features: presence seal/open beside a 200 B message');
  const P = { seal: 'status seal+sign', open: 'status open+verify', mSeal: 'message seal+sign', mOpen: 'message open+verify' };
  const rates = await measureSideBySide(
    [
      { name: P.seal, run: () => aPresence.seal(conv, STATUS) },
      { name: P.open, run: () => bPresence.open(conv, sealedStatus, USER_A) },
      { name: P.mSeal, run: () => aCrypto.seal(conv, message) },
      { name: P.mOpen, run: () => bCrypto.open(conv, sealedMessage) },
    ],
    opts.throughput,
  );
  const figures: Figure[] = [
    f('presence.seal_sign', 'presence status seal+sign (CorePresenceCrypto.seal)', 'ops/s', rateOf(rates, P.seal)),
    f('presence.open_verify', 'presence status open+verify (CorePresenceCrypto.open, every check of §7.8)', 'ops/s', rateOf(rates, P.open)),
    f('presence.message_seal_sign', 'peer: 200 B message seal+sign, same device crypto', 'msg/s', rateOf(rates, P.mSeal)),
    f('presence.message_open_verify', 'peer: 200 B message open+verify, same device crypto', 'msg/s', rateOf(rates, P.mOpen)),
    f('presence.seal_vs_message', 'status seal+sign ÷ 200 B message seal+sign', 'x', ratioOf(rates, P.seal, P.mSeal)),
    f('presence.open_vs_message', 'status open+verify ÷ 200 B message open+verify', 'x', ratioOf(rates, P.open, P.mOpen)),
  ];

  // Bytes in presence state: the set-state call's `state` query, and the JSON PubNub keeps.
  const stateOf = async (s: PresenceStatus) => ({ [PRESENCE_STATE_KEY]: await aPresence.seal(conv, s) });
  const emptyState = await stateOf({ availability: 'online', text: '' });
  const typicalState = await stateOf(STATUS);
  const largestState = await stateOf(STATUS_LARGEST);
  figures.push(
    f('presence.state_bytes_empty', 'sealed status in presence state, no text: JSON bytes', 'B', single(JSON.stringify(emptyState).length)),
    f(
      'presence.state_bytes_typical',
      `sealed status in presence state, ${STATUS.text.length}-character text: JSON bytes`,
      'B',
      single(JSON.stringify(typicalState).length),
    ),
    f(
      'presence.state_bytes_largest',
      'sealed status in presence state, largest text (140 three-byte characters): JSON bytes',
      'B',
      single(JSON.stringify(largestState).length),
    ),
    f(
      'presence.state_query_bytes_typical',
      `set-state request's escaped \`state\` query, ${STATUS.text.length}-character text`,
      'B',
      single(pubnubEscapedLength(JSON.stringify(typicalState))),
      'JSON escaped as the SDK escapes query values (pubnubEscape); the envelope is mostly base64url, which escapes to itself',
    ),
  );

  // One status change with N direct conversations through the real PresenceFeed.
  const notes: string[] = [];
  for (const n of opts.conversations) {
    ctx.log(`chat_features: one status change with ${n} direct conversations`);
    const convs = Array.from({ length: n }, () => newConversationId(provider));
    const nKeys = new Map(convs.map((c) => [c, provider.randomBytes(32)]));
    const nCrypto = coreCrypto(a, nKeys, members);
    let setStateCalls = 0;
    let setStateQueryBytes = 0;
    const kept = new Map<string, unknown>();
    const pubnub = {
      channel: () => ({ subscription: () => ({ subscribe: () => undefined, unsubscribe: () => undefined, onPresence: undefined }) }),
      hereNow: async () => ({ channels: {}, totalChannels: 0, totalOccupancy: 0 }),
      setState: async (p: { channels: string[]; state: unknown }) => {
        setStateCalls += 1;
        setStateQueryBytes += pubnubEscapedLength(JSON.stringify(p.state));
        for (const ch of p.channels) kept.set(ch, p.state);
        return { state: p.state };
      },
    } as unknown as PresencePubNub;
    const feed = new PresenceFeed({
      pubnub,
      crypto: presenceCrypto(nCrypto),
      self: USER_A,
      lastSeen: { load: () => undefined, save: () => undefined },
    });
    await feed.watch(convs.map((c, i) => ({ conversationId: c, peer: `bench-peer-${String(i).padStart(5, '0')}` as UserId })));
    const statuses: PresenceStatus[] = [STATUS, { availability: 'online', text: '' }];
    await feed.setStatus(statuses[1] as PresenceStatus); // warm-up, and every channel holds a state
    setStateCalls = 0;
    setStateQueryBytes = 0;
    const changeMs: number[] = [];
    const peerMs: number[] = [];
    const sealAll = () => Promise.all(convs.map((c) => nCrypto.seal(c, message)));
    await sealAll();
    const reps = n >= 500 ? 2 : 10;
    for (let r = 0; r < opts.rounds; r++) {
      const one = async () => {
        let total = 0;
        for (let k = 0; k < reps; k++) total += await timed(() => feed.setStatus(statuses[k % 2] as PresenceStatus));
        changeMs.push(total / reps);
      };
      const peer = async () => {
        let total = 0;
        for (let k = 0; k < reps; k++) total += await timed(sealAll);
        peerMs.push(total / reps);
      };
      if (r % 2 === 0) {
        await one();
        await peer();
      } else {
        await peer();
        await one();
      }
    }
    const changes = opts.rounds * reps;
    if (setStateCalls !== changes * n) throw new MeasurementError(`expected ${changes * n} set-state calls, saw ${setStateCalls}`);
    feed.dispose();
    // What the SDK then repeats: it keeps each channel's state and sends all of them as the `state` query of
    // every heartbeat and subscribe (pubnub 12, maintainPresenceState defaults to true).
    const heartbeatState = Object.fromEntries([...kept].map(([ch, s]) => [ch, s]));
    figures.push(
      f(`presence.change_ms_${n}`, `one status change, ${n} direct conversations (PresenceFeed.setStatus)`, 'ms', spreadOf(changeMs)),
      f(`presence.change_peer_ms_${n}`, `peer: ${n} seals of a 200 B message, same crypto, same rounds`, 'ms', spreadOf(peerMs)),
      f(
        `presence.change_vs_peer_${n}`,
        `one status change ÷ ${n} message seals, ${n} conversations`,
        'x',
        spreadOf(pairedRatios(changeMs, peerMs)),
        'median of per-round ratios',
      ),
      f(`presence.change_set_state_calls_${n}`, `set-state requests per status change, ${n} conversations`, 'requests', single(setStateCalls / changes)),
      f(
        `presence.change_upload_bytes_${n}`,
        `bytes of set-state \`state\` queries per status change, ${n} conversations`,
        'B',
        single(setStateQueryBytes / changes),
      ),
      f(
        `presence.heartbeat_state_bytes_${n}`,
        `escaped \`state\` query of every heartbeat afterwards, ${n} conversations`,
        'B',
        single(pubnubEscapedLength(JSON.stringify(heartbeatState))),
        'the SDK keeps each channel state set and sends all of them with every heartbeat and subscribe request (pubnub 12, maintainPresenceState = true by default); computed from the states set, not sent',
      ),
    );
  }
  notes.push(
    `Presence: the status is sealed once per followed direct conversation and set with one set-state request per channel (PresenceFeed.setStatus); a status change with N conversations is N seals and N requests. The set-state stand-in answers at once, so the request time to PubNub is not in \`change_ms\`.`,
    'Presence open = CorePresenceCrypto.open over the openPresence steps: type check, §7.4 steps 1–7, body decode, own-status check; the stale check of step 5 happens in the PresenceFeed and costs a map lookup.',
  );
  return { figures, notes };
}

/** What the relay answered one request: the HTTP status and the relay's message when refused. */
async function ask(url: string): Promise<{ status: number; message: string }> {
  try {
    const res = await fetch(url);
    const text = await res.text();
    let message = '';
    if (res.status !== 200) {
      try {
        const body = JSON.parse(text) as { message?: unknown; error?: unknown };
        message = String(body.message ?? body.error ?? text).slice(0, 120);
      } catch {
        message = text.slice(0, 120) || res.statusText;
      }
    }
    return { status: res.status, message };
  } catch (error) {
    return { status: 0, message: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Whether the relay takes the requests the SDK repeats once a status is set on N direct conversations: a
 * heartbeat and a subscribe carrying every channel's state (as pubnub 12 builds them: channel names escaped
 * and joined by commas in the path, `state` = JSON.stringify of all states, escaped). A relay in this process
 * without Access Manager; requests sent with fetch, one at a time.
 */
async function relayAcceptance(ctx: SectionContext, opts: Options, a: BenchDevice): Promise<{ figures: Figure[]; notes: string[] }> {
  ctx.log('chat_features: the relay and the repeated presence state');
  const largest = 1_000;
  const convs = Array.from({ length: largest }, () => newConversationId(provider));
  const keys = new Map(convs.map((c) => [c, provider.randomBytes(32)]));
  const crypto = presenceCrypto(coreCrypto(a, keys, new Map()));
  const states = await Promise.all(convs.map(async (c) => [conversationPubnubChannel(c), { [PRESENCE_STATE_KEY]: await crypto.seal(c, STATUS) }] as const));
  const relay = await startRelay({ port: 0, dataDir: mkdtempSync(path.join(ctx.tmpDir, 'chat-relay-')) });
  const sub = 'sub-c-chat-features';
  const uuid = encodeURIComponent(USER_A);
  const names = (list: readonly string[]) => list.map((n) => pubnubEscape(n)).join(',');
  const stateQuery = (n: number) => pubnubEscape(JSON.stringify(Object.fromEntries(states.slice(0, n))));
  const channelsOf = (n: number) => states.slice(0, n).map(([ch]) => ch);
  const requests = {
    heartbeat: (n: number) =>
      `${relay.url}/v2/presence/sub-key/${sub}/channel/${names(channelsOf(n))}/heartbeat?uuid=${uuid}&heartbeat=150&state=${stateQuery(n)}`,
    subscribe: (n: number) =>
      `${relay.url}/v2/subscribe/${sub}/${names(
        channelsOf(n)
          .flatMap((ch) => [ch, `${ch}-pnpres`])
          .sort(),
      )}/0?uuid=${uuid}&tt=0&heartbeat=150&state=${stateQuery(n)}`,
  };
  const figures: Figure[] = [];
  const notes: string[] = [];
  try {
    for (const [kind, url] of Object.entries(requests)) {
      for (const n of opts.conversations) {
        const answer = await ask(url(n));
        figures.push(
          f(
            `presence.relay_${kind}_status_${n}`,
            `relay's HTTP status for the ${kind} carrying the states of ${n} direct conversations`,
            'status',
            single(answer.status),
            answer.status === 200 ? undefined : `refused: ${answer.message}`,
          ),
        );
      }
      // The most conversations whose repeated states the relay still takes (binary search; accepted at 1).
      if ((await ask(url(1))).status !== 200) throw new MeasurementError(`the relay refused a ${kind} with one state`);
      let lo = 1;
      let hi = largest + 1;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if ((await ask(url(mid))).status === 200) lo = mid;
        else hi = mid;
      }
      const refusal = hi <= largest ? await ask(url(hi)) : undefined;
      figures.push(
        f(
          `presence.relay_${kind}_largest`,
          `most direct conversations with a status whose ${kind} the relay takes`,
          'conversations',
          single(lo),
          refusal === undefined ? `all ${largest} tried were taken` : `at ${hi}: HTTP ${refusal.status}, ${refusal.message}`,
        ),
      );
      if (refusal !== undefined)
        notes.push(`Relay: a ${kind} with the states of ${hi} direct conversations is refused (HTTP ${refusal.status}: ${refusal.message}).`);
    }
  } finally {
    await relay.close();
  }
  return { figures, notes };
}

// ---------------------------------------------------------------------------------------------------------
// Push for mobile

/** The longest body of `unit` repeated that seals without TooLargeError (binary search). */
async function largestBody(crypto: BenchMessageCrypto, conv: ConversationId, unit: string): Promise<number> {
  const fits = async (n: number) => {
    try {
      await crypto.seal(conv, { id: 'bench-largest-body' as MessageId, sentAt: 1_700_000_000_000, type: 'string', body: unit.repeat(n) });
      return true;
    } catch (error) {
      if (error instanceof TooLargeError) return false;
      throw error;
    }
  };
  let lo = 0;
  let hi = Math.ceil(MAX_PUBLISH_BYTES / unit.length);
  if (!(await fits(lo)) || (await fits(hi))) throw new MeasurementError('the largest body is not between 0 and the publish limit');
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (await fits(mid)) lo = mid;
    else hi = mid;
  }
  return lo * unit.length;
}

async function push(ctx: SectionContext, opts: Options, a: BenchDevice): Promise<{ figures: Figure[]; notes: string[] }> {
  ctx.log('chat_features: push part');
  const members = new Map([[a.deviceId, { userId: USER_A, ed25519: a.ed25519.publicKey }]]);
  const conv = newConversationId(provider);
  const keys = new Map([[conv, provider.randomBytes(32)]]);
  const on = coreCrypto(a, keys, members, true);
  const off = coreCrypto(a, keys, members, false);
  const message = textMessage(BODY);
  const channel = conversationPubnubChannel(conv);
  const withPush = (await on.seal(conv, message)) as Record<string, unknown>;
  const without = (await off.seal(conv, message)) as Record<string, unknown>;
  if (withPush.pn_apns === undefined || without.pn_apns !== undefined) throw new MeasurementError('the push part is not where it should be');
  const sameSizeOf = (e: Record<string, unknown>) => publishSize(e, channel);
  const figures: Figure[] = [
    f(
      'push.part_bytes',
      `generic push part in a publish (escaped bytes, ${conv.length}-character conversation id)`,
      'B',
      single(sameSizeOf(withPush) - sameSizeOf(without)),
      'publishSize (docs/protocol.md §7.5) of the same 200 B message with and without pn_apns/pn_fcm',
    ),
  ];
  for (const [id, label, unit] of [
    ['ascii', 'ASCII characters', 'x'],
    ['cjk', 'three-byte characters (CJK)', '会'],
  ] as const) {
    const offMax = await largestBody(off, conv, unit);
    const onMax = await largestBody(on, conv, unit);
    figures.push(
      f(`push.largest_body_${id}_off`, `largest message body that fits, push off, ${label}`, 'chars', single(offMax)),
      f(`push.largest_body_${id}_on`, `largest message body that fits, push on, ${label}`, 'chars', single(onMax)),
    );
  }
  ctx.log('chat_features: seal+sign with and without the push part');
  const rates = await measureSideBySide(
    [
      { name: 'push on', run: () => on.seal(conv, message) },
      { name: 'push off', run: () => off.seal(conv, message) },
    ],
    opts.throughput,
  );
  figures.push(
    f('push.seal_on', '200 B message seal+sign, push on (pushFor = genericPushMetadata)', 'msg/s', rateOf(rates, 'push on')),
    f('push.seal_off', 'peer: 200 B message seal+sign, push off', 'msg/s', rateOf(rates, 'push off')),
    f('push.seal_on_vs_off', 'seal+sign push on ÷ push off', 'x', ratioOf(rates, 'push on', 'push off')),
  );
  return {
    figures,
    notes: [
      'Push: the largest body is found by sealing (binary search on the body length until TooLargeError); the limit is MAX_PUBLISH_BYTES of the escaped envelope and channel (§7.5). The body is encrypted, so its characters count as UTF-8 bytes inside base64url (4/3), whatever they are.',
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------
// Sealed reactions

const tt = (n: number) => String(17_000_000_000_000_000n + BigInt(n) * 10_000n);

/** What reactions did before the id index (commit 5690fa8): the first entry of the ordered timeline that is this message. */
function scanned(timeline: Timeline, id: MessageId): string | undefined {
  for (const entry of timeline.entries()) {
    if (entry.kind === 'outgoing') {
      if (entry.record.plaintext.id === id && entry.record.timetoken !== undefined) return entry.record.timetoken;
      continue;
    }
    const o = entry.record.outcome;
    if (o?.kind === 'ok' && o.plaintext.id === id && (o.chat === undefined || o.chat.kind === 'reply')) return entry.record.timetoken;
  }
  return undefined;
}

interface ReactionWorld {
  readonly conv: ConversationId;
  readonly crypto: BenchMessageCrypto;
  readonly opened: readonly OpenOutcome[];
  readonly messageIds: readonly MessageId[];
}

/** A session whose timeline holds `n` opened messages of Alice (setup: as stored history settles them). */
function sessionWith(world: ReactionWorld, n: number, failures: unknown[]): ConversationSession {
  const session = new ConversationSession(world.conv, {
    pubnub: {} as PubNubClient,
    crypto: world.crypto,
    cursors: { load: async () => undefined, save: async () => undefined },
    pageSize: 100,
    changed: () => undefined,
    failed: (_c, e) => failures.push(e),
    disposed: () => false,
    self: USER_B,
  });
  for (let i = 0; i < n; i++) {
    const record = session.timeline.claim(tt(i), USER_A, null);
    if (record === undefined) throw new MeasurementError('duplicate timetoken in setup');
    session.timeline.settle(record, world.opened[i] as OpenOutcome);
  }
  return session;
}

async function reactions(ctx: SectionContext, opts: Options, a: BenchDevice, b: BenchDevice): Promise<{ figures: Figure[]; notes: string[] }> {
  const members = new Map([
    [a.deviceId, { userId: USER_A, ed25519: a.ed25519.publicKey }],
    [b.deviceId, { userId: USER_B, ed25519: b.ed25519.publicKey }],
  ]);
  const conv = newConversationId(provider);
  const keys = new Map([[conv, provider.randomBytes(32)]]);
  const aCrypto = coreCrypto(a, keys, members);
  const bCrypto = coreCrypto(b, keys, members);
  const largest = Math.max(...opts.timelines);
  const opened: OpenOutcome[] = Array.from({ length: largest }, (_, i) => ({
    kind: 'ok',
    plaintext: textMessage(BODY, i),
    senderDevice: a.deviceId,
    senderUser: USER_A,
    keyVersion: 1,
  }));
  const world: ReactionWorld = { conv, crypto: bCrypto, opened, messageIds: opened.map((o) => (o as { plaintext: MessagePlaintext }).plaintext.id) };
  const figures: Figure[] = [];
  const failures: unknown[] = [];
  const values = ['👍', '❤️', '😂', '🎉', '👀'];

  for (const n of opts.timelines) {
    const perRound = n >= 10_000 ? 20 : 50;
    ctx.log(`chat_features: reactions on a timeline of ${n}, ${opts.rounds} rounds of ${perRound}`);
    // Bob's reactions (add) on Alice's messages spread over the timeline, and Alice's new plain messages: sealed once, before timing.
    const reactionEnvelopes: unknown[] = [];
    const messageEnvelopes: unknown[] = [];
    for (let j = 0; j < perRound; j++) {
      const target = world.messageIds[Math.floor(((j * 7919) % perRound) * (n / perRound))] as MessageId;
      const plaintext = chatActionPlaintext(
        { kind: 'reaction', target, value: values[j % values.length] as string, op: 'add' },
        `bench-react-${String(j).padStart(8, '0')}` as MessageId,
        1_700_000_100_000 + j,
      );
      reactionEnvelopes.push(JSON.parse(JSON.stringify(await bCrypto.seal(conv, plaintext, 'reaction'))));
      messageEnvelopes.push(JSON.parse(JSON.stringify(await aCrypto.seal(conv, textMessage(BODY, largest + j)))));
    }
    const ingest = async (session: ConversationSession, envelopes: readonly unknown[], publisher: UserId) => {
      for (let j = 0; j < envelopes.length; j++) await session.ingest({ timetoken: tt(n + 1 + j), publisher, message: envelopes[j] });
    };
    const reactionRates: number[] = [];
    const messageRates: number[] = [];
    // Warm-up on throw-away sessions.
    await ingest(sessionWith(world, n, failures), reactionEnvelopes, USER_B);
    await ingest(sessionWith(world, n, failures), messageEnvelopes, USER_A);
    for (let r = 0; r < opts.rounds; r++) {
      const order = r % 2 === 0 ? (['reaction', 'message'] as const) : (['message', 'reaction'] as const);
      for (const which of order) {
        const session = sessionWith(world, n, failures); // a fresh timeline of n each round: it does not grow over the rounds
        const envelopes = which === 'reaction' ? reactionEnvelopes : messageEnvelopes;
        const ms = await timed(() => ingest(session, envelopes, which === 'reaction' ? USER_B : USER_A));
        (which === 'reaction' ? reactionRates : messageRates).push(perRound / (ms / 1000));
        if (which === 'reaction') {
          const shown = world.messageIds.slice(0, n).reduce((sum, id) => {
            const t = session.timeline.messageTimetoken(id);
            return sum + (t === undefined ? 0 : session.annotations.reactions(t).length);
          }, 0);
          if (shown !== perRound) throw new MeasurementError(`${perRound} reactions ingested, ${shown} shown`);
        } else if (session.timeline.entries().length !== n + perRound) throw new MeasurementError('the plain messages did not all settle');
      }
    }
    if (failures.length > 0) throw new MeasurementError(`the session reported ${failures.length} failures`);

    // The lookup alone, on a timeline of n (as ingested above): index vs the old pass, entries() alone, a clear action.
    const session = sessionWith(world, n, failures);
    const timeline = session.timeline;
    const lookups = Array.from({ length: 997 }, (_, k) => world.messageIds[(k * 7919) % n] as MessageId);
    for (const id of lookups.slice(0, 20))
      if (timeline.messageTimetoken(id) !== scanned(timeline, id)) throw new MeasurementError('the index and the pass disagree');
    let li = 0;
    let pi = 0;
    let ci = 0;
    let clear = new Annotations();
    const L = { index: 'index', pass: 'pass', entries: 'entries', clearAction: 'clear action' };
    const lookupOpts = { ...opts.throughput, rounds: Math.min(opts.throughput.rounds, 5) };
    const lookupRates = await measureSideBySide(
      [
        { name: L.index, run: () => timeline.messageTimetoken(lookups[li++ % lookups.length] as MessageId) },
        { name: L.pass, run: () => scanned(timeline, lookups[pi++ % lookups.length] as MessageId) },
        { name: L.entries, run: () => timeline.entries() },
        {
          name: L.clearAction,
          run: () => {
            if (ci % 20_000 === 0) clear = new Annotations();
            const k = ci++;
            return clear.apply('added', { messageTimetoken: tt(k % n), type: REACTION_ACTION, value: '👍', actor: USER_B, actionTimetoken: tt(n + 1 + k) });
          },
        },
      ],
      lookupOpts,
    );
    const p = `reactions.t${n}`;
    figures.push(
      f(
        `${p}.ingest`,
        `reaction envelopes ingested, timeline of ${n.toLocaleString('en-US')} (ConversationSession.ingest)`,
        'reactions/s',
        spreadOf(reactionRates),
      ),
      f(`${p}.message_ingest`, `peer: plain 200 B message envelopes ingested, timeline of ${n.toLocaleString('en-US')}`, 'msg/s', spreadOf(messageRates)),
      f(
        `${p}.ingest_vs_message`,
        `reaction ingest ÷ plain message ingest, timeline of ${n.toLocaleString('en-US')}`,
        'x',
        spreadOf(pairedRatios(reactionRates, messageRates)),
        'median of per-round ratios',
      ),
      f(
        `${p}.lookup_index`,
        `target lookup, id index (Timeline.messageTimetoken), timeline of ${n.toLocaleString('en-US')}`,
        'ops/s',
        rateOf(lookupRates, L.index),
      ),
      f(
        `${p}.lookup_pass`,
        `peer: target lookup, pass over timeline.entries() (before 5690fa8), timeline of ${n.toLocaleString('en-US')}`,
        'ops/s',
        rateOf(lookupRates, L.pass),
      ),
      f(`${p}.lookup_index_vs_pass`, `id index ÷ the pass, timeline of ${n.toLocaleString('en-US')}`, 'x', ratioOf(lookupRates, L.index, L.pass)),
      f(
        `${p}.entries`,
        `timeline.entries() alone, timeline of ${n.toLocaleString('en-US')}`,
        'ops/s',
        rateOf(lookupRates, L.entries),
        'the pass ConversationSession.scrubDeleted made for every opened message and reaction before 8eb1f80 ("the original arriving after its author\'s delete"; now an index lookup, Timeline.deletedBy)',
      ),
      f(
        `${p}.clear_action`,
        `peer: a clear PubNub reaction action applied to the annotations (before §7.7; no crypto, proves nothing)`,
        'ops/s',
        rateOf(lookupRates, L.clearAction),
      ),
    );
  }
  return {
    figures,
    notes: [
      'Reactions: each round ingests its reactions (or plain messages) into a fresh timeline of n opened messages, one after the other, each through claim, open (signature verify, decrypt, chat-action body decode), settle, scrubDeleted and applyReactions; the result is checked (every reaction shown on its target). A reaction is a new timeline record (never shown) like a message.',
      "Reactions: the id index removed the lookup's pass, and since 8eb1f80 ConversationSession.scrubDeleted looks up earlier deletes in an index (Timeline.deletedBy) instead of one timeline.entries() (build and sort of the whole timeline) per ingested envelope, so an ingest no longer grows with the timeline; the `entries` row keeps the cost of the pass it replaced.",
    ],
  };
}

export const chatFeaturesSection: Section = {
  id: 'chat_features',
  title: 'Chat features of issue 21: presence, push for mobile, sealed reactions',
  timeoutMs: 180_000,
  async run(ctx: SectionContext): Promise<SectionOutcome> {
    const opts: Options = ctx.quick
      ? { throughput: { rounds: 3, sliceMs: 50, warmupMs: 50 }, rounds: 3, conversations: [50, 500], timelines: [1_000, 10_000] }
      : { throughput: { rounds: 7, sliceMs: 120, warmupMs: 150 }, rounds: 7, conversations: [50, 500], timelines: [1_000, 10_000] };
    const a = await makeDevice(1);
    const b = await makeDevice(2);
    const parts = [await presence(ctx, opts, a, b), await relayAcceptance(ctx, opts, a), await push(ctx, opts, a), await reactions(ctx, opts, a, b)];
    return {
      status: 'measured',
      figures: parts.flatMap((p) => p.figures),
      notes: [
        providerLine,
        `Single-threaded; throughput rows: ${opts.throughput.rounds} interleaved rounds of ${opts.throughput.sliceMs} ms per candidate after a warm-up, median (min – max); ms rows and ingest rows: ${opts.rounds} rounds alternating with their peer. No targets: issue 21 sets none.`,
        "Device crypto: BenchMessageCrypto repeats the seal/open/openPresence steps of the client core's CoreMessageCrypto from the same src/common functions (src/client exports that class as a type only); its key-ring and directory caches, ensureSendable and the §7.4 step-8 sender checks (membership facts, removal, revocation) are not in these figures.",
        ...parts.flatMap((p) => p.notes),
      ],
    };
  },
};
