/**
 * Scenario (docs/client.md "CLI", docs/protocol.md §18.9): `recovery-key reset` is the last resort when the
 * devices and the recovery key are lost. Without `--yes-i-lost-my-recovery-key` it explains and changes
 * nothing; while Alice's device is still signed in it is refused (`account_has_active_device`, exit 1,
 * nothing signed in); once her lost device's session has ended it gives the new profile a new identity, and Bob's
 * `verify` shows her identity changed.
 */
import { describe, expect, it } from 'vitest';
import { uniqueName } from '../client/harness';
import { json, useCliWorld } from '../cli/cliWorld';

const { cli } = useCliWorld('seed-cli-reset-');

describe('cli recovery-key reset', { timeout: 180_000 }, () => {
  it('asks for the flag, is refused while a device is signed in, then resets to a new identity that contacts see changed', async () => {
    const alice = uniqueName('alice');
    const bob = uniqueName('bob');
    const stamp = Date.now() % 100000;
    const [a, b, fresh] = [`xa-${stamp}`, `xb-${stamp}`, `xn-${stamp}`];
    const me = json<{ deviceId: string; userId: string }>(await cli(a, ['--json', 'register', alice]));
    json(await cli(b, ['--json', 'register', bob]));
    json(await cli(b, ['--json', 'create', alice]));
    const before = await cli(b, ['verify', me.userId]);
    expect(before.stdout, before.stderr).not.toMatch(/changed/i);

    const noFlag = await cli(fresh, ['recovery-key', 'reset', alice]);
    expect(noFlag.code).not.toBe(0);
    expect(noFlag.stderr).toMatch(/--yes-i-lost-my-recovery-key/);
    const refused = await cli(fresh, ['recovery-key', 'reset', alice, '--yes-i-lost-my-recovery-key']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error account_has_active_device: /);
    expect((await cli(fresh, ['whoami'])).stderr).toMatch(/^error not_signed_in: /);

    // Her laptop is lost: its session ends (here by hand; unattended, it expires), and no device is signed in.
    const own = json<{ sessionId: string; current: boolean }[]>(await cli(a, ['--json', 'sessions'])).find((s) => s.current);
    expect(own).toBeDefined();
    json(await cli(a, ['--json', 'sessions', 'end', own?.sessionId ?? '']));
    const reset = await cli(fresh, ['recovery-key', 'reset', alice, '--yes-i-lost-my-recovery-key']);
    expect(reset.stdout, reset.stderr).toMatch(/^reset .*: a new identity on device/);
    const after = await cli(b, ['verify', me.userId]);
    expect(after.stdout, after.stderr).toMatch(/changed/i);
  });
});
