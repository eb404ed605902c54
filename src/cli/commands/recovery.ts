/**
 * Recovery-key commands (docs/client.md "CLI", docs/protocol.md §18): `recovery-key create|rotate` prints the
 * new key once (write it down; it is kept nowhere), `recovery-key verify` checks a key against the account's
 * backup, and `restore USERNAME` signs a NEW profile in with the password and the recovery key after every
 * device of the account is lost. The key comes from $SEED_RECOVERY_KEY or a prompt that does not echo.
 * `recovery-key reset USERNAME --yes-i-lost-my-recovery-key` is the last resort when the recovery key is
 * lost too (§18.9): a NEW account identity on a new profile, only with that flag.
 */
import type { Client } from '../../client';
import type { CliArgs } from '../args';
import { UsageError } from '../errors';
import type { Output } from '../output';
import { readPassword, readSecret } from '../prompt';

async function readRecoveryKey(): Promise<string> {
  return readSecret('SEED_RECOVERY_KEY', 'recovery key: ', 'no recovery key: set SEED_RECOVERY_KEY or run in a terminal');
}

/** `recovery-key create | rotate | verify`. */
export async function recoveryKey(client: Client, args: CliArgs, out: Output): Promise<void> {
  const sub = args.rest[0];
  if (sub === 'create' || sub === 'rotate') {
    const made = sub === 'create' ? await client.createRecoveryKey() : await client.rotateRecoveryKey();
    out.result(made, [
      `recovery key (backup version ${made.backupVersion}) — write it down and keep it safe; it is shown only now:`,
      '',
      `    ${made.recoveryKey}`,
      '',
      made.backupVersion > 1 ? 'the previous recovery key no longer works.' : 'with it and your password you can restore this account on a new device.',
    ]);
    return;
  }
  if (sub === 'verify') {
    const checked = await client.verifyRecoveryKey(await readRecoveryKey());
    out.result(checked, `this recovery key is correct (backup version ${checked.backupVersion})`);
    return;
  }
  if (sub === 'reset') {
    await reset(client, args, out);
    return;
  }
  throw new UsageError(
    `unknown recovery-key subcommand ${JSON.stringify(sub ?? '')}; use: recovery-key create, recovery-key rotate, recovery-key verify, recovery-key reset`,
  );
}

/** `recovery-key reset USERNAME --yes-i-lost-my-recovery-key`: a new identity for an account whose devices and recovery key are lost. */
async function reset(client: Client, args: CliArgs, out: Output): Promise<void> {
  const username = args.rest[1];
  if (username === undefined || username === '') throw new UsageError('missing USERNAME: recovery-key reset USERNAME --yes-i-lost-my-recovery-key');
  if (!args.flags.lostRecoveryKey) {
    throw new UsageError(
      'a reset gives the account a NEW identity: every contact sees it changed and the old history cannot be read again. ' +
        'If you still have a device of the account, link this one from it (link-device); if you have the recovery key, use restore. ' +
        'To reset anyway, add --yes-i-lost-my-recovery-key',
    );
  }
  const password = await readPassword(args.flags.passwordStdin);
  const session = await client.resetAccount({ username, password });
  out.result(session, [
    `reset ${session.username}: a new identity on device ${session.deviceId}.`,
    'your contacts will see that your identity changed; compare safety numbers with them again.',
    'messages from before the reset cannot be read. make a new recovery key now: recovery-key create',
  ]);
}

/** `restore USERNAME`: a new profile takes over an account whose devices are all lost. */
export async function restore(client: Client, args: CliArgs, out: Output): Promise<void> {
  const username = args.rest[0];
  if (username === undefined || username === '') throw new UsageError('missing USERNAME');
  const password = await readPassword(args.flags.passwordStdin);
  const done = await client.restoreWithRecoveryKey({ username, password, recoveryKey: await readRecoveryKey() });
  out.result(
    { ...done.session, restored: done.restored, refused: done.refused },
    `restored ${done.session.username} on device ${done.session.deviceId}; ${done.restored} key version(s) restored${done.refused > 0 ? `, ${done.refused} backup entr${done.refused === 1 ? 'y' : 'ies'} refused` : ''}`,
  );
}
