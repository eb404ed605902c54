/**
 * Number formatting shared by the markdown, SVG and console reports: rates with thousands separators,
 * milliseconds and ratios with sensible precision, so a figure reads the same everywhere.
 */
import type { Spread, Target } from '../lib/types';
import { ratioToTarget } from './verdict';

/** A value with its unit, e.g. `25,120 msg/s`, `3.1 ms`, `2.74x`, `91.2 %`. */
export function formatValue(value: number, unit: string): string {
  if (!Number.isFinite(value)) return `${value > 0 ? '∞' : '–∞'} ${unit}`;
  switch (unit) {
    case 'x':
      return `${value.toFixed(2)}x`;
    case '%':
      return `${value.toFixed(1)} %`;
    case 'ms':
      return `${value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US')} ms`;
    default:
      return `${Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1)} ${unit}`;
  }
}

/** The spread of a figure, `min–max` in its unit, or `single run` for one sample. */
export function formatSpread(s: Spread, unit: string): string {
  if (s.n <= 1) return 'one sample';
  return `${formatValue(s.min, unit)} – ${formatValue(s.max, unit)} (n=${s.n})`;
}

/** The target as the report prints it, e.g. `≥ 25,000 msg/s`, `< 20 ms`. */
export function formatTarget(target: Target, unit: string): string {
  return `${target.op === '>=' ? '≥' : '<'} ${formatValue(target.value, unit)}`;
}

/** The ratio to the target, e.g. `1.23x`. */
export function formatRatio(value: number, target: Target): string {
  const r = ratioToTarget(value, target);
  return Number.isFinite(r) ? `${r.toFixed(2)}x` : '∞';
}
