/**
 * Recovery-key commands (docs/client.md "CLI", docs/protocol.md §18): `recovery-key create|rotate` prints the
 * new key once (write it down; it is kept nowhere), `recovery-key verify` checks a key against the account's
 * backup, and `restore USERNAME` signs a NEW profile in with the password and the recovery key after every
 * device of the account is lost. The key comes from $SEED_RECOVERY_KEY or a prompt that does not echo.
 * `recovery-key reset USERNAME --yes-i-lost-my-recovery-key` is the last resort when the recovery key is
 * lost too (§18.9): a NEW account identity on a new profile, only with that flag — at once when no device
 * of the account is signed in, else after a waiting period: `recovery-key reset-status` shows it (on the
 * waiting profile: the time left; on a signed-in device: the request), `recovery-key reset-finish` finishes
 * it once the period is over, and `recovery-key reset-cancel` on a signed-in device cancels it.
 */
import type { AccountResetRequest, Client, SessionInfo } from '../../client';
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
  if (sub === 'reset-status') {
    const request = await client.accountResetRequest();
    out.result({ request }, describeRequest(request));
    return;
  }
  if (sub === 'reset-cancel') {
    const request = await client.cancelAccountReset();
    out.result({ request }, 'the reset of your account was cancelled: it will not happen. Change your password now if you did not ask for it: password');
    return;
  }
  if (sub === 'reset-finish') {
    resetDone(await client.finishAccountReset(), out);
    return;
  }
  throw new UsageError(
    `unknown recovery-key subcommand ${JSON.stringify(sub ?? '')}; use: recovery-key create, recovery-key rotate, recovery-key verify, recovery-key reset, ` +
      'recovery-key reset-status, recovery-key reset-finish, recovery-key reset-cancel',
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
  const outcome = await client.resetAccount({ username, password });
  if (outcome.state === 'reset') {
    resetDone(outcome.session, out);
    return;
  }
  out.result({ state: 'waiting', request: outcome.request }, [
    `reset of ${username} requested: a device of the account is still signed in, so it waits until ${when(outcome.request.finishesAt)}.`,
    'that device is told and can cancel it. If it is not cancelled, finish it then on this profile: recovery-key reset-finish',
  ]);
}

function resetDone(session: SessionInfo, out: Output): void {
  out.result(session, [
    `reset ${session.username}: a new identity on device ${session.deviceId}.`,
    'your contacts will see that your identity changed; compare safety numbers with them again.',
    'messages from before the reset cannot be read. make a new recovery key now: recovery-key create',
  ]);
}

const when = (ms: number) => new Date(ms).toISOString();

function describeRequest(request: AccountResetRequest | null): string {
  if (request === null) return 'no reset of this account waits';
  if (request.state === 'cancelled') return `the reset requested on ${when(request.requestedAt)} was cancelled by a signed-in device: it will not happen`;
  const from = `from a new ${request.platform} device named ${JSON.stringify(request.deviceName)} (address ${request.address})`;
  return request.requestedHere
    ? `your reset will finish on ${when(request.finishesAt)} unless a signed-in device cancels it; then run: recovery-key reset-finish`
    : `a reset of your account was requested on ${when(request.requestedAt)} ${from}; it finishes on ${when(request.finishesAt)}. ` +
        "If this wasn't you, cancel it (recovery-key reset-cancel) and change your password.";
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
