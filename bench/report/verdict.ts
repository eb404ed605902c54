/**
 * Verdicts of figures against their targets (docs/benchmarks.md, "Method": each figure is printed with
 * its target and its ratio to it). The ratio is oriented so that >= 1 always means met: value / target
 * for an "at least" target, target / value for a "below" target.
 */
import { missingCase } from '../../src/common/errors';
import type { Figure, Target } from '../lib/types';

export type Verdict = 'met' | 'missed' | 'no_target';

/** The ratio of `value` to `target`, >= 1 when met. */
export function ratioToTarget(value: number, target: Target): number {
  switch (target.op) {
    case '>=':
      return value / target.value;
    case '<':
      return value === 0 ? Number.POSITIVE_INFINITY : target.value / value;
    default:
      return missingCase(target.op);
  }
}

/** True when `value` meets `target`. */
export function meets(value: number, target: Target): boolean {
  switch (target.op) {
    case '>=':
      return value >= target.value;
    case '<':
      return value < target.value;
    default:
      return missingCase(target.op);
  }
}

/** The verdict of a figure (its median against its target). */
export function verdictOf(figure: Figure): Verdict {
  if (!figure.target) return 'no_target';
  return meets(figure.value.median, figure.target) ? 'met' : 'missed';
}

/** The reason printed for a missed figure; a missed figure without one says so plainly. */
export function missedReasonOf(figure: Figure): string {
  return figure.missedReason ?? 'reason not established by this run';
}
