// Prints one summary line per test runner and a total, from the runners' JSON reports.
import { existsSync, readFileSync } from 'node:fs';

const read = (p) => (existsSync(p) ? JSON.parse(readFileSync(p, 'utf8')) : null);
const rows = [];

// A failed test counts once; a test file that failed before any test ran (an import error) counts as one
// failure too. `numFailedTestSuites` would count each failed test again through its describe blocks.
function vitestRow(v) {
  const brokenFiles = (v?.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0).length;
  return v ? { passed: v.numPassedTests, failed: v.numFailedTests + brokenFiles, skipped: v.numPendingTests + v.numTodoTests } : null;
}
rows.push(['vitest', vitestRow(read('.tmp/test-reports/vitest.json'))]);
// The crypto and scenario tests again with the node:crypto provider forced (docs/architecture.md, "Crypto providers").
rows.push(['vitest (SEED_CRYPTO_PROVIDER=node)', vitestRow(read('.tmp/test-reports/vitest-node-provider.json'))]);

const p = read('test-results/playwright.json');
rows.push(['playwright', p ? { passed: p.stats.expected + p.stats.flaky, failed: p.stats.unexpected, skipped: p.stats.skipped } : null]);

/** Skipped Playwright tests with their stated reasons (e.g. the Electron smoke test where no binary exists). */
function* skippedSpecs(suite) {
  for (const spec of suite.specs ?? []) {
    for (const t of spec.tests ?? []) {
      if (t.status === 'skipped') {
        const reason = (t.annotations ?? []).find((a) => a.type === 'skip')?.description ?? 'no reason given';
        yield `${spec.title} — ${reason}`;
      }
    }
  }
  for (const child of suite.suites ?? []) yield* skippedSpecs(child);
}
for (const suite of p?.suites ?? []) for (const line of skippedSpecs(suite)) console.log(`skipped: ${line}`);

const total = { passed: 0, failed: 0, skipped: 0 };
for (const [name, r] of rows) {
  if (!r) {
    console.log(`${name}: no report (runner did not finish)`);
    total.failed += 1;
    continue;
  }
  console.log(`${name}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`);
  for (const k of Object.keys(total)) total[k] += r[k];
}
console.log(`total: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 || total.passed === 0 ? 1 : 0);
