/**
 * Section "outbox" (docs/benchmarks.md, `outbox`): what the durable PubNub outbox costs on a write. The
 * write is a rotation submit to a group of 100 members x 2 devices (a record of 200 wraps; 100 inbox
 * notices recorded in the same transaction), uploaded one after the other by the creator, against two key
 * services in this process on the same database kind: one without PubNub (nothing recorded: the write
 * alone) and one with PubNub and the outbox (the relay in a child process: PubNub is elsewhere too). Rounds alternate the two; after each
 * write the worker's delivery of its notices is timed apart until the outbox is empty, so delivery never
 * overlaps a timed write. Records are built before anything is timed. The committed
 * figure of the same write before the durable outbox (section `rotation_e2e`, `100x2.stage_upload_ms`,
 * in-memory outbox, SQLite) is quoted from bench/results for comparison.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { MeasurementError } from '../lib/errors';
import { startRelayProcess } from '../lib/relayProcess';
import { freshPostgres, startRotationWorld, type RotationWorld } from '../lib/rotationWorld';
import type { Section, SectionContext, SectionOutcome } from '../lib/section';
import { pairedRatios, spreadOf } from '../lib/stats';
import type { BenchRun, Figure } from '../lib/types';
import type { ConversationId } from '../../src/common/ids';
import type { Database } from '../../src/server/db/db';
import { migrate } from '../../src/server/db/migrate';
import { openPostgres } from '../../src/server/db/postgres';
import { openSqlite } from '../../src/server/db/sqlite';
import { Effects } from '../../src/server/pubnub/effects';
import { disabledGateway } from '../../src/server/pubnub/gateway';
import { PubnubOutbox } from '../../src/server/pubnub/outbox';

const MEMBERS = 100;
const PUB = 'pub-c-outbox-bench';
const SUB = 'sub-c-outbox-bench';
const SECRET = 'sec-c-outbox-bench';
const COMMITTED_FIGURE = { section: 'rotation_e2e', id: '100x2.stage_upload_ms' };

/** The newest committed run that has the reference figure: its file and median. */
function committedReference(): { file: string; ms: number } | undefined {
  const dir = path.join('bench', 'results');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .reverse();
  for (const file of files) {
    const run = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as BenchRun;
    const figure = run.sections?.find((s) => s.id === COMMITTED_FIGURE.section)?.figures.find((f) => f.id === COMMITTED_FIGURE.id);
    if (figure) return { file, ms: figure.value.median };
  }
  return undefined;
}

async function drain(world: RotationWorld): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await world.pending()) > 0) {
    if (Date.now() > deadline) throw new MeasurementError('the outbox did not empty within 60 s');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Submits `n` records one after the other; answers the mean milliseconds per write and the delivery rate of
 * their notices. Each write is timed alone: the outbox is emptied after it (timed apart), so its delivery
 * never runs during a timed write.
 */
async function slice(world: RotationWorld, n: number): Promise<{ writeMs: number; noticesPerSecond: number }> {
  let writeMs = 0;
  let drainMs = 0;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await world.submit();
    const t1 = performance.now();
    await drain(world);
    writeMs += t1 - t0;
    drainMs += performance.now() - t1;
  }
  return { writeMs: writeMs / n, noticesPerSecond: (n * MEMBERS) / (drainMs / 1000) };
}

/**
 * Recording alone: one write's 100 notices recorded in a transaction of their own, on a fresh database of
 * the same kind, each batch then marked done as the worker would (steady state: pending rows stay few).
 */
async function recordOnly(db: Database, rounds: number): Promise<number[]> {
  await migrate(db);
  const outbox = new PubnubOutbox({ db, gateway: { ...disabledGateway, enabled: true }, now: Date.now, log: () => undefined, onBug: () => undefined });
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const effects = new Effects();
    for (let m = 0; m < MEMBERS; m++)
      effects.notify([`bench-user-${m}`], { type: 'key_version', conversationId: 'bench-conversation' as ConversationId, version: r + 1 });
    const t0 = performance.now();
    await db.transaction((tx) => outbox.record(tx, effects));
    samples.push(performance.now() - t0);
    await db.transaction((tx) => tx.run("UPDATE pubnub_outbox SET done_at = ?, outcome = 'delivered' WHERE done_at IS NULL", [Date.now()]));
  }
  await db.close();
  return samples;
}

async function measureBackend(ctx: SectionContext, backend: 'sqlite' | 'postgres', relayOrigin: string): Promise<Figure[]> {
  const rounds = ctx.quick ? 3 : 5;
  const perRound = ctx.quick ? 4 : 8;
  const warmup = 2;
  const records = warmup + rounds * perRound;
  const db = async () => (backend === 'postgres' ? { databaseUrl: await freshPostgres(ctx.env.TEST_DATABASE_URL ?? '') } : {});
  ctx.log(`outbox: ${backend}, setting up two groups of ${MEMBERS} x 2 and ${records} records each`);
  const off = await startRotationWorld({ tmpDir: ctx.tmpDir, ...(await db()), members: MEMBERS, records });
  const on = await startRotationWorld({
    tmpDir: ctx.tmpDir,
    ...(await db()),
    members: MEMBERS,
    records,
    pubnub: { origin: relayOrigin, ssl: false, publishKey: PUB, subscribeKey: SUB, secretKey: SECRET },
  });
  try {
    await drain(on);
    await slice(off, warmup);
    await slice(on, warmup);
    await drain(on);
    const offMs: number[] = [];
    const onMs: number[] = [];
    const deliveryRate: number[] = [];
    for (let r = 0; r < rounds; r++) {
      for (const which of r % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
        if (which === 'off') {
          offMs.push((await slice(off, perRound)).writeMs);
          continue;
        }
        const measured = await slice(on, perRound);
        onMs.push(measured.writeMs);
        deliveryRate.push(measured.noticesPerSecond);
      }
    }
    const label = backend === 'sqlite' ? 'SQLite' : 'PostgreSQL';
    const recordDb =
      backend === 'postgres'
        ? openPostgres(await freshPostgres(ctx.env.TEST_DATABASE_URL ?? ''), 2)
        : openSqlite(path.join(mkdtempSync(path.join(ctx.tmpDir, 'outbox-record-')), 'keyservice.sqlite'));
    const recordMs = await recordOnly(recordDb, rounds * perRound);
    return [
      { id: `${backend}.no_pubnub_ms`, label: `${label}: rotation submit, 100 x 2, without PubNub (nothing recorded)`, unit: 'ms', value: spreadOf(offMs) },
      {
        id: `${backend}.outbox_ms`,
        label: `${label}: rotation submit, 100 x 2, with the outbox (100 notice rows in the transaction)`,
        unit: 'ms',
        value: spreadOf(onMs),
      },
      {
        id: `${backend}.outbox_cost`,
        label: `${label}: with the outbox ÷ without PubNub, per write`,
        unit: 'x',
        value: spreadOf(pairedRatios(onMs, offMs)),
        note: 'median of per-round ratios',
      },
      {
        id: `${backend}.record_ms`,
        label: `${label}: recording one write's 100 notices alone (one transaction, no HTTP)`,
        unit: 'ms',
        value: spreadOf(recordMs),
        note: 'what the write pays in its own transaction; most of the rest of the difference above is the worker starting to deliver the notices on the same event loop while the client, in this process, reads the answer (docs/benchmarks.md)',
      },
      {
        id: `${backend}.delivery`,
        label: `${label}: outbox delivery of one write's 100 notices (claim, publish to the relay, mark done)`,
        unit: 'notice/s',
        value: spreadOf(deliveryRate),
      },
    ];
  } finally {
    await off.close();
    await on.close();
  }
}

export const outboxCostSection: Section = {
  id: 'outbox',
  title: 'Durable outbox: its cost on a write (rotation submit, 100 members x 2 devices)',
  timeoutMs: 300_000,
  async run(ctx: SectionContext): Promise<SectionOutcome> {
    const relay = await startRelayProcess(mkdtempSync(path.join(ctx.tmpDir, 'outbox-relay-')));
    const figures: Figure[] = [];
    const notes: string[] = [];
    try {
      figures.push(...(await measureBackend(ctx, 'sqlite', relay.origin)));
      if (ctx.env.TEST_DATABASE_URL) figures.push(...(await measureBackend(ctx, 'postgres', relay.origin)));
    } finally {
      await relay.stop();
    }
    const reference = committedReference();
    if (reference) {
      notes.push(
        `Committed figure of the same write before the durable outbox: ${reference.ms.toFixed(1)} ms (bench/results/${reference.file}, ${COMMITTED_FIGURE.section} ${COMMITTED_FIGURE.id}: SQLite, notices in an in-memory queue, measured inside a busier process).`,
      );
    }
    notes.push('Each write records 100 notice rows (one per member) in its transaction; its answer does not wait for their delivery.');
    const missing = ctx.env.TEST_DATABASE_URL ? undefined : 'PostgreSQL figures (TEST_DATABASE_URL is not set)';
    return { status: missing ? 'partial' : 'measured', ...(missing ? { missing } : {}), figures, notes };
  },
};
