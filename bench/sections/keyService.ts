/**
 * Section "key-service fetch" (docs/benchmarks.md, `keyservice`): fetch throughput and p50/p99 latency on
 * SQLite and PostgreSQL (targets >= 5,000/s, p99 < 20 ms), from the key-service engineer's
 * bench/keyservice-load.ts, spawned with a time bound; its JSON last line is kept raw in the results.
 */
import { LoadScriptError } from '../lib/errors';
import { runJsonScript } from '../lib/loadScript';
import { extractMetrics, scopeOf, type LoadMetrics } from '../lib/metrics';
import { notMeasured, type Section, type SectionContext, type SectionOutcome } from '../lib/section';
import { single } from '../lib/stats';
import type { Figure } from '../lib/types';
import { meets } from '../report/verdict';

const SCRIPT = 'bench/keyservice-load.ts';
const BACKENDS = [
  { id: 'sqlite', label: 'SQLite', pattern: /sqlite/i },
  { id: 'postgres', label: 'PostgreSQL', pattern: /postgres|^pg$|pg_/i },
] as const;
const THROUGHPUT_TARGET = { op: '>=', value: 5_000 } as const;
const P99_TARGET = { op: '<', value: 20 } as const;

/** What the script measured besides the load: the database round trip alone and CPU per fetch. */
interface LoadContext {
  readonly ceiling?: number;
  readonly keyServiceUs?: number;
  readonly loadGeneratorUs?: number;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function contextOf(scoped: unknown): LoadContext {
  const o = scoped as { databaseCeiling?: { selectOnePerSecond?: unknown }; cpuPerFetch?: { keyServiceUs?: unknown; loadGeneratorUs?: unknown } } | undefined;
  const ceiling = num(o?.databaseCeiling?.selectOnePerSecond);
  const keyServiceUs = num(o?.cpuPerFetch?.keyServiceUs);
  const loadGeneratorUs = num(o?.cpuPerFetch?.loadGeneratorUs);
  return {
    ...(ceiling !== undefined ? { ceiling } : {}),
    ...(keyServiceUs !== undefined ? { keyServiceUs } : {}),
    ...(loadGeneratorUs !== undefined ? { loadGeneratorUs } : {}),
  };
}

/** Why a figure is missed, from what the same run measured. */
function reasonOf(c: LoadContext, backend: string): string {
  const parts = [`each fetch is one ${backend} query (session, membership and wrap read together)`];
  if (c.keyServiceUs !== undefined) {
    parts.push(
      `the key service spends ${c.keyServiceUs} µs of CPU per fetch on its one thread (alone at most ${Math.round(1e6 / c.keyServiceUs).toLocaleString('en-US')}/s)`,
    );
  }
  if (c.loadGeneratorUs !== undefined) parts.push(`the load generator ${c.loadGeneratorUs} µs on the same 2 cores`);
  if (c.ceiling !== undefined)
    parts.push(`the database round trip alone (prepared SELECT 1, same pool size and concurrency) reaches ${Math.round(c.ceiling).toLocaleString('en-US')}/s`);
  return `${parts.join('; ')} — see the machine's load average in the report header`;
}

function backendFigures(id: string, label: string, m: LoadMetrics, c: LoadContext): Figure[] {
  const out: Figure[] = [];
  const reason = reasonOf(c, label);
  if (m.throughputPerSec !== undefined) {
    out.push({
      id: `${id}.throughput`,
      label: `${label} fetch throughput`,
      unit: 'fetch/s',
      value: single(m.throughputPerSec),
      target: THROUGHPUT_TARGET,
      ...(meets(m.throughputPerSec, THROUGHPUT_TARGET) ? {} : { missedReason: reason }),
    });
  }
  if (c.ceiling !== undefined)
    out.push({
      id: `${id}.select_one`,
      label: `${label} round trip alone (prepared SELECT 1, same pool size and concurrency)`,
      unit: 'query/s',
      value: single(c.ceiling),
    });
  if (c.keyServiceUs !== undefined)
    out.push({ id: `${id}.cpu_key_service`, label: `${label}: key-service CPU per fetch`, unit: 'µs', value: single(c.keyServiceUs) });
  if (c.loadGeneratorUs !== undefined)
    out.push({ id: `${id}.cpu_load_generator`, label: `${label}: load-generator CPU per fetch`, unit: 'µs', value: single(c.loadGeneratorUs) });
  if (m.p50Ms !== undefined) out.push({ id: `${id}.p50`, label: `${label} fetch p50`, unit: 'ms', value: single(m.p50Ms) });
  if (m.p99Ms !== undefined) {
    out.push({
      id: `${id}.p99`,
      label: `${label} fetch p99`,
      unit: 'ms',
      value: single(m.p99Ms),
      target: P99_TARGET,
      ...(meets(m.p99Ms, P99_TARGET) ? {} : { missedReason: reason }),
    });
  }
  return out;
}

/** The script's own word for a backend it did not run (`skipped` / `error` text), if any. */
function skipReason(scoped: unknown): string | undefined {
  if (typeof scoped !== 'object' || scoped === null) return undefined;
  const o = scoped as Record<string, unknown>;
  const text = o.skipped ?? o.error ?? o.reason;
  return typeof text === 'string' ? `the script says: ${text}` : undefined;
}

export const keyServiceSection: Section = {
  id: 'keyservice',
  title: 'Key-service fetch throughput and latency',
  timeoutMs: 200_000,
  async run(ctx: SectionContext): Promise<SectionOutcome> {
    if (!ctx.env.TEST_DATABASE_URL) ctx.log('keyservice: TEST_DATABASE_URL is unset; PostgreSQL figures depend on the script');
    let json: unknown;
    try {
      json = (await runJsonScript(SCRIPT, { timeoutMs: ctx.quick ? 90_000 : 180_000, env: ctx.env })).json;
    } catch (err) {
      if (err instanceof LoadScriptError)
        return notMeasured(err.reason === 'missing' ? `${SCRIPT} (owned by the key-service engineer) does not exist yet` : `${SCRIPT} failed: ${err.message}`);
      throw err;
    }
    const figures: Figure[] = [];
    const missing: string[] = [];
    for (const b of BACKENDS) {
      const scoped = scopeOf(json, b.pattern);
      const found = scoped === undefined ? [] : backendFigures(b.id, b.label, extractMetrics(scoped), contextOf(scoped));
      if (found.length === 0) missing.push(`${b.label} figures (${skipReason(scoped) ?? "not found in the script's output"})`);
      figures.push(...found);
    }
    return {
      status: missing.length === 0 ? 'measured' : figures.length > 0 ? 'partial' : 'not_measured',
      ...(missing.length > 0 ? { missing: missing.join('; ') } : {}),
      figures,
      notes: [`From \`npx tsx ${SCRIPT}\` (one run; its own method and spread are in its output, kept raw in the JSON results).`],
      raw: json,
    };
  },
};
