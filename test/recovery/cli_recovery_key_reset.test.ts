/**
 * Scenario (docs/client.md "CLI", docs/protocol.md §18.9): `recovery-key reset` is the last resort when the
 * devices and the recovery key are lost. Without `--yes-i-lost-my-recovery-key` it explains and changes
 * nothing. While Alice's device is still signed in it only waits: her device's `recovery-key reset-status`
 * shows who asked, `reset-cancel` cancels it and the asker's `reset-finish` is refused
 * (`reset_cancelled`, exit 1, nothing signed in); a second request waits too (`reset-finish` before the
 * period: `reset_waiting`), and once her lost device's session has ended it finishes: the new profile has
 * a new identity, and Bob's `verify` shows her identity changed.
 */
import { describe, expect, it } from 'vitest';
import { uniqueName } from '../client/harness';
import { json, useCliWorld } from '../cli/cliWorld';

const { cli } = useCliWorld('seed-cli-reset-');

describe('cli recovery-key reset', { timeout: 240_000 }, () => {
  it('asks for the flag, waits while a device is signed in (which can cancel it), then resets to a new identity that contacts see changed', async () => {
    const alice = uniqueName('alice');
    const bob = uniqueName('bob');
    const stamp = Date.now() % 100000;
    const [a, b, asker, fresh] = [`xa-${stamp}`, `xb-${stamp}`, `xt-${stamp}`, `xn-${stamp}`];
    const me = json<{ deviceId: string; userId: string }>(await cli(a, ['--json', 'register', alice]));
    json(await cli(b, ['--json', 'register', bob]));
    json(await cli(b, ['--json', 'create', alice]));
    const before = await cli(b, ['verify', me.userId]);
    expect(before.stdout, before.stderr).not.toMatch(/changed/i);

    const noFlag = await cli(asker, ['recovery-key', 'reset', alice]);
    expect(noFlag.code).not.toBe(0);
    expect(noFlag.stderr).toMatch(/--yes-i-lost-my-recovery-key/);

    // Her device is signed in: the request waits, her device sees it and cancels it.
    const waits = await cli(asker, ['recovery-key', 'reset', alice, '--yes-i-lost-my-recovery-key']);
    expect(waits.code, waits.stderr).toBe(0);
    expect(waits.stdout).toMatch(/waits until .*recovery-key reset-finish/s);
    expect((await cli(asker, ['whoami'])).stderr).toMatch(/^error not_signed_in: /);
    const seen = await cli(a, ['recovery-key', 'reset-status']);
    expect(seen.stdout, seen.stderr).toMatch(/^a reset of your account was requested on .* named ".*".*If this wasn't you, cancel it/);
    expect((await cli(a, ['recovery-key', 'reset-cancel'])).stdout).toMatch(/was cancelled: it will not happen/);
    const refused = await cli(asker, ['recovery-key', 'reset-finish']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error reset_cancelled: /);
    expect((await cli(asker, ['recovery-key', 'reset-finish'])).stderr).toMatch(/^error no_reset_here: /);

    // Asked again: it waits again, and finishing early is refused while her device is signed in.
    expect((await cli(fresh, ['recovery-key', 'reset', alice, '--yes-i-lost-my-recovery-key'])).stdout).toMatch(/waits until/);
    expect((await cli(fresh, ['recovery-key', 'reset-status'])).stdout).toMatch(/^your reset will finish on .* unless a signed-in device cancels it/);
    expect((await cli(fresh, ['recovery-key', 'reset-finish'])).stderr).toMatch(/^error reset_waiting: /);

    // Her laptop is lost: its session ends (here by hand; unattended, it expires), and no device is signed in.
    const own = json<{ sessionId: string; current: boolean }[]>(await cli(a, ['--json', 'sessions'])).find((s) => s.current);
    expect(own).toBeDefined();
    json(await cli(a, ['--json', 'sessions', 'end', own?.sessionId ?? '']));
    const reset = await cli(fresh, ['recovery-key', 'reset-finish']);
    expect(reset.stdout, reset.stderr).toMatch(/^reset .*: a new identity on device/);
    const after = await cli(b, ['verify', me.userId]);
    expect(after.stdout, after.stderr).toMatch(/changed/i);
  });
});
