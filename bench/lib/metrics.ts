/**
 * Reads throughput and p50/p99 latency out of a load script's JSON without depending on its exact
 * shape (the scripts belong to other engineers and may still change): keys are matched by meaning
 * (`...PerSec`, `throughput`; `p50...`, `p99...`), latency units from the key path (`ms` by default,
 * `us`/`µs` and `s` recognised). `scopeOf` finds the part for one backend (`sqlite`, `postgres`).
 */

export interface LoadMetrics {
  readonly throughputPerSec?: number;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
}

type Entry = { readonly path: readonly string[]; readonly value: number; readonly depth: number };

function numbers(value: unknown, pathSoFar: string[] = [], out: Entry[] = []): Entry[] {
  if (typeof value === 'number' && Number.isFinite(value)) out.push({ path: pathSoFar, value, depth: pathSoFar.length });
  else if (Array.isArray(value)) value.forEach((v, i) => numbers(v, [...pathSoFar, String(i)], out));
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) numbers(v, [...pathSoFar, k], out);
  return out;
}

const THROUGHPUT = /(per_?s(ec(ond)?)?|\/s|throughput|rps|ops_?s)$/i;
const P50 = /(^|[^0-9])p50/i;
const P99 = /(^|[^0-9])p99([^.0-9]|$)/i;

function latencyMs(e: Entry): number {
  const joined = e.path.join('.');
  if (/(us|µs|micro)/i.test(joined)) return e.value / 1000;
  if (/(ns|nano)/i.test(joined)) return e.value / 1e6;
  if (/ms|milli/i.test(joined)) return e.value;
  if (/(sec(ond)?s?|_s)$/i.test(e.path[e.path.length - 1] ?? '')) return e.value * 1000;
  return e.value;
}

function shallowest(entries: Entry[], test: (key: string, e: Entry) => boolean): Entry | undefined {
  return entries.filter((e) => test(e.path[e.path.length - 1] ?? '', e)).sort((a, b) => a.depth - b.depth)[0];
}

/** The throughput and latency figures found in `json`. */
export function extractMetrics(json: unknown): LoadMetrics {
  const entries = numbers(json);
  const thr = shallowest(entries, (k) => THROUGHPUT.test(k) && !P50.test(k) && !P99.test(k));
  const p50 = shallowest(entries, (k, e) => P50.test(k) || (k === 'p50' && e.path.length > 0) || P50.test(e.path.slice(-2).join('.')));
  const p99 = shallowest(entries, (k, e) => P99.test(k) || P99.test(e.path.slice(-2).join('.')));
  return {
    ...(thr ? { throughputPerSec: thr.value } : {}),
    ...(p50 ? { p50Ms: latencyMs(p50) } : {}),
    ...(p99 ? { p99Ms: latencyMs(p99) } : {}),
  };
}

/** The part of `json` about `name` (an object under a matching key, or an array element naming it). */
export function scopeOf(json: unknown, name: RegExp): unknown {
  if (Array.isArray(json)) {
    for (const item of json) {
      if (typeof item === 'object' && item !== null && Object.values(item).some((v) => typeof v === 'string' && name.test(v))) return item;
      const inner = scopeOf(item, name);
      if (inner !== undefined) return inner;
    }
    return undefined;
  }
  if (typeof json !== 'object' || json === null) return undefined;
  for (const [k, v] of Object.entries(json)) if (name.test(k) && typeof v === 'object' && v !== null) return v;
  for (const v of Object.values(json)) {
    const inner = scopeOf(v, name);
    if (inner !== undefined) return inner;
  }
  return undefined;
}
