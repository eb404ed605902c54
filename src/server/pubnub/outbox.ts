/**
 * The durable PubNub outbox (docs/operations.md, "The PubNub outbox"; docs/api.md, "PubNub"): control
 * notices and Access Manager token revocations are rows of `pubnub_outbox` (store/pubnubOutbox.ts), written
 * in the transaction of the change that causes them and delivered by a worker in every key-service
 * instance.
 *
 * - Recorded with the change: `record(tx, effects)` inside the transaction; a rollback writes nothing, a
 *   commit always leaves the work recorded, and a crash after the commit loses nothing — the next worker
 *   (this instance after a restart, or another instance) delivers it.
 * - Order: the notices of one inbox go out one after the other in the order they were recorded (a member
 *   sees `key_version` 5 before 6, `member_removed` before `rotation_needed`), over all instances: only the
 *   head of an inbox's lane is claimable. Different inboxes go out concurrently, at most `concurrency`
 *   calls at a time per instance. Revocations have no order.
 * - Revocations first: `afterCommit` tries the write's own revocations at once and waits for them at most
 *   `inlineRevokeWaitMs`, so with PubNub up a removed member's token is dead before the answer; a worker
 *   claims them only after `inlineRevokeWaitMs` (the writer may have crashed).
 * - Retries: a failed call is retried after an exponential, capped, jittered delay (backoff.ts) until it is
 *   done. A revocation is done when PubNub confirms it or the token has expired; a notice when published,
 *   or given up (logged) once older than `noticeMaxAgeMs` — a member who misses a notice still fetches the
 *   version when a message needs it. Delivery is at least once: a crash between the call and marking the
 *   row done repeats the call (notices are idempotent for clients, a revocation too).
 * - Several instances on one PostgreSQL: rows are claimed with `FOR UPDATE SKIP LOCKED` and leased for
 *   `leaseMs`; a crashed instance's leased rows are claimable again after the lease.
 * - Operators: `stats()` (queue depth, oldest pending age; `/healthz` shows it), a status line in the log
 *   while rows are pending or failing, done rows kept `retainDoneMs` and then deleted.
 */
import { randomBytes } from 'node:crypto';
import { ControlNoticeSchema, type ControlNoticeBody } from '../../common/controlNotices';
import type { Database, Queryable } from '../db/db';
import {
  anyDue,
  claimDueRows,
  claimRows,
  insertOutboxRows,
  markDone,
  markFailed,
  outboxStats,
  purgeDone,
  releaseRows,
  type NewOutboxRow,
  type OutboxOutcome,
  type OutboxRow,
} from '../store/pubnubOutbox';
import { tokensWithIds } from '../store/pubnubTokens';
import { DEFAULT_BACKOFF, retryDelayMs, type Backoff } from './backoff';
import type { Effects } from './effects';
import type { PubnubGateway } from './gateway';

export interface OutboxOptions {
  /** PubNub calls in flight at most, per instance; default 16. */
  readonly concurrency?: number;
  /** Rows claimed at once; default 256. */
  readonly batch?: number;
  /** Rows of one inbox claimed at once (delivered one after the other); default 64. */
  readonly perLane?: number;
  /** How long a claim keeps a row from other workers; default 60 s. */
  readonly leaseMs?: number;
  /** How often an idle worker looks for due rows another instance wrote; default 1 s. */
  readonly pollMs?: number;
  readonly backoff?: Backoff;
  /** A notice not published after this long is given up (logged); default 24 h. */
  readonly noticeMaxAgeMs?: number;
  /** Done rows are deleted after this long; default 24 h. */
  readonly retainDoneMs?: number;
  /** How long a write waits for its own revocations before answering; default 2 s. */
  readonly inlineRevokeWaitMs?: number;
  /** Period of the status log line and of the clean-up of done rows; default 60 s. */
  readonly housekeepingMs?: number;
}

export interface OutboxStatus {
  readonly pending: number;
  readonly retrying: number;
  /** Age of the oldest pending row; 0 when none. */
  readonly oldestPendingAgeMs: number;
}

interface Deps {
  readonly db: Database;
  readonly gateway: PubnubGateway;
  readonly now: () => number;
  /** Operator log (status lines, given-up notices). */
  readonly log: (message: string, err?: unknown) => void;
  /** A bug (effects used without recording them). */
  readonly onBug: (message: string) => void;
}

type Attempt = { readonly outcome: OutboxOutcome } | { readonly error: unknown };

/** A stored notice, checked against the wire schema before it is published. */
function noticeBody(raw: unknown): ControlNoticeBody {
  const { v: _v, sentAt: _sentAt, ...body } = ControlNoticeSchema.parse({ ...(raw as object), v: 1, sentAt: 0 });
  return body as ControlNoticeBody;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class PubnubOutbox {
  readonly owner = `ks-${randomBytes(6).toString('hex')}`;
  private readonly o: Required<OutboxOptions>;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private readonly inline = new Set<Promise<void>>();
  private wakeIdle: (() => void) | undefined;
  private woken = false;
  private retryTimer: { at: number; timer: ReturnType<typeof setTimeout> } | undefined;
  private lastHousekeeping = 0;
  private failuresSinceStatus = 0;
  private lastFailure = '';

  constructor(
    private readonly deps: Deps,
    opts: OutboxOptions = {},
  ) {
    this.o = {
      concurrency: opts.concurrency ?? 16,
      batch: opts.batch ?? 256,
      perLane: opts.perLane ?? 64,
      leaseMs: opts.leaseMs ?? 60_000,
      pollMs: opts.pollMs ?? 1_000,
      backoff: opts.backoff ?? DEFAULT_BACKOFF,
      noticeMaxAgeMs: opts.noticeMaxAgeMs ?? 24 * 3_600_000,
      retainDoneMs: opts.retainDoneMs ?? 24 * 3_600_000,
      inlineRevokeWaitMs: opts.inlineRevokeWaitMs ?? 2_000,
      housekeepingMs: opts.housekeepingMs ?? 60_000,
    };
  }

  /** Without PubNub nothing is recorded or delivered. */
  get enabled(): boolean {
    return this.deps.gateway.enabled;
  }

  /** Writes `effects` to the outbox inside `tx` (the write's transaction); returns them. */
  async record(tx: Queryable, effects: Effects): Promise<Effects> {
    if (effects.recorded !== null) throw new Error('PubNub effects recorded twice');
    if (!this.enabled || effects.empty) {
      effects.recorded = { revokeIds: [] };
      return effects;
    }
    effects.recorded = { revokeIds: await insertEffects(tx, effects, this.deps.now(), this.o.inlineRevokeWaitMs) };
    return effects;
  }

  /** After the write committed: its revocations at once (waited for, bounded), its notices by the worker. */
  async afterCommit(effects: Effects): Promise<void> {
    if (!this.enabled || effects.empty) return;
    if (effects.recorded === null) {
      this.deps.onBug('unexpected: PubNub effects applied without being recorded in their transaction');
      return;
    }
    // After this turn of the event loop, so the write's answer goes out before the worker's cycle starts.
    setImmediate(() => this.wake());
    const ids = effects.recorded.revokeIds;
    if (ids.length === 0) return;
    const work = this.deliverNow(ids).catch((err: unknown) => this.noteFailure(err));
    this.inline.add(work);
    void work.finally(() => this.inline.delete(work));
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, this.o.inlineRevokeWaitMs)))]);
    clearTimeout(timer);
  }

  /** Starts the worker (once). */
  start(): void {
    this.loop ??= this.run();
  }

  /** Queue depth and the oldest pending row's age. */
  async stats(): Promise<OutboxStatus> {
    const s = await outboxStats(this.deps.db);
    return { pending: s.pending, retrying: s.retrying, oldestPendingAgeMs: s.oldestCreatedAt === null ? 0 : Math.max(0, this.deps.now() - s.oldestCreatedAt) };
  }

  /** Stops the worker; waits at most `waitMs` for calls in flight (what is left stays in the outbox). */
  async close(waitMs: number): Promise<void> {
    this.stopping = true;
    this.wake();
    if (this.retryTimer) clearTimeout(this.retryTimer.timer);
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([Promise.all([this.loop, ...this.inline]), new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]);
    clearTimeout(timer);
  }

  /** Makes an idle worker look for due rows now. */
  wake(): void {
    this.woken = true;
    this.wakeIdle?.();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let claimed = 0;
      try {
        claimed = await this.cycle();
        await this.housekeeping();
      } catch (err) {
        if (this.stopping) return;
        this.deps.log('PubNub outbox: worker cycle failed', err);
      }
      if (claimed === 0) await this.idle(this.o.pollMs);
    }
  }

  private async cycle(): Promise<number> {
    const now = this.deps.now();
    if (!(await anyDue(this.deps.db, now))) return 0;
    const rows = await this.deps.db.transaction((tx) =>
      claimDueRows(tx, { owner: this.owner, now, leaseMs: this.o.leaseMs, limit: this.o.batch, perLane: this.o.perLane }),
    );
    await this.deliver(rows);
    return rows.length;
  }

  private async deliverNow(ids: readonly number[]): Promise<void> {
    const rows = await this.deps.db.transaction((tx) => claimRows(tx, ids, { owner: this.owner, now: this.deps.now(), leaseMs: this.o.leaseMs }));
    await this.deliver(rows);
  }

  /** Delivers claimed rows: each lane in order, stopping a lane at its first failure; records the outcomes. */
  private async deliver(rows: readonly OutboxRow[]): Promise<void> {
    if (rows.length === 0) return;
    const started = this.deps.now();
    const tokens = new Map(
      (
        await tokensWithIds(
          this.deps.db,
          rows.filter((r) => r.kind === 'revoke').map((r) => (JSON.parse(r.payload) as { tokenId: string }).tokenId),
        )
      ).map((t) => [t.id, t.token]),
    );
    const lanes = new Map<string, OutboxRow[]>();
    const queues: OutboxRow[][] = [];
    for (const row of rows) {
      if (row.lane === null) {
        queues.push([row]);
        continue;
      }
      let lane = lanes.get(row.lane);
      if (!lane) {
        lane = [];
        lanes.set(row.lane, lane);
        queues.push(lane);
      }
      lane.push(row);
    }
    const done: Record<OutboxOutcome, number[]> = { delivered: [], expired: [], given_up: [] };
    const release: number[] = [];
    const runLane = async (lane: readonly OutboxRow[]) => {
      for (let i = 0; i < lane.length; i++) {
        const row = lane[i] as OutboxRow;
        if (this.stopping || this.deps.now() - started > this.o.leaseMs / 2) {
          release.push(...lane.slice(i).map((r) => r.id));
          return;
        }
        const result = await this.attempt(row, tokens);
        if ('outcome' in result) {
          done[result.outcome].push(row.id);
          continue;
        }
        const failures = row.attempts + 1;
        const next = this.deps.now() + retryDelayMs(failures, this.o.backoff);
        this.noteFailure(result.error);
        await markFailed(this.deps.db, row.id, message(result.error), next);
        this.retryAt(next);
        release.push(...lane.slice(i + 1).map((r) => r.id));
        return;
      }
    };
    let nextQueue = 0;
    const workers = Array.from({ length: Math.min(this.o.concurrency, queues.length) }, async () => {
      while (nextQueue < queues.length) await runLane(queues[nextQueue++] as OutboxRow[]);
    });
    await Promise.all(workers);
    const now = this.deps.now();
    for (const outcome of ['delivered', 'expired', 'given_up'] as const) await markDone(this.deps.db, done[outcome], outcome, now);
    await releaseRows(this.deps.db, release, this.owner);
  }

  private async attempt(row: OutboxRow, tokens: ReadonlyMap<string, string>): Promise<Attempt> {
    const now = this.deps.now();
    try {
      if (row.kind === 'revoke') {
        const token = tokens.get((JSON.parse(row.payload) as { tokenId: string }).tokenId);
        if (token === undefined || (row.expires_at !== null && row.expires_at <= now)) return { outcome: 'expired' };
        await this.deps.gateway.revoke(token);
        return { outcome: 'delivered' };
      }
      const payload = JSON.parse(row.payload) as { userId: string; notice: unknown };
      if (now - row.created_at > this.o.noticeMaxAgeMs) {
        this.deps.log(`PubNub outbox: gave up notice ${row.id} to inbox ${payload.userId} after ${row.attempts} attempt(s)`);
        return { outcome: 'given_up' };
      }
      await this.deps.gateway.notify(payload.userId, noticeBody(payload.notice));
      return { outcome: 'delivered' };
    } catch (err) {
      return { error: err };
    }
  }

  private noteFailure(err: unknown): void {
    this.failuresSinceStatus += 1;
    this.lastFailure = message(err);
    // The first failure after a quiet period is logged at once; the rest go into the status line.
    if (this.failuresSinceStatus === 1) this.deps.log('PubNub request failed (the outbox retries it)', err);
  }

  /** Every `housekeepingMs`: the status line while rows are pending or failing, and the clean-up of done rows. */
  private async housekeeping(): Promise<void> {
    const now = this.deps.now();
    if (now - this.lastHousekeeping < this.o.housekeepingMs) return;
    this.lastHousekeeping = now;
    const s = await this.stats();
    if (s.pending > 0 || this.failuresSinceStatus > 0) {
      const failures = this.failuresSinceStatus > 0 ? `; ${this.failuresSinceStatus} failed call(s) since the last line, last: ${this.lastFailure}` : '';
      this.deps.log(`PubNub outbox: ${s.pending} pending, ${s.retrying} retrying, oldest ${Math.round(s.oldestPendingAgeMs / 1000)} s${failures}`);
    }
    this.failuresSinceStatus = 0;
    while ((await purgeDone(this.deps.db, now - this.o.retainDoneMs, 1_000)) === 1_000 && !this.stopping);
  }

  /** Wakes the worker when a failed row is due again (rows other instances failed are found by polling). */
  private retryAt(at: number): void {
    if (this.stopping || (this.retryTimer && this.retryTimer.at <= at)) return;
    if (this.retryTimer) clearTimeout(this.retryTimer.timer);
    const timer = setTimeout(
      () => {
        this.retryTimer = undefined;
        this.wake();
      },
      Math.max(0, at - this.deps.now()),
    );
    timer.unref?.();
    this.retryTimer = { at, timer };
  }

  private async idle(ms: number): Promise<void> {
    if (this.woken || this.stopping) {
      this.woken = false;
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    await new Promise<void>((resolve) => {
      this.wakeIdle = resolve;
      timer = setTimeout(resolve, ms);
      timer.unref?.();
    });
    clearTimeout(timer);
    this.wakeIdle = undefined;
    this.woken = false;
  }
}

/**
 * Writes `effects` as outbox rows inside `tx`; answers the revocation rows' ids. Revocations become
 * claimable by a worker after `revokeDelayMs` (the writer tries them inline first); a writer that does not
 * deliver anything itself (the admin CLI) passes 0, so the key service's workers take them at once.
 */
export async function insertEffects(tx: Queryable, effects: Effects, now: number, revokeDelayMs: number): Promise<number[]> {
  const revokes: NewOutboxRow[] = effects.revocations.map((t) => ({
    kind: 'revoke',
    lane: null,
    payload: JSON.stringify({ tokenId: t.id }),
    expiresAt: t.expires_at,
    notBefore: now + revokeDelayMs,
  }));
  const notices: NewOutboxRow[] = effects.notices.map((n) => ({
    kind: 'notice',
    lane: n.userId,
    payload: JSON.stringify({ userId: n.userId, notice: n.notice }),
    expiresAt: null,
    notBefore: now,
  }));
  const revokeIds = await insertOutboxRows(tx, revokes, now);
  await insertOutboxRows(tx, notices, now);
  return revokeIds;
}
