/**
 * Account and device commands (docs/client.md, "CLI"): register, login, whoami, link-device, approve-device,
 * devices, revoke-device, sessions (list, end one, end every other) and password.
 */
import QRCode from 'qrcode';
import type { DeviceId } from '../../common/ids';
import type { Client } from '../../client';
import type { CliArgs } from '../args';
import { DeclinedError, UsageError } from '../errors';
import { formatTime, type Output } from '../output';
import { SsoError, runSsoFlow } from '../../node/sso/ssoFlow';
import { askYesNo, readPassword, readPasswordChange, readPastedLine } from '../prompt';

function need(value: string | undefined, what: string): string {
  if (value === undefined || value === '') throw new UsageError(`missing ${what}`);
  return value;
}

export async function register(client: Client, args: CliArgs, out: Output): Promise<void> {
  const username = need(args.rest[0], 'USERNAME');
  const password = await readPassword(args.flags.passwordStdin);
  const s = await client.register({ username, password, ...(args.flags.displayName ? { displayName: args.flags.displayName } : {}) });
  out.result(s, `registered ${s.username} (user ${s.userId}); this device is ${s.deviceId}`);
}

export async function login(client: Client, args: CliArgs, out: Output): Promise<void> {
  if (args.flags.sso) return loginWithSso(client, args, out);
  const username = need(args.rest[0], 'USERNAME');
  const s = await client.login({ username, password: await readPassword(args.flags.passwordStdin) });
  out.result(s, `signed in as ${s.username} on device ${s.deviceId}`);
}

export async function whoami(client: Client, _args: CliArgs, out: Output): Promise<void> {
  const s = client.session();
  out.result(s, `${s.username} (user ${s.userId}) on device ${s.deviceId} "${s.deviceName}"`);
}

/**
 * `login --sso`: the organisation's OpenID provider, as the desktop signs in (src/node/sso/ssoFlow.ts). The
 * CLI prints the address to open; a browser on this machine answers on the loopback listener; a browser
 * elsewhere (an SSH session) ends on an address the person pastes here. Then as the desktop: this
 * profile's device, a first device, or a device link to approve on another device.
 */
async function loginWithSso(client: Client, args: CliArgs, out: Output): Promise<void> {
  if (args.rest.length > 0) throw new UsageError('login --sso takes no USERNAME: the company sign-in says who you are');
  const options = await client.signInOptions();
  if (options.oidc === null || !options.methods.includes('oidc'))
    throw new SsoError('sso_not_configured', 'Your organisation has not set up company sign-in on this server. Ask your IT administrator.');
  const pasted = readPastedLine();
  let token;
  try {
    token = await runSsoFlow(options.oidc, {
      openBrowser: async (url) => {
        if (args.json) out.result({ event: 'authorize', url }, '');
        else {
          out.note(`To sign in with ${options.oidc?.displayName ?? 'your company account'}, open this address in a browser:`);
          out.note(`  ${url}`);
          out.note('If the browser runs on another computer, paste here the address it ends on after you sign in:');
        }
      },
      pasted: pasted.line,
    });
  } finally {
    pasted.stop();
  }
  const outcome = await client.signInWithSso(token);
  if (outcome.kind === 'signedIn') {
    out.result(outcome.session, `signed in as ${outcome.session.username} on device ${outcome.session.deviceId}`);
    return;
  }
  if (args.json) out.result({ event: 'offer', ...outcome.offer }, '');
  else {
    out.note(`link code: ${outcome.offer.code}`);
    out.note('this account has devices already: approve this one on one of them with  npm run cli -- approve-device <code>');
  }
  const s = await outcome.waitUntilLinked((code) => {
    if (args.json) out.result({ event: 'confirm', confirmationCode: code }, '');
    else out.note(`confirmation code: ${code}  — approve only if the other device shows the same code`);
  });
  out.result({ event: 'linked', ...s }, `linked: this device is ${s.deviceId}`);
}

export async function linkDevice(client: Client, args: CliArgs, out: Output): Promise<void> {
  const username = need(args.rest[0], 'USERNAME');
  const { offer, waitUntilLinked } = await client.startDeviceLink({ username, password: await readPassword(args.flags.passwordStdin) });
  if (args.json) out.result({ event: 'offer', ...offer }, '');
  else {
    out.note(await QRCode.toString(offer.qrPayload, { type: 'terminal', small: true }));
    out.note(`link code: ${offer.code}`);
    out.note(`on a device already signed in as ${username}, run:  npm run cli -- approve-device ${offer.code}`);
    out.note('waiting for approval...');
  }
  const s = await waitUntilLinked((code) => {
    if (args.json) out.result({ event: 'confirm', confirmationCode: code }, '');
    else out.note(`confirmation code: ${code}  — approve only if the other device shows the same code`);
  });
  out.result({ event: 'linked', ...s }, `linked: this device is ${s.deviceId}; history is being re-wrapped by the approving device`);
}

export async function approveDevice(client: Client, args: CliArgs, out: Output): Promise<void> {
  const claim = await client.claimDeviceLink(need(args.rest[0], 'the link code or QR payload'));
  out.note(`new device "${claim.newDevice.name}" (${claim.newDevice.platform}, ${claim.newDevice.deviceId})`);
  out.note(`confirmation code: ${claim.confirmationCode}`);
  let ok: boolean;
  if (args.flags.confirm !== undefined) ok = args.flags.confirm.replace(/\s/g, '') === claim.confirmationCode.replace(/\s/g, '');
  else ok = await askYesNo('Does the new device show the same confirmation code?');
  if (!ok) throw new DeclinedError('the confirmation codes were not confirmed to match; the device was not approved');
  out.note('approved; waiting for the new device to register, then re-wrapping history...');
  const done = await client.approveDeviceLink(claim.linkId);
  out.result(done, `linked device ${done.deviceId}; ${done.wrapsAdded} key versions re-wrapped for it`);
}

export async function devices(client: Client, _args: CliArgs, out: Output): Promise<void> {
  const list = await client.devices();
  out.result(
    list,
    list.map(
      (d) =>
        `${d.current ? '*' : ' '} ${d.deviceId}  ${d.name} (${d.platform}, added ${formatTime(d.createdAt)}${d.revokedAt === null ? '' : `, revoked ${formatTime(d.revokedAt)}`})`,
    ),
  );
}

export async function revokeDevice(client: Client, args: CliArgs, out: Output): Promise<void> {
  const deviceId = need(args.rest[0], 'DEVICE_ID') as DeviceId;
  if (deviceId === client.session().deviceId) throw new UsageError('this is the current device; revoke it from another one');
  const r = await client.revokeDevice(deviceId);
  out.result({ deviceId, ...r }, `revoked ${deviceId}; rotated ${r.rotated.length} conversation(s)`);
}

/** `sessions` lists the account's live sessions; `sessions end ID` ends one; `sessions end-others` ends all but this device's. */
export async function sessions(client: Client, args: CliArgs, out: Output): Promise<void> {
  const [sub, id] = args.rest;
  if (sub === undefined) {
    const list = await client.sessions();
    out.result(
      list,
      list.map(
        (s) =>
          `${s.current ? '*' : ' '} ${s.sessionId}  ${s.kind === 'password' ? 'password only (no device)' : `device ${s.deviceName ?? s.deviceId ?? '?'}`}  signed in ${formatTime(s.createdAt)}, last active ${formatTime(s.lastUsedAt)}`,
      ),
    );
    return;
  }
  if (sub === 'end') {
    const sessionId = need(id, 'SESSION_ID');
    await client.endSession(sessionId);
    out.result({ ended: sessionId }, `ended session ${sessionId}`);
    return;
  }
  if (sub === 'end-others') {
    const endedSessions = await client.endOtherSessions();
    out.result({ endedSessions }, `ended ${endedSessions} other session(s); your other devices sign in again by themselves`);
    return;
  }
  throw new UsageError(`unknown sessions subcommand ${JSON.stringify(sub)}; use: sessions, sessions end SESSION_ID, sessions end-others`);
}

/** `password`: changes the account password; every other session ends. */
export async function password(client: Client, args: CliArgs, out: Output): Promise<void> {
  client.session();
  const { current, next } = await readPasswordChange(args.flags.passwordStdin);
  const endedSessions = await client.changePassword(current, next);
  out.result({ endedSessions }, `password changed; ended ${endedSessions} other session(s)`);
}
