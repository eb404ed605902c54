/**
 * The shape of one benchmark run (docs/benchmarks.md): sections, each with figures; a figure is a median
 * with its spread over several rounds, optionally its target. Verdicts (met / missed, ratio to the target)
 * are derived from these by `report/verdict.ts`, never stored twice.
 */

/** A figure's target (docs/benchmarks.md): the figure must be at least (`>=`) or below (`<`) `value`. */
export interface Target {
  readonly op: '>=' | '<';
  readonly value: number;
}

/** A measured quantity: median of the rounds, with the lowest and highest round. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** How many rounds (or samples) the median is over. */
  readonly n: number;
}

/** One printed figure. */
export interface Figure {
  /** Stable id, used to compare runs (`section.figure`). */
  readonly id: string;
  readonly label: string;
  /** `msg/s`, `ops/s`, `ms`, `MB`, `x` (a ratio) or `%`. */
  readonly unit: string;
  readonly value: Spread;
  readonly target?: Target;
  /** Why the target is missed, from evidence measured in the same run; required reading when it is. */
  readonly missedReason?: string;
  /** What the figure measures, when the label is not enough. */
  readonly note?: string;
}

/** `partial`: some of what the section covers is measured, the rest is named in `missing`. */
export type SectionStatus = 'measured' | 'partial' | 'not_measured';

/** The result of one section module. */
export interface SectionResult {
  readonly id: string;
  readonly title: string;
  readonly status: SectionStatus;
  /** What is missing for the part not measured (status `partial` or `not_measured`). */
  readonly missing?: string;
  readonly figures: readonly Figure[];
  readonly notes: readonly string[];
  /** Raw output of a spawned script, kept for the record. */
  readonly raw?: unknown;
  readonly durationMs: number;
}

/** The machine and software the run was on. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly openssl: string;
  readonly platform: string;
  readonly gitCommit: string;
  /** 1-minute load average when the run started and when it ended (other work on the machine is noise). */
  readonly loadAverage: { readonly start: number; readonly end: number };
}

/** One whole run: what `bench/results/<date>.json` holds. */
export interface BenchRun {
  readonly schema: 1;
  readonly date: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly quick: boolean;
  readonly machine: MachineInfo;
  readonly sections: readonly SectionResult[];
}
