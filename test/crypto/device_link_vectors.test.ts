/**
 * Replays test/vectors/device-links.json (docs/protocol.md §14) from the file alone: every derivation is
 * rebuilt byte for byte — fingerprint input and digest, QR payload, confirmation input, digest and code,
 * the sealed payload from its fixed ephemeral key — and the payload opens to the account key; what a
 * person types or scans parses as stated; every invalid payload, input, scan and substituted key fails
 * with its code (`link_invalid`, `link_mismatch`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/common/encoding/bytes';
import { utf8Encode } from '../../src/common/encoding/utf8';
import { linkFingerprint, linkFingerprintInput, linkQrPayload, parseLinkInput, type LinkingDeviceKeys } from '../../src/common/protocol/deviceLinkCode';
import { confirmationCode, confirmationInput } from '../../src/common/protocol/deviceLinkConfirmation';
import { linkPayloadAad, linkPayloadInfo, linkPayloadPlaintext, openLinkPayload, sealLinkPayload } from '../../src/common/protocol/deviceLinkPayload';
import { DeviceLinkError } from '../../src/common/protocol/errors';
import { DeviceLinkError as ClientDeviceLinkError } from '../../src/client/errors';
import { provider } from './fixtures';

type Pair = { privateKey: string; publicKey: string };
interface ValidLink {
  name: string;
  linkId: string;
  code: string;
  newDevice: { deviceId: string; x25519: Pair; ed25519: Pair; keys: LinkingDeviceKeys };
  fingerprint: { input: string; sha256: string; value: string };
  qrPayload: string;
  confirmation: { input: string; sha256: string; code: string };
  payload: { ephemeral: Pair; info: string; aad: string; plaintext: string; enc: string; ct: string };
}
interface LinkFile {
  account: { publicKey: string; privateKey: string };
  approver: { deviceId: string; keys: { deviceId: string; ed25519: string } };
  valid: ValidLink[];
  inputs: { valid: { input: string; code: string; fingerprint?: string }[]; invalid: { input: string; error: string }[] };
  invalid: {
    payloads: { name: string; linkId: string; deviceId: string; x25519PrivateKey: string; payload: unknown; error: string }[];
    scans: { name: string; input: string; returnedKeys: LinkingDeviceKeys; returnedFingerprint: string; error: string }[];
    confirmations: {
      name: string;
      linkId: string;
      newDevice: LinkingDeviceKeys;
      newDeviceShows: string;
      approverSaw: LinkingDeviceKeys;
      approverShows: string;
      error: string;
    }[];
  };
}

const v = JSON.parse(readFileSync(join(__dirname, '..', 'vectors', 'device-links.json'), 'utf8')) as LinkFile;
const pair = (p: Pair) => ({ privateKey: fromHex(p.privateKey), publicKey: fromHex(p.publicKey) });

describe('device-links.json', () => {
  it.each(v.valid)('valid: $name', async (c) => {
    const keys = c.newDevice.keys;
    expect(toHex(linkFingerprintInput(keys))).toBe(c.fingerprint.input);
    expect(toHex(await provider.sha256(fromHex(c.fingerprint.input)))).toBe(c.fingerprint.sha256);
    expect(await linkFingerprint(provider, keys)).toBe(c.fingerprint.value);
    expect(await linkQrPayload(provider, c.code, keys)).toBe(c.qrPayload);

    expect(toHex(confirmationInput(c.linkId, keys, v.approver.keys))).toBe(c.confirmation.input);
    expect(toHex(await provider.sha256(fromHex(c.confirmation.input)))).toBe(c.confirmation.sha256);
    expect(await confirmationCode(provider, c.linkId, keys, v.approver.keys)).toBe(c.confirmation.code);
    expect(c.confirmation.code).toMatch(/^\d{3} \d{3}$/);

    const account = fromHex(v.account.privateKey);
    expect(toHex(linkPayloadInfo(c.linkId))).toBe(c.payload.info);
    expect(toHex(linkPayloadAad(c.newDevice.deviceId))).toBe(c.payload.aad);
    expect(linkPayloadPlaintext(account)).toEqual(utf8Encode(c.payload.plaintext));
    const sealed = await sealLinkPayload(provider, c.linkId, keys, account, pair(c.payload.ephemeral));
    expect(sealed).toEqual({ enc: c.payload.enc, ct: c.payload.ct });
    const opened = await openLinkPayload(
      provider,
      c.linkId,
      { deviceId: c.newDevice.deviceId, x25519PrivateKey: fromHex(c.newDevice.x25519.privateKey) },
      sealed,
    );
    expect(toHex(opened)).toBe(v.account.privateKey);
    expect(toHex(await provider.ed25519PublicKey(opened))).toBe(v.account.publicKey);
  });

  it.each(v.inputs.valid)('input $input', ({ input, code, fingerprint }) => {
    expect(parseLinkInput(input)).toEqual(fingerprint === undefined ? { code } : { code, fingerprint });
  });

  it.each(v.inputs.invalid)('invalid input $input → $error', ({ input, error }) => {
    expect(() => parseLinkInput(input)).toThrow(expect.objectContaining({ code: error }));
  });

  it.each(v.invalid.payloads)('invalid payload: $name → $error', async (c) => {
    const opening = openLinkPayload(provider, c.linkId, { deviceId: c.deviceId, x25519PrivateKey: fromHex(c.x25519PrivateKey) }, c.payload);
    await expect(opening).rejects.toMatchObject({ code: c.error });
    await expect(opening).rejects.toBeInstanceOf(DeviceLinkError);
  });

  it.each(v.invalid.scans)('invalid scan: $name → $error', async (c) => {
    const scanned = parseLinkInput(c.input);
    expect(await linkFingerprint(provider, c.returnedKeys)).toBe(c.returnedFingerprint);
    expect(scanned.fingerprint).toBeDefined();
    expect(scanned.fingerprint).not.toBe(c.returnedFingerprint);
    expect(c.error).toBe('link_mismatch');
  });

  it.each(v.invalid.confirmations)('invalid confirmation: $name → $error', async (c) => {
    expect(await confirmationCode(provider, c.linkId, c.newDevice, v.approver.keys)).toBe(c.newDeviceShows);
    expect(await confirmationCode(provider, c.linkId, c.approverSaw, v.approver.keys)).toBe(c.approverShows);
    expect(c.approverShows).not.toBe(c.newDeviceShows);
    expect(c.error).toBe('link_mismatch');
  });

  it('the client and the protocol raise one error class with the same codes', () => {
    expect(ClientDeviceLinkError).toBe(DeviceLinkError);
    const err = new DeviceLinkError('link_invalid', 'x');
    expect(err).toMatchObject({ code: 'link_invalid', name: 'DeviceLinkError' });
  });
});
