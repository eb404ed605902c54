/**
 * Side-by-side throughput (docs/benchmarks.md, "Method"): every candidate runs
 * for a fixed slice of time in each round, the order rotating from round to round, after a warm-up of
 * each. A candidate's figure is the median of its per-round rates; a ratio between two candidates is
 * the median of their per-round ratios, so drift of the machine's speed during the run cancels out.
 * Single-threaded: one core's work.
 */
import { performance } from 'node:perf_hooks';
import { MeasurementError } from './errors';
import { pairedRatios, spreadOf } from './stats';
import type { Spread } from './types';

/** One contender: `run` does one operation (sync or async). */
export interface Candidate {
  readonly name: string;
  readonly run: () => unknown;
}

export interface ThroughputOptions {
  readonly rounds: number;
  readonly sliceMs: number;
  readonly warmupMs: number;
}

/** Per-candidate rates (operations per second), one per round. */
export type RoundRates = ReadonlyMap<string, readonly number[]>;

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** Runs `c` for about `ms` milliseconds; returns operations per second. */
async function runSlice(c: Candidate, ms: number): Promise<number> {
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 16; i++) {
      const r = c.run();
      if (isPromise(r)) await r;
    }
    ops += 16;
    now = performance.now();
  }
  const seconds = (now - start) / 1000;
  if (ops === 0 || seconds <= 0) throw new MeasurementError(`${c.name}: no operations in a slice`);
  return ops / seconds;
}

/** Measures every candidate in interleaved rounds. */
export async function measureSideBySide(candidates: readonly Candidate[], opts: ThroughputOptions): Promise<RoundRates> {
  const names = new Set(candidates.map((c) => c.name));
  if (names.size !== candidates.length) throw new MeasurementError('candidate names must be unique');
  for (const c of candidates) await runSlice(c, opts.warmupMs);
  const rates = new Map<string, number[]>(candidates.map((c) => [c.name, []]));
  for (let round = 0; round < opts.rounds; round++) {
    for (let k = 0; k < candidates.length; k++) {
      const c = candidates[(k + round) % candidates.length] as Candidate;
      (rates.get(c.name) as number[]).push(await runSlice(c, opts.sliceMs));
    }
  }
  return rates;
}

function ratesOf(rates: RoundRates, name: string): readonly number[] {
  const r = rates.get(name);
  if (!r) throw new MeasurementError(`no rates for candidate ${name}`);
  return r;
}

/** Median and spread of one candidate's rates. */
export function rateOf(rates: RoundRates, name: string): Spread {
  return spreadOf(ratesOf(rates, name));
}

/** Median and spread of the paired ratio `a / b`. */
export function ratioOf(rates: RoundRates, a: string, b: string): Spread {
  return spreadOf(pairedRatios(ratesOf(rates, a), ratesOf(rates, b)));
}
