/**
 * Compares two runs figure by figure (docs/benchmarks.md, "Reproducibility"). A figure is
 * within noise when its medians differ by no more than the larger of 10 % and the wider relative spread
 * (max − min) / median of the two runs; a verdict that flips between the runs is listed separately.
 */
import type { BenchRun, Figure } from '../lib/types';
import { verdictOf } from './verdict';

export interface FigureComparison {
  readonly id: string;
  readonly label: string;
  readonly a: number;
  readonly b: number;
  /** (b − a) / a */
  readonly change: number;
  readonly tolerance: number;
  readonly withinNoise: boolean;
  readonly verdictA: string;
  readonly verdictB: string;
}

const MIN_TOLERANCE = 0.1;

function figures(run: BenchRun): Map<string, Figure> {
  return new Map(run.sections.flatMap((s) => s.figures.map((f) => [`${s.id}.${f.id}`, f] as const)));
}

const relSpread = (f: Figure) => (f.value.median === 0 ? 0 : (f.value.max - f.value.min) / Math.abs(f.value.median));

/** Every figure present in both runs, compared. */
export function compareRuns(a: BenchRun, b: BenchRun): FigureComparison[] {
  const fb = figures(b);
  const out: FigureComparison[] = [];
  for (const [id, fa] of figures(a)) {
    const other = fb.get(id);
    if (!other) continue;
    const change = fa.value.median === 0 ? 0 : (other.value.median - fa.value.median) / Math.abs(fa.value.median);
    const tolerance = Math.max(MIN_TOLERANCE, relSpread(fa), relSpread(other));
    out.push({
      id,
      label: fa.label,
      a: fa.value.median,
      b: other.value.median,
      change,
      tolerance,
      withinNoise: Math.abs(change) <= tolerance,
      verdictA: verdictOf(fa),
      verdictB: verdictOf(other),
    });
  }
  return out;
}

/** A markdown table of the comparison and a one-line summary. */
export function renderComparison(rows: readonly FigureComparison[], nameA: string, nameB: string): string {
  const within = rows.filter((r) => r.withinNoise).length;
  const flips = rows.filter((r) => r.verdictA !== r.verdictB);
  const lines = [
    `Compared ${rows.length} figures of ${nameA} and ${nameB}: ${within} within noise, ${rows.length - within} outside; verdicts that differ: ${flips.length === 0 ? 'none' : flips.map((r) => r.id).join(', ')}.`,
    '',
    '| figure | run A | run B | change | tolerance | within noise | verdict A → B |',
    '|---|---:|---:|---:|---:|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.id} | ${r.a.toPrecision(4)} | ${r.b.toPrecision(4)} | ${(r.change * 100).toFixed(1)} % | ${(r.tolerance * 100).toFixed(0)} % | ${r.withinNoise ? 'yes' : 'NO'} | ${r.verdictA} → ${r.verdictB} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
