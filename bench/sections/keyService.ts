/**
 * Section "key-service fetch" (issue 10): fetch throughput and p50/p99 latency on SQLite and PostgreSQL
 * (targets >= 5,000/s, p99 < 20 ms), from the key-service engineer's bench/keyservice-load.ts, spawned
 * with a time bound; its JSON last line is kept raw in the results.
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

function backendFigures(id: string, label: string, m: LoadMetrics): Figure[] {
  const out: Figure[] = [];
  const reason = 'the load script reports the figure; its cause is for the key-service engineer to establish (see the raw output in the JSON)';
  if (m.throughputPerSec !== undefined) {
    out.push({ id: `${id}.throughput`, label: `${label} fetch throughput`, unit: 'fetch/s', value: single(m.throughputPerSec), target: THROUGHPUT_TARGET, ...(meets(m.throughputPerSec, THROUGHPUT_TARGET) ? {} : { missedReason: reason }) });
  }
  if (m.p50Ms !== undefined) out.push({ id: `${id}.p50`, label: `${label} fetch p50`, unit: 'ms', value: single(m.p50Ms) });
  if (m.p99Ms !== undefined) {
    out.push({ id: `${id}.p99`, label: `${label} fetch p99`, unit: 'ms', value: single(m.p99Ms), target: P99_TARGET, ...(meets(m.p99Ms, P99_TARGET) ? {} : { missedReason: reason }) });
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
      if (err instanceof LoadScriptError) return notMeasured(err.reason === 'missing' ? `${SCRIPT} (owned by the key-service engineer) does not exist yet` : `${SCRIPT} failed: ${err.message}`);
      throw err;
    }
    const figures: Figure[] = [];
    const missing: string[] = [];
    for (const b of BACKENDS) {
      const scoped = scopeOf(json, b.pattern);
      const found = scoped === undefined ? [] : backendFigures(b.id, b.label, extractMetrics(scoped));
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
