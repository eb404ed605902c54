/**
 * Replays test/vectors/key-version-acceptance.json (docs/protocol.md §6.4) from the file alone, as an
 * outside implementation would: each case builds the device's knowledge (its X25519 key, the directory's
 * certificates, the trusted account keys, the current members) into the resolvers of `acceptKeyVersion`;
 * every valid case ends with the stated conversation key and coverage, every invalid case with its code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/common/encoding/bytes';
import type { ConversationId, DeviceId } from '../../src/common/ids';
import { acceptKeyVersion, type AcceptKeyVersionContext } from '../../src/common/protocol/acceptKeyVersion';
import { SignerNotCertifiedError } from '../../src/common/protocol/errors';
import { provider } from './fixtures';

interface VectorDevice {
  deviceId: DeviceId;
  userId: string;
  x25519: { privateKey: string; publicKey: string };
  certificate: unknown;
}
interface Case {
  name: string;
  deviceId: DeviceId;
  version: number;
  fetched: { record: unknown; wrap: unknown; grants: unknown[] };
  allowedMembers: string[] | null;
  conversationId?: ConversationId;
  uncertified?: string[];
  trust?: Record<string, string>;
  coverage?: 'record' | 'grants';
  conversationKey?: string;
  error?: string;
}
interface AcceptanceFile {
  conversationId: ConversationId;
  accounts: Record<string, { publicKey: string }>;
  devices: VectorDevice[];
  members: string[];
  valid: Case[];
  invalid: Case[];
}

const v = JSON.parse(readFileSync(join(__dirname, '..', 'vectors', 'key-version-acceptance.json'), 'utf8')) as AcceptanceFile;
const device = (id: string) => v.devices.find((d) => d.deviceId === id);

/** The device's knowledge in a case, as the resolvers of `acceptKeyVersion`. */
function contextOf(c: Case): AcceptKeyVersionContext {
  const me = device(c.deviceId)!;
  const accountKey = (userId: string) => fromHex(c.trust?.[userId] ?? v.accounts[userId]!.publicKey);
  const known = (id: string) => {
    const d = device(id);
    if (!d) throw new SignerNotCertifiedError(`unknown device ${id}`);
    return d;
  };
  return {
    conversationId: c.conversationId ?? v.conversationId,
    version: c.version,
    device: { deviceId: me.deviceId, x25519PrivateKey: fromHex(me.x25519.privateKey) },
    resolveSigner: async (id) => {
      const d = known(id);
      return { certificate: d.certificate, accountKey: accountKey(d.userId) };
    },
    resolveGranter: async (id) => {
      const d = known(id);
      const memberDevices = (c.fetched.record as { memberDevices?: unknown }).memberDevices;
      const listed = Array.isArray(memberDevices) && memberDevices.includes(id);
      return { certificate: d.certificate, accountKey: accountKey(d.userId), isMember: listed || v.members.includes(d.userId) };
    },
    allowedMembers: async () => (c.allowedMembers === null ? undefined : new Set(c.allowedMembers)),
    memberDevices: async (ids) => {
      const devices = new Map<string, { userId: string }>();
      const failures = new Map<string, { message: string }>();
      for (const id of ids) {
        const d = device(id);
        if (d && !c.uncertified?.includes(id)) devices.set(id, { userId: d.userId });
        else failures.set(id, { message: 'the directory cannot vouch for it' });
      }
      return { devices, failures };
    },
  };
}

describe('key-version-acceptance.json', () => {
  it('has valid and invalid cases', () => {
    expect(v.valid.length).toBeGreaterThan(0);
    expect(v.invalid.length).toBeGreaterThan(0);
  });
  it.each(v.valid)('valid: $name', async (c) => {
    const accepted = await acceptKeyVersion(provider, c.fetched, contextOf(c));
    expect(toHex(accepted.key)).toBe(c.conversationKey);
    expect(accepted.coverage).toBe(c.coverage);
    expect(accepted.record.version).toBe(c.version);
  });
  it.each(v.invalid)('invalid: $name → $error', async (c) => {
    await expect(acceptKeyVersion(provider, c.fetched, contextOf(c))).rejects.toMatchObject({ code: c.error });
  });
  it('the valid answers of one device do not open for another', async () => {
    const [bobs] = v.valid;
    await expect(acceptKeyVersion(provider, bobs!.fetched, contextOf({ ...bobs!, deviceId: 'alice-phone' as DeviceId }))).rejects.toMatchObject({
      code: 'incomplete_wraps',
    });
  });
});
