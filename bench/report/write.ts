/**
 * Writes one run as bench/results/<name>.json, <name>.md and <name>.svg (docs/benchmarks.md). The JSON is the
 * record; the markdown and the chart are rendered from it, so `renderFromJson` can redo them.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BenchInputError } from '../lib/errors';
import type { BenchRun } from '../lib/types';
import { renderMarkdown } from './markdown';
import { renderSvg } from './svg';

export interface WrittenReport {
  readonly json: string;
  readonly markdown: string;
  readonly svg: string;
}

/** Writes the three files under `dir`, named `<name>.*`; returns their paths. */
export function writeReport(run: BenchRun, dir: string, name: string): WrittenReport {
  mkdirSync(dir, { recursive: true });
  const out = { json: path.join(dir, `${name}.json`), markdown: path.join(dir, `${name}.md`), svg: path.join(dir, `${name}.svg`) };
  writeFileSync(out.json, `${JSON.stringify(run, null, 2)}\n`);
  writeFileSync(out.svg, renderSvg(run));
  writeFileSync(out.markdown, renderMarkdown(run, `${name}.svg`));
  return out;
}

/** Reads a results JSON file written by `writeReport`. */
export function readRun(file: string): BenchRun {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new BenchInputError(`${file}: not a readable JSON file (${(err as Error).message})`);
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    (parsed as { schema?: unknown }).schema !== 1 ||
    !Array.isArray((parsed as { sections?: unknown }).sections)
  ) {
    throw new BenchInputError(`${file}: not a benchmark results file (schema 1)`);
  }
  return parsed as BenchRun;
}
