/**
 * `verify USER` (safety numbers: docs/protocol.md §10): shows the safety number and its QR code; `--scan QR`
 * verifies against the other side's QR payload, `--mark` marks verified after comparing the digits by
 * eye, `--acknowledge` accepts a changed identity key so sending is allowed again.
 */
import QRCode from 'qrcode';
import type { Client } from '../../client';
import type { CliArgs } from '../args';
import type { Output } from '../output';
import { userIdOf } from '../resolve';

export async function verify(client: Client, args: CliArgs, out: Output): Promise<void> {
  const userId = await userIdOf(client, args.rest[0]);
  let trust;
  if (args.flags.acknowledge) trust = await client.acknowledgeIdentityChange(userId);
  else if (args.flags.scan !== undefined) trust = await client.verifyContact(userId, args.flags.scan);
  else if (args.flags.mark) trust = await client.verifyContact(userId);
  else trust = await client.contactTrust(userId);
  if (!args.json) out.note(await QRCode.toString(trust.qrPayload, { type: 'terminal', small: true }));
  const state = trust.state === 'changed' ? 'CHANGED — their identity key is not the one you pinned; sending to them is blocked' : trust.state;
  out.result(trust, [`safety number with ${args.rest[0] ?? userId}:`, `  ${trust.safetyNumber}`, `state: ${state}`, `QR payload: ${trust.qrPayload}`]);
}
