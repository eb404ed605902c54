import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '../..');
// Fixtures are linted under pretend paths that exist in no tsconfig: only the layer rule runs on them, so the
// type-checked rules (which need a real project) are off here; test/lint/typed_rules.test.ts covers those.
const eslint = new ESLint({
  cwd: root,
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/no-misused-promises': 'off',
      '@typescript-eslint/switch-exhaustiveness-check': 'off',
    },
  },
});

async function lintAs(fixture: string, pretendPath: string): Promise<string[]> {
  const code = readFileSync(join(root, 'test/fixtures/lint', fixture), 'utf8');
  const [result] = await eslint.lintText(code, { filePath: join(root, pretendPath) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'layers/imports').map((m) => m.message);
}

describe('layer zones (tools/eslint-layers.mjs)', () => {
  it('rejects the renderer importing main, naming the allowed layers', async () => {
    const messages = await lintAs('renderer-imports-main.ts', 'src/renderer/src/leak.ts');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain("Layer 'renderer'");
    expect(messages[0]).toContain('main/composition');
    expect(messages[0]).toContain('common/, renderer/');
  });

  it('rejects the renderer importing crypto implementations from common', async () => {
    const messages = await lintAs('renderer-imports-crypto.ts', 'src/renderer/src/crypto.ts');
    expect(messages).toEqual([expect.stringContaining('common/crypto/')]);
  });

  it('rejects Node built-ins in common', async () => {
    const messages = await lintAs('common-imports-node.ts', 'src/common/fs.ts');
    expect(messages).toEqual([expect.stringContaining("'node:fs' is not available")]);
  });

  it('rejects electron outside the Electron glue', async () => {
    const messages = await lintAs('service-imports-electron.ts', 'src/main/services/window.ts');
    expect(messages).toEqual([expect.stringContaining("may import 'electron'")]);
    expect(await lintAs('service-imports-electron.ts', 'src/main/electron/window2.ts')).toEqual([]);
  });

  it('rejects the server importing the desktop main process', async () => {
    const messages = await lintAs('server-imports-main.ts', 'src/server/x.ts');
    expect(messages).toEqual([expect.stringContaining("Layer 'server'")]);
  });

  it('rejects the desktop shell reaching inside the client layer, naming its public entry', async () => {
    const messages = await lintAs('main-imports-client-internals.ts', 'src/main/desktop/x.ts');
    expect(messages).toEqual([expect.stringContaining("may not import 'client/keyRing'")]);
    expect(messages[0]).toContain('client/index.ts');
  });

  it('rejects the CLI importing the desktop shell', async () => {
    const messages = await lintAs('cli-imports-main.ts', 'src/cli/x.ts');
    expect(messages).toEqual([expect.stringContaining("Layer 'cli'")]);
    expect(messages[0]).toContain('main/composition');
  });

  it('rejects the benchmarks reaching inside the client layer, and accepts its entry', async () => {
    const messages = await lintAs('bench-imports-client-internals.ts', 'bench/lib/x.ts');
    expect(messages).toEqual([expect.stringContaining("may import 'client/keyRing' only through its public entry src/client/index.ts")]);
  });

  it('rejects a file under src/ that is in no layer', async () => {
    const messages = await lintAs('allowed.ts', 'src/misc/ok.ts');
    expect(messages).toEqual([expect.stringContaining('in no layer')]);
  });

  it('accepts imports the table allows', async () => {
    expect(await lintAs('allowed.ts', 'src/main/services/ok.ts')).toEqual([]);
  });

  it('passes on the real source tree', async () => {
    const results = await eslint.lintFiles(['src/**/*.{ts,tsx}', 'bench/**/*.ts']);
    const layerErrors = results.flatMap((r) => r.messages.filter((m) => m.ruleId === 'layers/imports').map((m) => `${r.filePath}: ${m.message}`));
    expect(results.length).toBeGreaterThan(10);
    expect(layerErrors).toEqual([]);
  }, 120_000); // lints the whole tree: ~15 s alone, more on a loaded 2-core machine
});
