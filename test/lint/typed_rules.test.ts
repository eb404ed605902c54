/**
 * The type-checked lint rules (eslint.config.mjs) run and catch what they are there for: a floating
 * promise, a promise where a void callback is expected, and a switch that misses a member of a union.
 */
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '../..');
const RULES = ['@typescript-eslint/no-floating-promises', '@typescript-eslint/no-misused-promises', '@typescript-eslint/switch-exhaustiveness-check'];

describe('type-checked lint rules', () => {
  it('reports each rule on the fixture that breaks it', async () => {
    // The fixture is outside every tsconfig (it must never compile into anything), so it gets TypeScript's
    // default project and the same three rules as eslint.config.mjs gives the source tree.
    const typed = await new ESLint({ cwd: root }).calculateConfigForFile(join(root, 'src/common/errors.ts'));
    const eslint = new ESLint({
      cwd: root,
      overrideConfig: {
        files: ['test/fixtures/lint/typed-rules.ts'],
        languageOptions: { parserOptions: { projectService: { allowDefaultProject: ['test/fixtures/lint/typed-rules.ts'] } } },
        rules: Object.fromEntries(RULES.map((r) => [r, typed.rules[r]])),
      },
      ignore: false,
    });
    const [result] = await eslint.lintFiles([join(root, 'test/fixtures/lint/typed-rules.ts')]);
    const rules = (result?.messages ?? []).map((m) => m.ruleId ?? m.message).sort();
    expect(rules).toEqual(RULES);
  });
});
