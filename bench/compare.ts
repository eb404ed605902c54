/**
 * `npx tsx bench/compare.ts <a.json> <b.json>`: prints how far two benchmark runs agree (see
 * report/compare.ts), as markdown on stdout. Exit 2 for unusable arguments; it does not judge.
 */
import path from 'node:path';
import { AppError } from '../src/common/errors';
import { BenchInputError } from './lib/errors';
import { compareRuns, renderComparison } from './report/compare';
import { readRun } from './report/write';

function main(): void {
  const [a, b] = process.argv.slice(2);
  if (a === undefined || b === undefined) throw new BenchInputError('usage: tsx bench/compare.ts <run-a.json> <run-b.json>');
  process.stdout.write(renderComparison(compareRuns(readRun(a), readRun(b)), path.basename(a), path.basename(b)));
}

try {
  main();
} catch (err) {
  process.stderr.write(`compare: ${err instanceof AppError ? err.message : String(err)}\n`);
  process.exit(err instanceof BenchInputError ? 2 : 1);
}
