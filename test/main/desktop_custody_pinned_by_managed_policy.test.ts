/**
 * Key custody pinned by the organisation's managed policy (docs/deployment.md §2 `custodyMode`,
 * `escrowRecipientFingerprint`; docs/protocol.md §19.3, §19.4), on the desktop: real handlers, client core,
 * key service (switched by the admin CLI, local KMS) and relay of one embedded local stack, the real keychain.
 *
 * - IT pre-accepts server-trusted custody (`custodyMode: server-trusted`): the device takes server-made keys
 *   without asking its user, and reads.
 * - A policy naming another mode refuses them: accepting is refused with `server_key_refused` and a sentence,
 *   the status says `refused` and names the mismatch, no key is fetched (no KMS use for that device).
 * - A key service that turns on escrow for a device whose policy names zero-trust gets no escrow wrap:
 *   rotating is refused (`custody_mode_mismatch`, a sentence), no version is made, no rotation starts by itself.
 * - A policy-pinned recovery key fingerprint other than the one the key service names is refused
 *   (`escrow_recipient_changed`), and cannot be accepted from the app.
 * - A device without a managed policy still asks (server-trusted) and trusts on first use (escrow).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergePolicyLayers } from '../../src/common/policy/merge';
import { createPolicyHolder } from '../../src/main/services/policyHolder';
import { runAdmin } from '../../src/server/adminCli';
import { openDatabase } from '../../src/server/index';
import { desktopProfiles, type DesktopProfile } from './desktopProfiles';

const world = desktopProfiles('seed-custody-policy');
const password = 'correct horse battery';
const keyServiceDir = () => join(world.home, 'local-stack', 'keyservice');
const admin = (...args: string[]) => runAdmin(['--data', keyServiceDir(), 'custody', ...args], {}, 'cli:it-one') as Promise<Record<string, unknown>>;
const message = (body: string) => ({ id: randomBytes(16).toString('base64url'), sentAt: Date.now(), type: 'string', body });
/** A sentence for a person: no error code, no identifier syntax. */
const SENTENCE = /^[A-Z][^_]*[a-z ,'.()-]+$/i;

async function kmsUsesBy(deviceId: string): Promise<number> {
  const db = openDatabase({ dataDir: keyServiceDir() });
  try {
    return (await db.all('SELECT id FROM kms_audit WHERE actor = ?', [`device:${deviceId}`])).length;
  } finally {
    await db.close();
  }
}

async function managed(name: string, policy: Record<string, unknown> | null): Promise<DesktopProfile & { userId: string; deviceId: string }> {
  const p = await world.profile(name, policy === null ? {} : { policy: await createPolicyHolder(async () => mergePolicyLayers({ machine: policy })) });
  const s = (await p.call('register', { username: `${name}${world.suffix}`, displayName: name, password, deviceName: `${name} laptop` })) as {
    user: { userId: string };
    deviceId: string;
  };
  return Object.assign(p, { userId: s.user.userId, deviceId: s.deviceId });
}

async function openUntilSettled(p: DesktopProfile, id: string, envelope: unknown, tries = 100): Promise<{ kind: string; plaintext?: { body: string } }> {
  let opened = (await p.call('openMessage', id, envelope)) as { kind: string; plaintext?: { body: string } };
  for (let i = 0; opened.kind === 'pending' && i < tries; i += 1) {
    await new Promise((r) => setTimeout(r, 20));
    opened = (await p.call('openMessage', id, envelope)) as { kind: string; plaintext?: { body: string } };
  }
  return opened;
}

const keyVersion = async (p: DesktopProfile, id: string) =>
  ((await p.call('listConversations')) as { conversationId: string; keyVersion: number }[]).find((c) => c.conversationId === id)!.keyVersion;

let alice: Awaited<ReturnType<typeof managed>>;
let bob: Awaited<ReturnType<typeof managed>>;
let carol: Awaited<ReturnType<typeof managed>>;
let erin: Awaited<ReturnType<typeof managed>>;

beforeAll(async () => {
  alice = await managed('alice', { custodyMode: 'server-trusted' });
  bob = await managed('bob', { custodyMode: 'zero-trust' });
  carol = await managed('carol', null);
  // Erin's organisation pins a recovery key the key service will not name.
  erin = await managed('erin', { custodyMode: 'escrow', escrowRecipientFingerprint: 'A'.repeat(43) });
}, 120_000);

afterAll(() => world.closeAll());

describe('key custody pinned by managed policy', () => {
  it(
    'server-trusted: pre-accepted by policy it reads; a policy naming zero-trust refuses with a sentence and fetches nothing',
    { timeout: 120_000 },
    async () => {
      expect(await alice.call('policy')).toMatchObject({ values: { custodyMode: 'server-trusted', escrowRecipientFingerprint: null } });
      const id = (
        (await alice.call('createConversation', { kind: 'group', name: 'Plans', memberUserIds: [bob.userId, carol.userId], historyPolicy: 'shared' })) as {
          conversationId: string;
        }
      ).conversationId;
      await admin('server-trusted', '--reason', 'internal tool policy');

      // Alice's IT accepted for her: nothing to ask, she sends under a key the key service makes.
      expect(await alice.call('custodyStatus')).toEqual({
        mode: 'server-trusted',
        fingerprint: null,
        recipientChanged: null,
        managed: true,
        serverKeys: 'accepted',
        policyMismatch: null,
      });
      const envelope = (await alice.call('sealMessage', id, message('under a server-made key'))) as { keyVersion: number };
      expect(envelope.keyVersion).toBe(2);

      // Carol has no managed policy: asked, and reads once she accepts.
      expect(await carol.call('custodyStatus')).toMatchObject({ serverKeys: 'ask', managed: false, policyMismatch: null });
      expect(await carol.call('acceptServerKeys')).toMatchObject({ serverKeys: 'accepted' });
      expect(await openUntilSettled(carol, id, envelope)).toMatchObject({ kind: 'ok', plaintext: { body: 'under a server-made key' } });

      // Bob's policy names zero-trust: refused, said in a sentence, and no key is fetched for him.
      expect(await bob.call('custodyStatus')).toMatchObject({
        mode: 'server-trusted',
        serverKeys: 'refused',
        managed: true,
        policyMismatch: { policy: 'zero-trust', served: 'server-trusted' },
      });
      const refusal = (await bob.call('acceptServerKeys').catch((e: unknown) => e)) as { code: string; message: string };
      expect(refusal.code).toBe('server_key_refused');
      expect(refusal.message).toMatch(SENTENCE);
      expect(refusal.message).toContain("your organisation's policy on this device");
      expect(await openUntilSettled(bob, id, envelope, 25)).toMatchObject({ kind: 'pending' });
      expect(await kmsUsesBy(bob.deviceId)).toBe(0);
      await expect(bob.call('rotateKey', id)).rejects.toMatchObject({ code: 'server_key_refused' });
      expect(await keyVersion(alice, id)).toBe(2);
    },
  );

  it(
    'escrow: a zero-trust policy gets no escrow wrap, a pinned recovery key is never swapped; without a policy it is trusted on first use',
    { timeout: 120_000 },
    async () => {
      const id = (
        (await carol.call('createConversation', { kind: 'group', name: 'Audit', memberUserIds: [bob.userId, erin.userId], historyPolicy: 'shared' })) as {
          conversationId: string;
        }
      ).conversationId;
      const enabled = (await admin('escrow', '--reason', 'legal hold, ticket 7')) as { recipient: { fingerprint: string } };
      const served = enabled.recipient.fingerprint;
      const before = await keyVersion(carol, id);

      // Bob's policy names zero-trust: the key service cannot turn escrow on for him.
      expect(await bob.call('custodyStatus')).toMatchObject({ mode: 'escrow', managed: true, policyMismatch: { policy: 'zero-trust', served: 'escrow' } });
      const mismatch = (await bob.call('rotateKey', id).catch((e: unknown) => e)) as { code: string; message: string };
      expect(mismatch.code).toBe('custody_mode_mismatch');
      expect(mismatch.message).toMatch(SENTENCE);
      expect(mismatch.message).toContain('ask your IT department');
      expect(await keyVersion(carol, id), 'no version was made').toBe(before);

      // Erin's policy pins another recovery key: refused, and not acceptable from the app.
      expect(await erin.call('custodyStatus')).toMatchObject({
        mode: 'escrow',
        managed: true,
        recipientChanged: { pinned: 'A'.repeat(43), served },
        policyMismatch: null,
      });
      await expect(erin.call('acceptEscrowRecipient', served)).rejects.toMatchObject({ code: 'escrow_recipient_changed' });
      await expect(erin.call('rotateKey', id)).rejects.toMatchObject({ code: 'escrow_recipient_changed' });
      expect(await keyVersion(carol, id)).toBe(before);

      // Carol has no policy: she trusts the recipient on first use and rotates with its wrap.
      expect(await carol.call('custodyStatus')).toMatchObject({ mode: 'escrow', fingerprint: served, managed: false, policyMismatch: null });
      await expect.poll(() => keyVersion(carol, id), { timeout: 20_000 }).toBeGreaterThan(before);
    },
  );
});
