/**
 * Replays test/vectors/server-key-wraps.json (docs/protocol.md §19.4) from its recorded inputs: every valid
 * case reproduces info, aad and the wrap from the fixed ephemeral key and opens to its key; every invalid
 * case fails with its code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/common/encoding/bytes';
import type { DeviceId } from '../../src/common/ids';
import { wrapInfo, type KeyWrap } from '../../src/common/protocol/keyWrap';
import { openServerKeyWrap, sealServerKeyWrap, serverKeyWrapAad } from '../../src/common/protocol/serverKeyWrap';
import { provider } from './fixtures';

interface Pair {
  privateKey: string;
  publicKey: string;
}
interface Case {
  name: string;
  conversationId: string;
  version: number;
  deviceId: DeviceId;
  recipient: Pair;
  ephemeral?: Pair;
  key?: string;
  info?: string;
  aad?: string;
  wrap: KeyWrap;
  error?: string;
}
const file = JSON.parse(readFileSync(join(__dirname, '..', 'vectors', 'server-key-wraps.json'), 'utf8')) as { valid: Case[]; invalid: Case[] };
const pair = (p: Pair) => ({ privateKey: fromHex(p.privateKey), publicKey: fromHex(p.publicKey) });

describe('server-key-wraps.json', () => {
  it('has valid and invalid cases', () => {
    expect(file.valid.length).toBeGreaterThan(0);
    expect(file.invalid.length).toBeGreaterThan(0);
  });
  it.each(file.valid)('valid: $name', async (c) => {
    expect(toHex(wrapInfo('conversation', c.conversationId, c.version))).toBe(c.info);
    expect(toHex(serverKeyWrapAad(c.deviceId))).toBe(c.aad);
    const wrap = await sealServerKeyWrap(provider, {
      conversationId: c.conversationId,
      version: c.version,
      recipientDeviceId: c.deviceId,
      recipientPublicKey: fromHex(c.recipient.publicKey),
      key: fromHex(c.key!),
      ephemeral: pair(c.ephemeral!),
    });
    expect(wrap).toEqual(c.wrap);
    const key = await openServerKeyWrap(provider, { ...c, privateKey: fromHex(c.recipient.privateKey) });
    expect(toHex(key)).toBe(c.key);
  });
  it.each(file.invalid)('invalid: $name → $error', async (c) => {
    await expect(openServerKeyWrap(provider, { ...c, privateKey: fromHex(c.recipient.privateKey) })).rejects.toMatchObject({ code: c.error });
  });
});
