/**
 * Section "rotation" (docs/benchmarks.md, `rotation`): groups of 10, 100 and 1,000 members x 2 devices, the
 * crypto stages alone (the end-to-end path through the client core is section `rotation_e2e`,
 * rotationE2e.ts), with the real protocol functions on one core:
 *   creator:  createKeyVersionRecord (a new key, one HPKE wrap per member device, Ed25519 signature)
 *             + sealEnvelope of the first message under the new version;
 *   receiver: verifyKeyVersionRecord (certificate + record signature) + unwrap its wrap + openEnvelope.
 * Devices run in parallel in reality, so the crypto critical path is creator + one receiver; the total
 * for every device on one core is printed too.
 */
import { performance } from 'node:perf_hooks';
import { toBase64Url } from '../../src/common/encoding/base64url';
import type { UserId } from '../../src/common/ids';
import { signDeviceCertificate, type DeviceCertificate } from '../../src/common/protocol/deviceCertificate';
import { openEnvelope, sealEnvelope } from '../../src/common/protocol/envelopeSeal';
import { createKeyVersionRecord, unwrapKeyVersionRecord, type KeyVersionRecord } from '../../src/common/protocol/keyVersionRecord';
import { verifyKeyVersionRecord } from '../../src/common/protocol/keyVersionVerify';
import { MeasurementError } from '../lib/errors';
import { CHANNEL, CONVERSATION_ID, makeDevice, provider, textMessage, type BenchDevice } from '../lib/fixtures';
import type { Section, SectionContext, SectionOutcome } from '../lib/section';
import { spreadOf } from '../lib/stats';
import type { Figure } from '../lib/types';

const BUDGET_MS = 1000;

interface Group {
  readonly devices: BenchDevice[];
  readonly creator: BenchDevice;
  readonly accountKey: Uint8Array;
  readonly certificate: DeviceCertificate;
}

async function makeGroup(members: number): Promise<Group> {
  const devices: BenchDevice[] = [];
  for (let i = 0; i < members * 2; i++) devices.push(await makeDevice(i));
  const creator = devices[0] as BenchDevice;
  const account = await provider.ed25519GenerateKeyPair();
  const certificate = await signDeviceCertificate(
    provider,
    {
      v: 1,
      userId: 'bench-user-000001' as UserId,
      deviceId: creator.deviceId,
      deviceName: 'bench creator',
      platform: 'desktop',
      x25519: toBase64Url(creator.x25519.publicKey),
      ed25519: toBase64Url(creator.ed25519.publicKey),
      createdAt: 1_700_000_000_000,
      accountKey: toBase64Url(account.publicKey),
    },
    account.privateKey,
  );
  return { devices, creator, accountKey: account.publicKey, certificate };
}

async function timed<T>(f: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await f();
  return { value, ms: performance.now() - t0 };
}

/** One rotation's crypto: creator work, one receiver's work (median over `sampleDevices`), and every device's. */
async function rotateOnce(g: Group, version: number, sampleDevices: number, allDevices: boolean) {
  const creator = await timed(async () => {
    const { record, conversationKey } = await createKeyVersionRecord(provider, {
      conversationId: CONVERSATION_ID,
      version,
      createdAt: Date.now(),
      createdByDevice: g.creator.deviceId,
      signingPrivateKey: g.creator.ed25519.privateKey,
      recipients: g.devices.map((d) => ({ deviceId: d.deviceId, x25519PublicKey: d.x25519.publicKey })),
    });
    const envelope = await sealEnvelope(provider, {
      conversationId: CONVERSATION_ID,
      keyVersion: version,
      key: conversationKey,
      senderDevice: g.creator.deviceId,
      signingPrivateKey: g.creator.ed25519.privateKey,
      plaintext: textMessage(200, version),
      channel: CHANNEL,
    });
    return { record: JSON.parse(JSON.stringify(record)) as KeyVersionRecord, wire: JSON.parse(JSON.stringify(envelope)) as unknown };
  });
  const { record, wire } = creator.value;
  const receive = (d: BenchDevice) =>
    timed(async () => {
      const verified = await verifyKeyVersionRecord(provider, record, {
        conversationId: CONVERSATION_ID,
        signerCertificate: g.certificate,
        signerAccountKey: g.accountKey,
        version,
      });
      const key = await unwrapKeyVersionRecord(provider, verified, {
        deviceId: d.deviceId,
        x25519PrivateKey: d.x25519.privateKey,
        x25519PublicKey: d.x25519.publicKey,
      });
      const opened = await openEnvelope(provider, wire, {
        conversationId: CONVERSATION_ID,
        keyForVersion: (v) => (v === version ? key : undefined),
        memberSigningKey: (id) => (id === g.creator.deviceId ? g.creator.ed25519.publicKey : undefined),
      });
      if (opened.message.id !== textMessage(200, version).id) throw new MeasurementError('a member decrypted the wrong message');
    });
  const step = Math.max(1, Math.floor(g.devices.length / sampleDevices));
  const receivers: number[] = [];
  for (let i = 0; i < g.devices.length && receivers.length < sampleDevices; i += step) receivers.push((await receive(g.devices[i] as BenchDevice)).ms);
  let allMs: number | undefined;
  if (allDevices) {
    const t0 = performance.now();
    for (const d of g.devices) await receive(d);
    allMs = performance.now() - t0;
  }
  return { creatorMs: creator.ms, receiverMs: spreadOf(receivers).median, allMs, recordBytes: JSON.stringify(record).length };
}

export const rotationSection: Section = {
  id: 'rotation',
  title: 'Rotation (10 / 100 / 1,000 members x 2 devices)',
  timeoutMs: 120_000,
  async run(ctx: SectionContext): Promise<SectionOutcome> {
    const figures: Figure[] = [];
    const sizes = ctx.quick ? [10, 100] : [10, 100, 1000];
    for (const members of sizes) {
      ctx.log(`rotation: ${members} x 2`);
      const g = await makeGroup(members);
      const rounds = members >= 1000 ? 3 : 5;
      const runs = [];
      await rotateOnce(g, 1, 3, false);
      for (let r = 0; r < rounds; r++) runs.push(await rotateOnce(g, r + 2, 9, r === 0 && members < 1000));
      const p = `${members}x2`;
      const creator = spreadOf(runs.map((x) => x.creatorMs));
      const receiver = spreadOf(runs.map((x) => x.receiverMs));
      const path = spreadOf(runs.map((x) => x.creatorMs + x.receiverMs));
      figures.push(
        {
          id: `${p}.creator_ms`,
          label: `${members} x 2: creator — new key, ${members * 2} wraps, sign record, seal first message`,
          unit: 'ms',
          value: creator,
        },
        { id: `${p}.receiver_ms`, label: `${members} x 2: one member device — verify record, unwrap, open first message`, unit: 'ms', value: receiver },
        {
          id: `${p}.crypto_path_ms`,
          label: `${members} x 2: crypto critical path (creator + one receiver)`,
          unit: 'ms',
          value: path,
          note: `${((path.median / BUDGET_MS) * 100).toFixed(0)} % of the 1 s end-to-end budget`,
        },
        ...(members < 1000
          ? [
              {
                id: `${p}.all_devices_ms`,
                label: `${members} x 2: every device's receive work on one core`,
                unit: 'ms',
                value: spreadOf(runs.flatMap((x) => (x.allMs === undefined ? [] : [x.allMs]))),
              },
            ]
          : []),
        { id: `${p}.record_kib`, label: `${members} x 2: key-version record size (JSON)`, unit: 'KiB', value: spreadOf(runs.map((x) => x.recordBytes / 1024)) },
      );
    }
    return {
      status: 'measured',
      figures,
      notes: [
        'The end-to-end figure and its target are in the section "rotation_e2e"; this section isolates the crypto.',
        'Real protocol functions (createKeyVersionRecord, verifyKeyVersionRecord, unwrapKeyVersionRecord, sealEnvelope, openEnvelope) on the Node provider, one core; the record and envelope go through JSON as on the wire.',
        'Every device receiving on one core is timed for 10 and 100 members only: at 1,000 x 2 it is 2,000 times the receiver figure (tens of seconds), work that real devices do in parallel.',
        'Medians over 5 rotations (3 at 1,000 x 2) after one warm-up rotation; receiver figure = median over 9 devices spread across the group.',
        ...(ctx.quick ? ['Quick run: the 1,000-member group is skipped.'] : []),
      ],
    };
  },
};
