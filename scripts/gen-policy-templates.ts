/**
 * `npm run policy:templates`: writes the IT policy templates (ADMX/ADML, .mobileconfig, Linux example and
 * JSON Schema) generated from src/common/policy into resources/policy-templates/. With `--check` it
 * writes nothing and exits 1 if a committed template differs from what the schema generates.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { policyTemplateFiles } from '../src/common/policy/templates/files';

const outDir = resolve(__dirname, '..', 'resources', 'policy-templates');
const check = process.argv.includes('--check');

function current(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

let stale = 0;
for (const [rel, content] of Object.entries(policyTemplateFiles())) {
  const path = join(outDir, rel);
  if (current(path) === content) {
    console.log(`unchanged ${rel}`);
    continue;
  }
  if (check) {
    stale++;
    console.error(`out of date: resources/policy-templates/${rel} (run npm run policy:templates)`);
    continue;
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  console.log(`wrote ${rel}`);
}
process.exitCode = stale === 0 ? 0 : 1;
