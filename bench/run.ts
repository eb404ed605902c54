/**
 * `npm run bench` (docs/benchmarks.md): runs every section in order on loopback, bounded, and writes
 * bench/results/<YYYY-MM-DD>.json, .md and .svg. A section that fails is reported as not measured with
 * its error; the run goes on and always writes the report. Each section runs in its own child process
 * (bench/sectionMain.ts) under the section's time limit, retried once if it hangs or crashes.
 *   tsx bench/run.ts [--quick] [--only id,id] [--name <file name>] [--out <dir>]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AppError } from '../src/common/errors';
import { BenchInputError } from './lib/errors';
import { machineInfo } from './lib/machine';
import { runJsonScript } from './lib/loadScript';
import type { Section, SectionContext, SectionOutcome } from './lib/section';
import type { BenchRun, SectionResult } from './lib/types';
import { formatRatio, formatTarget, formatValue } from './report/format';
import { verdictLine } from './report/markdown';
import { writeReport } from './report/write';
import { SECTIONS } from './sections/index';

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

function options() {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, name: { type: 'string' }, out: { type: 'string' } },
    strict: true,
  });
  const only = values.only
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = only?.filter((id) => !SECTIONS.some((s) => s.id === id)) ?? [];
  if (unknown.length > 0) throw new BenchInputError(`unknown section(s) ${unknown.join(', ')}; known: ${SECTIONS.map((s) => s.id).join(', ')}`);
  const date = new Date().toISOString().slice(0, 10);
  if (values.name !== undefined && !/^[A-Za-z0-9._-]{1,80}$/.test(values.name)) throw new BenchInputError('--name must be a plain file name');
  return { quick: values.quick ?? false, only, date, name: values.name ?? date, out: values.out ?? path.join('bench', 'results') };
}

const attempts = 2;

/** Runs one section in a child process; a hang or crash is retried once, then reported as not measured. */
async function runOne(section: Section, ctx: SectionContext): Promise<Omit<SectionResult, 'durationMs'>> {
  const failures: string[] = [];
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const { json } = await runJsonScript('bench/sectionMain.ts', {
        timeoutMs: section.timeoutMs,
        env: ctx.env,
        args: [section.id, ctx.tmpDir, ...(ctx.quick ? ['--quick'] : [])],
        onStderr: (text) => process.stderr.write(text),
      });
      const outcome = json as SectionOutcome;
      const retried = failures.map((f, i) => `Attempt ${i + 1} failed and was retried: ${f}.`);
      return { id: section.id, title: section.title, ...outcome, notes: [...outcome.notes, ...retried] };
    } catch (err) {
      const why = err instanceof AppError ? err.message : String(err);
      log(`section ${section.id}, attempt ${attempt}: ${why}`);
      failures.push(why);
    }
  }
  return {
    id: section.id,
    title: section.title,
    status: 'not_measured',
    missing: `the section did not complete (${failures.join('; then: ')})`,
    figures: [],
    notes: [],
  };
}

async function runSections(ctx: SectionContext, only: readonly string[] | undefined): Promise<SectionResult[]> {
  const results: SectionResult[] = [];
  for (const section of SECTIONS.filter((s) => !only || only.includes(s.id))) {
    log(`section ${section.id}: ${section.title}`);
    const started = Date.now();
    results.push({ ...(await runOne(section, ctx)), durationMs: Date.now() - started });
    log(`section ${section.id}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  return results;
}

function printSummary(run: BenchRun): void {
  for (const s of run.sections) {
    process.stdout.write(`\n== ${s.title} (${s.status === 'measured' ? 'measured' : `${s.status.replace('_', ' ')}: ${s.missing ?? ''}`})\n`);
    for (const f of s.figures) {
      const target = f.target ? `  target ${formatTarget(f.target, f.unit)}  ratio ${formatRatio(f.value.median, f.target)}  ${verdictLine(f)}` : '';
      process.stdout.write(`  ${f.label}: ${formatValue(f.value.median, f.unit)}${target}\n`);
    }
  }
}

async function main(): Promise<void> {
  const opts = options();
  const tmpDir = mkdtempSync(path.join(tmpdir(), 'seed-bench-'));
  const startedAt = new Date();
  const loadAtStart = loadavg()[0] ?? 0;
  try {
    const ctx: SectionContext = { quick: opts.quick, tmpDir, log, env: process.env };
    const sections = await runSections(ctx, opts.only);
    const run: BenchRun = {
      schema: 1,
      date: opts.date,
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      quick: opts.quick,
      machine: machineInfo(loadAtStart),
      sections,
    };
    printSummary(run);
    const written = writeReport(run, opts.out, opts.name);
    process.stdout.write(`\nwrote ${written.json}, ${written.markdown}, ${written.svg}\n`);
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof AppError ? `${err.code}: ${err.message}` : String(err)}\n`);
    process.exit(err instanceof BenchInputError ? 2 : 1);
  },
);
