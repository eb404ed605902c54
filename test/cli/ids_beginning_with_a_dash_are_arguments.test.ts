/**
 * About one id in 64 begins with "-" (22 base64url characters). The admin CLI and the CLI take such an id
 * as the argument it is, not as an unknown short option: a conversation or request id the tools print can
 * always be passed back (it made the custody export test fail at random in CI). Options still parse.
 */
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/cli/args';
import { shieldIds, unshield } from '../../src/node/cliIds';
import { runAdmin } from '../../src/server/adminCli';

const DASH_ID = '-Kx3vQ9bT_2mW8rLpZ0aYc';

describe('ids beginning with a dash', () => {
  it('the CLI reads them as arguments and still reads its options', () => {
    const args = parseCommandLine(['--profile', 'alice', 'send', DASH_ID, 'hello', '--json'], {});
    expect(args.command).toBe('send');
    expect(args.rest).toEqual([DASH_ID, 'hello']);
    expect(args.profile).toBe('alice');
    expect(args.json).toBe(true);
    expect(parseCommandLine(['create', 'bob', '--name', DASH_ID], {}).flags.name).toBe(DASH_ID);
    // A real unknown option is still refused.
    expect(() => parseCommandLine(['send', '-x', 'hi'], {})).toThrow();
  });

  it('the admin CLI reaches the command with the id, not a usage error', async () => {
    const refusal = await runAdmin(['--data', '/nonexistent-seed-dir', 'custody', 'approve-export', DASH_ID, '--reason', 'ok'], {}, 'cli:test').catch(
      (e: unknown) => e as { code?: string; message?: string },
    );
    expect((refusal as { code?: string }).code).not.toBe('admin_usage');
  });

  it('only a dash and 21 base64url characters is shielded, and comes back as typed', () => {
    expect(shieldIds(['-p', '--json', DASH_ID, `${DASH_ID}x`]).map(unshield)).toEqual(['-p', '--json', DASH_ID, `${DASH_ID}x`]);
    expect(shieldIds(['-p', '--json', `${DASH_ID}x`])).toEqual(['-p', '--json', `${DASH_ID}x`]);
  });
});
