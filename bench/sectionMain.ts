/**
 * Runs one section in its own process (spawned by bench/run.ts) and prints its outcome as JSON on the
 * last line. A process per section keeps sections from sharing heap and JIT state and lets the runner
 * end a section that hangs (see docs/benchmarks.md, "Deadlock in Node's key export").
 *   tsx bench/sectionMain.ts <section id> <tmp dir> [--quick]
 */
import { AppError } from '../src/common/errors';
import { BenchInputError } from './lib/errors';
import { providerLine } from './lib/fixtures';
import { SECTIONS } from './sections/index';

async function main(): Promise<void> {
  const [id, tmpDir, flag] = process.argv.slice(2);
  const section = SECTIONS.find((s) => s.id === id);
  if (!section || tmpDir === undefined)
    throw new BenchInputError(`usage: tsx bench/sectionMain.ts <${SECTIONS.map((s) => s.id).join('|')}> <tmp dir> [--quick]`);
  const outcome = await section.run({ quick: flag === '--quick', tmpDir, log: (m) => process.stderr.write(`[bench] ${m}\n`), env: process.env });
  const notes = [...outcome.notes, `Run with ${providerLine.replace(/^crypto provider: /, 'the crypto provider ')}.`];
  process.stdout.write(`\n${JSON.stringify({ ...outcome, notes })}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(
      `section failed: ${err instanceof AppError ? `${err.code}: ${err.message}` : String(err instanceof Error ? (err.stack ?? err.message) : err)}\n`,
    );
    process.exit(1);
  },
);
