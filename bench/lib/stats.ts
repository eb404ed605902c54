/**
 * Order statistics for the report: median with spread over rounds, and nearest-rank percentiles of
 * latency samples (p50/p99, the percentiles the targets name).
 */
import { MeasurementError } from './errors';
import type { Spread } from './types';

/** Median, min and max of `values` (at least one). */
export function spreadOf(values: readonly number[]): Spread {
  if (values.length === 0) throw new MeasurementError('no samples to summarise');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number, n: sorted.length };
}

/** Nearest-rank percentile `p` (0 < p <= 100) of `values`. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new MeasurementError('no samples for a percentile');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

/** A single observation as a spread of one. */
export function single(value: number): Spread {
  return { median: value, min: value, max: value, n: 1 };
}

/** Element-wise ratios a[i] / b[i] of paired rounds. */
export function pairedRatios(a: readonly number[], b: readonly number[]): number[] {
  if (a.length !== b.length || a.length === 0) throw new MeasurementError('paired ratios need rounds of equal, non-zero count');
  return a.map((x, i) => x / (b[i] as number));
}

/** A ratio's spread as percent. */
export function percentOf(s: Spread): Spread {
  return { median: s.median * 100, min: s.min * 100, max: s.max * 100, n: s.n };
}

/** Rates (ops/s) as per-operation microseconds; min and max swap. */
export function microsecondsOf(s: Spread): Spread {
  return { median: 1e6 / s.median, min: 1e6 / s.max, max: 1e6 / s.min, n: s.n };
}
