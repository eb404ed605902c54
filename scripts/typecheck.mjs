// Type-checks every layer with its own tsconfig (see docs/architecture.md): common has no DOM and no
// Node types, renderer has DOM and no Node, the Node layers have Node. Runs the checks two at a time.
import { spawn } from 'node:child_process';

const configs = ['common', 'node', 'preload', 'renderer', 'tooling'].map((l) => `tsconfig.${l}.json`);

function check(config) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['node_modules/typescript/bin/tsc', '-p', config, '--pretty'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ config, code, out }));
  });
}

const results = [];
for (let i = 0; i < configs.length; i += 2) {
  results.push(...(await Promise.all(configs.slice(i, i + 2).map(check))));
}
let failed = 0;
for (const r of results) {
  if (r.code !== 0) {
    failed++;
    process.stdout.write(r.out);
  }
  console.log(`typecheck ${r.config}: ${r.code === 0 ? 'ok' : 'FAILED'}`);
}
process.exit(failed ? 1 : 0);
