/**
 * Sends the offline queue (docs/client.md "Offline send queue"; the rows are store/outbox.ts). One pass at a
 * time; a pass asked for while one runs runs again after it. Per conversation, queued entries go out in
 * send order; each is sealed just before it goes out, with the key version current then (the core's
 * `seal` rotates first when a removal is pending), so a rotation while offline never sends under a stale
 * key or to a removed member. Exactly once as receivers see it: the envelope of each attempt is recorded
 * before it is published, and an entry whose last attempt got no answer is first looked for in the
 * channel's history (the same envelope) before it is sealed and published again; receivers also show one
 * message per message id (docs/messaging.md "De-duplication"). A retryable failure (the relay or the key
 * service out of reach) ends the pass and waits; a refusal (not a member any more, an identity change,
 * too large) stops that entry with its typed code.
 */
import type PubNub from 'pubnub';
import { AppError } from '../common/errors';
import { Emitter } from '../common/events/emitter';
import type { ConversationId, MessageId } from '../common/ids';
import { classifyFailure, fetchPage } from '../common/messaging/transport';
import { nextTimetoken, timetokenOf } from '../common/messaging/timetoken';
import { conversationPubnubChannel } from '../common/pubnubChannels';
import type { MessagePlaintext } from '../common/protocol/plaintext';
import type { Outbox, OutboxEntry } from './store';
import { isTemporary } from './transport';

/** What a pass did to the queue, for listeners (the desktop tells the renderer). */
export interface OutboxChange {
  readonly conversationId: ConversationId;
  /** Entries that went out, with the relay's timetoken. */
  readonly delivered: readonly { readonly messageId: MessageId; readonly timetoken: string }[];
  /** True while entries of this conversation wait for the network. */
  readonly waiting: boolean;
}

export interface OutboxSenderDeps {
  outbox(): Promise<Outbox>;
  seal(conversationId: ConversationId, plaintext: MessagePlaintext): Promise<unknown>;
  /** The core's PubNub client (started on demand; a temporary error while the relay is out of reach). */
  pubnub(): Promise<Pick<PubNub, 'publish' | 'fetchMessages'>>;
  /** Makes sure the token covers the conversation; `renew` mints a new one whatever it lists. */
  access(conversationId: ConversationId, renew: boolean): Promise<void>;
  now(): number;
  /** Delays between passes while entries wait (the last one repeats); none in tests that flush by hand. */
  retryDelaysMs?: readonly number[];
}

/** After this many attempts refused for an unclassified reason, an entry stops with `publish_failed`. */
export const MAX_ATTEMPTS = 10;

/** How far before an unanswered attempt the history search starts (clock skew between here and the relay). */
const HISTORY_SLACK_MS = 5 * 60_000;

/** Errors that end a pass instead of making an entry wait. */
const STOP_PASS = new Set(['not_signed_in', 'client_closed', 'outbox_unavailable']);

type Outcome = { kind: 'sent'; timetoken: string } | { kind: 'wait' } | { kind: 'stopped' };

/** A retryable failure: the network (relay or key service) is out of reach for now. */
class Offline extends Error {}

/** JSON with sorted keys, to compare an envelope from history with the one recorded. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

export class OutboxSender {
  private running: Promise<void> | undefined;
  private again = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  private closed = false;
  private readonly changed = new Emitter<[change: OutboxChange]>();

  constructor(private readonly deps: OutboxSenderDeps) {}

  onChange(listener: (change: OutboxChange) => void): () => void {
    return this.changed.event(listener);
  }

  /** Runs a pass now (or after the one running); resolves when the queue has been tried. */
  flush(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    clearTimeout(this.timer);
    this.running = (async () => {
      do {
        this.again = false;
        await this.pass();
      } while (this.again && !this.closed);
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Stops the retry timer (sign-out); the next `flush` starts again. */
  pause(): void {
    clearTimeout(this.timer);
    this.failures = 0;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.changed.clear();
  }

  private async pass(): Promise<void> {
    const outbox = await this.deps.outbox();
    let waiting = false;
    for (const conversationId of outbox.waitingConversations()) {
      if (waiting || this.closed) {
        this.changed.fire({ conversationId, delivered: [], waiting: true });
        continue;
      }
      const delivered: { messageId: MessageId; timetoken: string }[] = [];
      for (const entry of outbox.list(conversationId)) {
        if (entry.state !== 'queued') continue;
        const outcome = await this.deliver(outbox, entry).catch((err: unknown): Outcome => {
          // Signed out, closed or a store that fails: the pass ends. Anything else unexpected: try again later.
          if (err instanceof AppError && (STOP_PASS.has(err.code) || err.code.startsWith('local_store'))) throw err;
          return { kind: 'wait' };
        });
        if (outcome.kind === 'sent') delivered.push({ messageId: entry.plaintext.id, timetoken: outcome.timetoken });
        if (outcome.kind === 'wait') {
          waiting = true;
          break;
        }
      }
      this.changed.fire({ conversationId, delivered, waiting });
    }
    this.schedule(waiting);
  }

  private schedule(waiting: boolean): void {
    clearTimeout(this.timer);
    if (!waiting) {
      this.failures = 0;
      return;
    }
    const delays = this.deps.retryDelaysMs;
    if (this.closed || delays === undefined || delays.length === 0) return;
    const ms = delays[Math.min(this.failures, delays.length - 1)]!;
    this.failures += 1;
    this.timer = setTimeout(() => void this.flush().catch(() => undefined), ms);
    this.timer.unref?.();
  }

  /** One entry: found in history, or sealed now and published; waits on a retryable failure. */
  private async deliver(outbox: Outbox, entry: OutboxEntry): Promise<Outcome> {
    const id = entry.plaintext.id;
    const channel = conversationPubnubChannel(entry.conversationId);
    try {
      const pubnub = await this.offlineOnTemporary(() => this.deps.pubnub());
      if (entry.attempt !== null) {
        const found = await this.findInHistory(pubnub, channel, entry.attempt, entry.conversationId);
        if (found !== undefined) {
          outbox.remove(id);
          return { kind: 'sent', timetoken: found };
        }
        outbox.clearAttempt(id);
      }
      let envelope: unknown;
      try {
        envelope = await this.deps.seal(entry.conversationId, entry.plaintext);
      } catch (err) {
        if (isTemporary(err)) throw new Offline();
        return this.stop(outbox, id, err);
      }
      await this.offlineOnTemporary(() => this.deps.access(entry.conversationId, false));
      outbox.attempting(id, envelope, this.deps.now());
      const timetoken = await this.publish(pubnub, channel, entry, envelope);
      if (timetoken === undefined) return { kind: 'stopped' };
      outbox.remove(id);
      return { kind: 'sent', timetoken };
    } catch (err) {
      if (err instanceof Offline) return { kind: 'wait' };
      throw err;
    }
  }

  /** Publishes; the timetoken, or undefined when the entry was stopped. Throws `Offline` to wait. */
  private async publish(pubnub: Pick<PubNub, 'publish'>, channel: string, entry: OutboxEntry, envelope: unknown): Promise<string | undefined> {
    const id = entry.plaintext.id;
    for (let renewed = false; ; renewed = true) {
      try {
        const answer = await pubnub.publish({ channel, message: envelope as PubNub.Payload, storeInHistory: true, sendByPost: true });
        return timetokenOf(answer.timetoken);
      } catch (err) {
        const failure = classifyFailure(err);
        if (failure.code === 'network') throw new Offline();
        if (failure.code === 'access_denied' && !renewed) {
          await this.offlineOnTemporary(() => this.deps.access(entry.conversationId, true));
          continue;
        }
        // A definite refusal: the relay did not store it.
        const outbox = await this.deps.outbox();
        outbox.clearAttempt(id);
        if (failure.code === 'publish_failed' && entry.attempts + 1 < MAX_ATTEMPTS) throw new Offline();
        outbox.fail(id, failure.code, failure.message);
        return undefined;
      }
    }
  }

  /**
   * The timetoken of the recorded attempt's envelope in the channel's history, if it landed. History the
   * relay refuses even with a fresh token (this user was removed) cannot hold a message the relay would
   * have accepted from them: undefined, and `seal` then decides (it refuses a non-member).
   */
  private async findInHistory(
    pubnub: Pick<PubNub, 'fetchMessages'>,
    channel: string,
    attempt: { envelope: unknown; at: number },
    conversationId: ConversationId,
  ): Promise<string | undefined> {
    const wanted = canonical(attempt.envelope);
    let end = (BigInt(Math.max(0, attempt.at - HISTORY_SLACK_MS)) * 10_000n).toString();
    let renewed = false;
    for (;;) {
      let page;
      try {
        page = await fetchPage(pubnub as Parameters<typeof fetchPage>[0], channel, { end, count: 25 });
      } catch (err) {
        const failure = classifyFailure(err);
        if (failure.code === 'access_denied' && !renewed) {
          renewed = true;
          await this.offlineOnTemporary(() => this.deps.access(conversationId, true));
          continue;
        }
        if (failure.code === 'access_denied') return undefined;
        if (failure.code === 'network' || failure.code === 'publish_failed') throw new Offline();
        throw new AppError('outbox_history_failed', `the channel history could not be read: ${failure.message}`, 'unavailable');
      }
      const hit = page.find((m) => canonical(m.message) === wanted);
      if (hit !== undefined) return hit.timetoken;
      if (page.length < 25) return undefined;
      end = nextTimetoken(page[page.length - 1]!.timetoken);
    }
  }

  private stop(outbox: Outbox, id: MessageId, err: unknown): Outcome {
    const code = err instanceof AppError ? err.code : 'send_failed';
    outbox.fail(id, code, err instanceof Error ? err.message : String(err));
    return { kind: 'stopped' };
  }

  private async offlineOnTemporary<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (isTemporary(err)) throw new Offline();
      throw err;
    }
  }
}
