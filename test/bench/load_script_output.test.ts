/**
 * Reading the load scripts' JSON (bench/relay-load.ts, bench/keyservice-load.ts belong to other
 * engineers): throughput and p50/p99 are found by meaning whatever the nesting, latency units are
 * converted to milliseconds, a backend's part is found by name, and a last line that is not JSON is a
 * typed error.
 */
import { describe, expect, it } from 'vitest';
import { LoadScriptError } from '../../bench/lib/errors';
import { lastLineJson } from '../../bench/lib/loadScript';
import { extractMetrics, scopeOf } from '../../bench/lib/metrics';

describe('load script output', () => {
  it('reads the key-service shape per backend', () => {
    const json = {
      bench: 'keyservice-load',
      target: { perSecond: 5000, p99Ms: 20 },
      sqlite: { fetches: 40000, perSecond: 3877, p50Ms: 3.52, p99Ms: 13.86 },
      postgres: { skipped: 'no server' },
    };
    expect(extractMetrics(scopeOf(json, /sqlite/i))).toEqual({ throughputPerSec: 3877, p50Ms: 3.52, p99Ms: 13.86 });
    expect(extractMetrics(scopeOf(json, /postgres/i))).toEqual({});
  });

  it('keeps the fetch figures apart from the database ceiling and the CPU per fetch', () => {
    const postgres = {
      fetches: 40000,
      perSecond: 4356,
      p50Ms: 3.26,
      p99Ms: 12.56,
      cpuPerFetch: { keyServiceUs: 190, loadGeneratorUs: 120 },
      databaseCeiling: { queries: 40000, poolSize: 10, concurrency: 16, selectOnePerSecond: 21000 },
    };
    expect(extractMetrics(scopeOf({ bench: 'keyservice-load', postgres }, /postgres/i))).toEqual({ throughputPerSec: 4356, p50Ms: 3.26, p99Ms: 12.56 });
  });

  it('finds nested latency objects and converts microseconds', () => {
    expect(extractMetrics({ delivered: 200000, throughput: 12000, latencyUs: { p50: 1500, p99: 9000 } })).toEqual({
      throughputPerSec: 12000,
      p50Ms: 1.5,
      p99Ms: 9,
    });
  });

  it('finds a backend in an array of results', () => {
    const json = {
      results: [
        { backend: 'sqlite', opsPerSec: 10 },
        { backend: 'postgres', opsPerSec: 20 },
      ],
    };
    expect(extractMetrics(scopeOf(json, /postgres/i)).throughputPerSec).toBe(20);
  });

  it('takes the last non-empty line as JSON and refuses anything else', () => {
    expect(lastLineJson('progress…\n{"a":1}\n\n')).toEqual({ a: 1 });
    expect(() => lastLineJson('done\n')).toThrow(LoadScriptError);
    expect(() => lastLineJson('')).toThrow(LoadScriptError);
  });
});
