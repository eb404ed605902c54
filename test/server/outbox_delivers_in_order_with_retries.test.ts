/**
 * The durable PubNub outbox (src/server/pubnub/outbox.ts; docs/operations.md, "The PubNub outbox") on both
 * databases, against a scripted PubNub: effects recorded in a transaction that rolls back leave nothing,
 * committed ones are delivered and marked done; an inbox's notices go out in the order they were recorded
 * even when one fails and is retried; two workers (on PostgreSQL two pools, as two instances) deliver every row
 * exactly once and in order per inbox; a failed revocation is retried until PubNub confirms it, an expired
 * token is not revoked at all; a row leased by a worker that died is taken over once its lease ran out;
 * a notice past its maximum age is given up. Waits poll until the outbox is empty (bounded, never a timing
 * assertion).
 */
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import type { ControlNoticeBody } from '../../src/common/controlNotices';
import type { ConversationId } from '../../src/common/ids';
import type { Database } from '../../src/server/db/db';
import { migrate } from '../../src/server/db/migrate';
import { openPostgres } from '../../src/server/db/postgres';
import { openSqlite } from '../../src/server/db/sqlite';
import { Effects } from '../../src/server/pubnub/effects';
import type { PubnubGateway } from '../../src/server/pubnub/gateway';
import { PubnubOutbox, type OutboxOptions } from '../../src/server/pubnub/outbox';
import { insertPubnubToken } from '../../src/server/store/pubnubTokens';
import { describeBackends, freshStore, type BackendStore } from './helpers/backends';

const CONV = 'conversation-1' as ConversationId;
const FAST: OutboxOptions = { backoff: { baseMs: 20, capMs: 80 }, pollMs: 50, inlineRevokeWaitMs: 200, housekeepingMs: 60_000 };

const version = (n: number): ControlNoticeBody => ({ type: 'key_version', conversationId: CONV, version: n });

/** A scripted PubNub: records what it was asked, fails the calls it is told to fail. */
class ScriptedPubnub implements PubnubGateway {
  readonly enabled = true;
  readonly subscribeKey = 'sub-c-test';
  readonly publishKey = 'pub-c-test';
  readonly published: { userId: string; version: number }[] = [];
  readonly revoked: string[] = [];
  readonly calls = { notify: 0, revoke: 0 };
  /** Failures still to answer, by `notice:<userId>:<version>` or `revoke:<token>`. */
  readonly failures = new Map<string, number>();

  grant(): never {
    throw new Error('not used here');
  }

  async revoke(token: string): Promise<void> {
    this.calls.revoke += 1;
    this.maybeFail(`revoke:${token}`);
    this.revoked.push(token);
  }

  async notify(userId: string, notice: ControlNoticeBody): Promise<void> {
    this.calls.notify += 1;
    const n = notice.type === 'key_version' ? notice.version : -1;
    this.maybeFail(`notice:${userId}:${n}`);
    this.published.push({ userId, version: n });
  }

  versionsOf(userId: string): number[] {
    return this.published.filter((p) => p.userId === userId).map((p) => p.version);
  }

  private maybeFail(key: string): void {
    const left = this.failures.get(key) ?? 0;
    if (left > 0) {
      this.failures.set(key, left - 1);
      throw new Error(`scripted failure of ${key}`);
    }
  }
}

describeBackends('PubNub outbox: recorded with the write, delivered in order with retries', (backend) => {
  let store: BackendStore;
  const opened: Database[] = [];
  const outboxes: PubnubOutbox[] = [];
  let db: Database;
  const logs: string[] = [];
  const bugs: string[] = [];

  const openDb = (): Database => {
    const d = store.databaseUrl ? openPostgres(store.databaseUrl, 4) : openSqlite(path.join(store.dataDir, 'keyservice.sqlite'));
    opened.push(d);
    return d;
  };
  const newOutbox = (gateway: PubnubGateway, opts: OutboxOptions = {}, on: Database = db, now: () => number = Date.now) => {
    const outbox = new PubnubOutbox({ db: on, gateway, now, log: (m) => logs.push(m), onBug: (m) => bugs.push(m) }, { ...FAST, ...opts });
    outboxes.push(outbox);
    return outbox;
  };
  /** Records `effects` in one committed transaction. */
  const commit = (outbox: PubnubOutbox, effects: Effects) => db.transaction((tx) => outbox.record(tx, effects));
  const notices = (userId: string, versions: readonly number[]) => {
    const effects = new Effects();
    for (const v of versions) effects.notify([userId], version(v));
    return effects;
  };
  /** Polls until nothing is pending (the deadline only stops a hang; it asserts nothing about speed). */
  const settled = async (outbox: PubnubOutbox) => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const s = await outbox.stats();
      if (s.pending === 0 || Date.now() > deadline) return s;
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const outcomes = async () =>
    (await db.all<{ kind: string; outcome: string | null }>('SELECT kind, outcome FROM pubnub_outbox ORDER BY id')).map((r) => `${r.kind}:${r.outcome}`);

  beforeAll(async () => {
    store = await freshStore(backend);
    db = openDb();
    await migrate(db);
    await db.transaction((tx) =>
      tx.run('INSERT INTO users (id, username, display_name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)', ['user-erin', 'erin', 'Erin', 'x', 0]),
    );
  });
  beforeEach(async () => {
    logs.length = 0;
    await db.transaction((tx) => tx.run('DELETE FROM pubnub_outbox'));
  });
  afterEach(async () => {
    for (const o of outboxes.splice(0)) await o.close(2_000);
    expect(bugs).toEqual([]);
  });
  afterAll(async () => {
    for (const d of opened) await d.close();
    store.cleanup();
  });

  it('a transaction that rolls back records nothing; one that commits leaves every notice pending until delivered', async () => {
    const pubnub = new ScriptedPubnub();
    const outbox = newOutbox(pubnub);
    await expect(
      db.transaction(async (tx) => {
        await outbox.record(tx, notices('user-alice', [1, 2]));
        throw new Error('the write fails after recording');
      }),
    ).rejects.toThrow('the write fails');
    expect((await outbox.stats()).pending).toBe(0);

    await commit(outbox, notices('user-alice', [1, 2, 3]));
    expect((await outbox.stats()).pending).toBe(3);
    outbox.start();
    expect((await settled(outbox)).pending).toBe(0);
    expect(pubnub.versionsOf('user-alice')).toEqual([1, 2, 3]);
    expect(await outcomes()).toEqual(['notice:delivered', 'notice:delivered', 'notice:delivered']);
  });

  it('keeps an inbox in order when a notice fails and is retried; other inboxes go on meanwhile', async () => {
    const pubnub = new ScriptedPubnub();
    pubnub.failures.set('notice:user-alice:2', 3);
    const outbox = newOutbox(pubnub);
    for (let v = 1; v <= 5; v++) {
      await commit(outbox, notices('user-alice', [v]));
      await commit(outbox, notices('user-bob', [v]));
    }
    outbox.start();
    expect((await settled(outbox)).pending).toBe(0);
    expect(pubnub.versionsOf('user-alice')).toEqual([1, 2, 3, 4, 5]);
    expect(pubnub.versionsOf('user-bob')).toEqual([1, 2, 3, 4, 5]);
    expect(pubnub.calls.notify).toBe(10 + 3);
    expect(logs.some((m) => m.startsWith('PubNub request failed'))).toBe(true);
  });

  it('two workers on two connections (as two instances) deliver every notice once, in order per inbox', async () => {
    const pubnub = new ScriptedPubnub();
    const a = newOutbox(pubnub, { batch: 7, perLane: 3 });
    // PostgreSQL: a second pool, as a second instance. SQLite has one writer per file and better-sqlite3 waits
    // for a busy file synchronously, so a second connection in this same process would stall both: the
    // second worker shares the database, as a second worker of one instance would.
    const b = newOutbox(pubnub, { batch: 5, perLane: 2 }, backend === 'postgres' ? openDb() : db);
    const users = Array.from({ length: 12 }, (_, i) => `user-${String(i).padStart(2, '0')}`);
    for (let v = 1; v <= 8; v++) {
      const effects = new Effects();
      for (const u of users) effects.notify([u], version(v));
      await commit(a, effects);
    }
    pubnub.failures.set('notice:user-03:4', 1);
    a.start();
    b.start();
    expect((await settled(a)).pending).toBe(0);
    for (const u of users) expect(pubnub.versionsOf(u), u).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(pubnub.published).toHaveLength(12 * 8);
    expect(logs.filter((m) => m.includes('cycle failed'))).toEqual([]);
  });

  it('retries a failed token revocation until PubNub confirms it; an expired token is not revoked at all', async () => {
    const pubnub = new ScriptedPubnub();
    const outbox = newOutbox(pubnub);
    const now = Date.now();
    await db.transaction(async (tx) => {
      await insertPubnubToken(tx, { id: 'token-live', userId: 'user-erin', token: 'pn-token-live', expiresAt: now + 3_600_000 }, now);
      await insertPubnubToken(tx, { id: 'token-old', userId: 'user-erin', token: 'pn-token-old', expiresAt: now - 1 }, now - 3_600_000);
    });
    pubnub.failures.set('revoke:pn-token-live', 2);
    outbox.start();
    const effects = new Effects();
    effects.revoke([
      { id: 'token-live', expires_at: now + 3_600_000 },
      { id: 'token-old', expires_at: now - 1 },
    ]);
    await commit(outbox, effects);
    await outbox.afterCommit(effects);
    expect((await settled(outbox)).pending).toBe(0);
    expect(pubnub.revoked).toEqual(['pn-token-live']);
    expect(pubnub.calls.revoke).toBe(3);
    expect((await outcomes()).sort()).toEqual(['revoke:delivered', 'revoke:expired']);
    const stored = await db.all<{ payload: string }>('SELECT payload FROM pubnub_outbox');
    expect(stored.map((r) => r.payload).join()).not.toContain('pn-token');
  });

  it('takes over rows leased by a worker that died once the lease ran out', async () => {
    const pubnub = new ScriptedPubnub();
    await commit(newOutbox(pubnub), notices('user-alice', [1, 2]));
    let clock = Date.now();
    const now = () => clock;
    await db.transaction((tx) => tx.run("UPDATE pubnub_outbox SET leased_until = ?, leased_by = 'ks-dead'", [clock + 30_000]));
    const survivor = newOutbox(pubnub, {}, db, now);
    survivor.start();
    survivor.wake();
    await new Promise((r) => setTimeout(r, 200));
    expect(pubnub.published).toEqual([]);
    clock += 30_001;
    survivor.wake();
    expect((await settled(survivor)).pending).toBe(0);
    expect(pubnub.versionsOf('user-alice')).toEqual([1, 2]);
  });

  it('gives up a notice older than its maximum age (logged) and goes on with the inbox', async () => {
    const pubnub = new ScriptedPubnub();
    let clock = Date.now();
    const outbox = newOutbox(pubnub, { noticeMaxAgeMs: 60_000 }, db, () => clock);
    await commit(outbox, notices('user-alice', [1]));
    clock += 61_000;
    await commit(outbox, notices('user-alice', [2]));
    outbox.start();
    expect((await settled(outbox)).pending).toBe(0);
    expect(pubnub.versionsOf('user-alice')).toEqual([2]);
    expect(await outcomes()).toEqual(['notice:given_up', 'notice:delivered']);
    expect(logs.some((m) => m.includes('gave up notice'))).toBe(true);
  });

  it('reports queue depth and the oldest pending age for operators', async () => {
    const pubnub = new ScriptedPubnub();
    let clock = Date.now();
    const outbox = newOutbox(pubnub, {}, db, () => clock);
    await commit(outbox, notices('user-alice', [1, 2]));
    clock += 5_000;
    expect(await outbox.stats()).toEqual({ pending: 2, retrying: 0, oldestPendingAgeMs: 5_000 });
  });
});
