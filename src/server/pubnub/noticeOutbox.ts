/**
 * Control notices published after the answer (docs/api.md, "PubNub"; docs/benchmarks.md, "Performance work
 * after the third report"): a write hands its notices over once its transaction has committed and answers
 * at once; the outbox publishes them in the background. A rotation of a 1,000-member group no longer waits
 * for 1,000 inbox publishes before it answers.
 *
 * - Order: notices to one inbox are published one after the other, in the order they were queued, so a
 *   member sees a conversation's `key_version` 5 before 6 and `member_removed` before `rotation_needed`.
 *   Different inboxes are independent and go out concurrently, at most `concurrency` publishes at a time.
 * - Failures: a publish that fails is retried after each delay in `retryDelaysMs`; when every attempt has
 *   failed it is reported to `onError` and the inbox's next notice goes on. The database stays the source of
 *   truth: a member who misses a notice still fetches the version when a message needs it.
 * - Shutdown: `drain` waits for everything queued (the key service's `close` calls it, bounded), so a clean
 *   stop loses nothing. A crash loses the notices not yet published (at most the last few seconds' worth).
 */
import type { ControlNoticeBody } from '../../common/controlNotices';
import type { PubnubGateway } from './gateway';

export interface NoticeOutboxOptions {
  /** Publishes in flight at most, over all inboxes; default 16. */
  readonly concurrency?: number;
  /** Waits before each retry of a failed publish; default 250 ms, 1 s, 4 s, 15 s. */
  readonly retryDelaysMs?: readonly number[];
  readonly onError: (err: unknown) => void;
}

const DEFAULT_RETRY_DELAYS_MS = [250, 1_000, 4_000, 15_000];

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref?.();
  });

export class NoticeOutbox {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly waiting: (() => void)[] = [];
  private readonly concurrency: number;
  private readonly retryDelaysMs: readonly number[];
  private inFlight = 0;
  private queued = 0;

  constructor(
    private readonly gateway: Pick<PubnubGateway, 'notify'>,
    private readonly opts: NoticeOutboxOptions,
  ) {
    this.concurrency = opts.concurrency ?? 16;
    this.retryDelaysMs = opts.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  }

  /** Notices queued and not yet published or given up. */
  get pending(): number {
    return this.queued;
  }

  /** Queues a notice to `userId`'s inbox behind the ones queued to it before. */
  enqueue(userId: string, notice: ControlNoticeBody): void {
    this.queued += 1;
    const tail = (this.tails.get(userId) ?? Promise.resolve()).then(() => this.deliver(userId, notice));
    this.tails.set(userId, tail);
    void tail.finally(() => {
      this.queued -= 1;
      if (this.tails.get(userId) === tail) this.tails.delete(userId);
    });
  }

  /** Resolves when every notice queued so far is published or given up. */
  async drain(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }

  private async deliver(userId: string, notice: ControlNoticeBody): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      let failure: unknown;
      await this.slot();
      try {
        await this.gateway.notify(userId, notice);
        return;
      } catch (err) {
        failure = err;
      } finally {
        this.release();
      }
      const delay = this.retryDelaysMs[attempt];
      if (delay === undefined) {
        this.report(failure);
        return;
      }
      await sleep(delay);
    }
  }

  private report(err: unknown): void {
    try {
      this.opts.onError(err);
    } catch {
      // A failing logger must not stop the inbox's later notices.
    }
  }

  private async slot(): Promise<void> {
    if (this.inFlight < this.concurrency) {
      this.inFlight += 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.inFlight -= 1;
  }
}

/** The gateway as the routes see it: grants and revocations as before, notices through the outbox. */
export function outboxGateway(gateway: PubnubGateway, outbox: NoticeOutbox): PubnubGateway {
  return {
    enabled: gateway.enabled,
    subscribeKey: gateway.subscribeKey,
    publishKey: gateway.publishKey,
    grant: (userId, channels) => gateway.grant(userId, channels),
    revoke: (token) => gateway.revoke(token),
    notify: async (userId, notice) => outbox.enqueue(userId, notice),
  };
}
