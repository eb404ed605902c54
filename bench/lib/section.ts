/**
 * The contract of a benchmark section module (one per section of docs/benchmarks.md): `run` measures and
 * returns figures; the runner adds the id, title and duration. Adding a section later is one new module and
 * one line in `sections/index.ts`.
 */
import type { Figure, SectionStatus } from './types';

/** What every section gets from the runner. */
export interface SectionContext {
  /** A shorter run (fewer rounds, smaller groups) for trying the harness out; the report says so. */
  readonly quick: boolean;
  /** A private temp directory, removed after the run. */
  readonly tmpDir: string;
  /** Progress lines (stderr). */
  readonly log: (message: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

/** What a section returns. */
export interface SectionOutcome {
  readonly status: SectionStatus;
  readonly missing?: string;
  readonly figures: readonly Figure[];
  readonly notes: readonly string[];
  readonly raw?: unknown;
}

export interface Section {
  readonly id: string;
  readonly title: string;
  /** Time limit of one attempt (the runner ends the section's process after it). */
  readonly timeoutMs: number;
  run(ctx: SectionContext): Promise<SectionOutcome>;
}

/** The outcome of a section whose subject does not exist yet. */
export function notMeasured(missing: string, notes: readonly string[] = []): SectionOutcome {
  return { status: 'not_measured', missing, figures: [], notes };
}
