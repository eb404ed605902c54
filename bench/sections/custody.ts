/**
 * Section "custody" (issue [custody]; docs/benchmarks.md): what the organisation's escrow and server-trusted
 * modes cost next to zero-trust, in the same run, and how often the KMS is asked.
 *   rotate_ms  — `Client.rotate` of a group of N members x 2 devices by its creator (look up the member
 *                devices, new key, one HPKE wrap per device and, in escrow mode, one for the organisation's
 *                recipient, signature, upload, the key service's checks — in escrow mode also that the
 *                escrow wrap names the current recipient — until it accepted the version); zero-trust
 *                rounds first, then the admin switches the organisation to escrow (`admin custody escrow`),
 *                one untimed rotation picks the mode up, then the escrow rounds.
 *   KMS uses   — rows the key service's KMS audit gained: during the escrow rotations (the clients wrap to
 *                the recipient's public key; nothing is unsealed), and for one two-admin export of the
 *                conversation (the recipient unsealed once).
 * The other members are accounts with two certified devices each (registerAccounts), not running clients:
 * a rotation by the creator does not wait for them.
 * Then the admin switches to server-trusted (`admin custody server-trusted`), the creator accepts
 * server-managed keys, and the same rotation is timed with the key service making each version (one KMS
 * GenerateDataKey, no client wraps, docs/protocol.md §19.4), with its KMS uses per rotation.
 */
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ConversationId } from '../../src/common/ids';
import { KeyServiceApi, proveDevice } from '../../src/client';
import { runAdmin } from '../../src/server/adminCli';
import { createMembers, PUB, registerAccounts, SECRET, startCoreWorld, SUB, type CoreWorld } from '../lib/coreWorld';
import { MeasurementError } from '../lib/errors';
import { provider } from '../lib/fixtures';
import type { Section, SectionContext, SectionOutcome } from '../lib/section';
import { spreadOf } from '../lib/stats';
import type { Figure } from '../lib/types';

const MEMBERS = 1000;
const QUICK_MEMBERS = 100;
/** Fetches of each server-made version by a member device (`server_key_fetch_ms`). */
const FETCH_ROUNDS = 10;

/** `admin custody …` against the world's store, as `actor`. */
function custody(world: CoreWorld, actor: string) {
  const env = { ...process.env, PUBNUB_ORIGIN: world.relay.origin, PUBNUB_SECRET_KEY: SECRET, PUBNUB_PUBLISH_KEY: PUB, PUBNUB_SUBSCRIBE_KEY: SUB };
  return <T>(...args: string[]): Promise<T> => runAdmin(['--data', world.serviceDir, 'custody', ...args], env, actor) as Promise<T>;
}

async function kmsUses(world: CoreWorld): Promise<number> {
  const rows = (await custody(world, 'cli:bench')<{ kmsAudit?: unknown[] }>('kms-audit', '--limit', '1000')).kmsAudit;
  if (!Array.isArray(rows)) throw new MeasurementError('kms-audit answered no list');
  if (rows.length >= 1000) throw new MeasurementError('more than 1,000 KMS uses: the audit cannot be counted through kms-audit');
  return rows.length;
}

async function timedRotations(rotate: () => Promise<number>, rounds: number): Promise<number[]> {
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    await rotate();
    times.push(performance.now() - t0);
  }
  return times;
}

async function run(ctx: SectionContext): Promise<SectionOutcome> {
  const members = ctx.quick ? QUICK_MEMBERS : MEMBERS;
  const rounds = ctx.quick ? 3 : 7;
  const world = await startCoreWorld(ctx.tmpDir);
  try {
    const [creator] = await createMembers(world, ctx.tmpDir, 'cust', 1, true);
    if (!creator) throw new MeasurementError('no creator');
    const others = await registerAccounts(world, 'custa', members - 1);
    const conv = await creator.first.createConversation({ kind: 'group', name: `custody ${members}`, members: others });
    const id = conv.conversationId as ConversationId;
    const rotate = () => creator.first.rotate(id);
    await rotate();
    const zeroTrust = await timedRotations(rotate, rounds);

    await custody(world, 'cli:it-one')('escrow', '--reason', 'bench');
    await rotate(); // picks the mode up (one refusal, one re-read of the custody)
    const before = await kmsUses(world);
    const escrow = await timedRotations(rotate, rounds);
    const duringRotations = (await kmsUses(world)) - before;

    const request = await custody(world, 'cli:it-one')<{ requestId?: string; id?: string }>('request-export', id, '--reason', 'bench');
    const requestId = request.requestId ?? request.id;
    if (typeof requestId !== 'string') throw new MeasurementError(`request-export answered no request id: ${JSON.stringify(request).slice(0, 200)}`);
    await custody(world, 'cli:it-two')('approve-export', requestId, '--reason', 'bench');
    const beforeExport = await kmsUses(world);
    const t0 = performance.now();
    await custody(world, 'cli:it-one')('export', requestId, '--out', path.join(mkdtempSync(path.join(ctx.tmpDir, 'export-')), 'export.json'));
    const exportMs = performance.now() - t0;
    const forExport = (await kmsUses(world)) - beforeExport;

    // Server-trusted: the key service makes each version with KMS GenerateDataKey; the creator's device
    // accepts server-managed keys (its user, as no managed policy names the mode), which rotates once.
    await custody(world, 'cli:it-one')('server-trusted', '--reason', 'bench');
    await creator.first.acceptServerKeys();
    await rotate(); // makes sure the mode is picked up (nothing pending after the acceptance's rotation)
    const beforeServer = await kmsUses(world);
    const serverTrusted = await timedRotations(rotate, rounds);
    const duringServerRotations = (await kmsUses(world)) - beforeServer;

    // Member fetches of the server-made versions (GET …/server-keys/{version}: a fresh wrap to the calling
    // device each time), through the key-service API with the creator's device-bound session.
    const secrets = await creator.firstVault.load();
    if (!secrets) throw new MeasurementError('the creator holds no keys');
    const api = new KeyServiceApi(world.keyService.url);
    const pair = await proveDevice(api, provider, { deviceId: creator.first.session().deviceId, signingPrivateKey: secrets.device.ed25519.privateKey });
    api.setTokens(pair.accessToken, pair.refreshToken);
    const latest = (await api.request('getConversation', { params: { conversationId: id } })).currentVersion;
    const fetchVersions = Array.from({ length: rounds }, (_, i) => latest - i);
    const beforeFetches = await kmsUses(world);
    const fetchTimes: number[] = [];
    for (let r = 0; r < FETCH_ROUNDS; r++) {
      for (const version of fetchVersions) {
        const t0 = performance.now();
        await api.request('getServerKey', { params: { conversationId: id, version } });
        fetchTimes.push(performance.now() - t0);
      }
    }
    const duringFetches = (await kmsUses(world)) - beforeFetches;

    const devices = `${members} x 2`;
    const figures: Figure[] = [
      { id: `zero_trust_rotate_ms_${members}`, label: `rotation of ${devices} devices, zero-trust`, unit: 'ms', value: spreadOf(zeroTrust) },
      {
        id: `escrow_rotate_ms_${members}`,
        label: `rotation of ${devices} devices, escrow (one wrap more, checked by the key service)`,
        unit: 'ms',
        value: spreadOf(escrow),
      },
      {
        id: `escrow_over_zero_trust_${members}`,
        label: 'escrow ÷ zero-trust, median rotation',
        unit: 'x',
        value: spreadOf([spreadOf(escrow).median / spreadOf(zeroTrust).median]),
      },
      {
        id: `server_trusted_rotate_ms_${members}`,
        label: `rotation of ${devices} devices, server-trusted (the key service makes the key with KMS GenerateDataKey; no wraps)`,
        unit: 'ms',
        value: spreadOf(serverTrusted),
      },
      {
        id: `server_trusted_over_zero_trust_${members}`,
        label: 'server-trusted ÷ zero-trust, median rotation',
        unit: 'x',
        value: spreadOf([spreadOf(serverTrusted).median / spreadOf(zeroTrust).median]),
      },
      { id: 'kms_uses_per_rotation', label: 'KMS uses per escrow rotation (audit rows)', unit: 'ops', value: spreadOf([duringRotations / rounds]) },
      {
        id: 'kms_uses_per_server_trusted_rotation',
        label: 'KMS uses per server-trusted rotation (audit rows: GenerateDataKey)',
        unit: 'ops',
        value: spreadOf([duringServerRotations / rounds]),
      },
      {
        id: 'server_key_fetch_ms',
        label: `one member fetch of a server-made version (GET …/server-keys/{version}: membership check, a fresh HPKE wrap to the device)`,
        unit: 'ms',
        value: spreadOf(fetchTimes),
      },
      {
        id: 'kms_uses_per_server_key_fetch',
        label: `KMS uses per member fetch (audit rows: Decrypt), ${fetchTimes.length} fetches of ${rounds} versions within the cache's 60 s`,
        unit: 'ops',
        value: spreadOf([duringFetches / fetchTimes.length]),
      },
      { id: 'kms_uses_per_export', label: 'KMS uses for one two-admin export of the conversation (audit rows)', unit: 'ops', value: spreadOf([forExport]) },
      {
        id: 'export_ms',
        label: `one export of the conversation (${rounds + 2} key versions under escrow, no messages)`,
        unit: 'ms',
        value: spreadOf([exportMs]),
      },
    ];
    return {
      status: 'measured',
      figures,
      notes: [
        `${rounds} rotations in each mode, the zero-trust ones first; the creator is the only running client.`,
        `${rounds} rotations in server-trusted mode last (after the export), the creator having accepted server-managed keys.`,
        "Members fetch their own wrap in zero-trust and escrow, which asks no KMS; in server-trusted mode a member fetch is served from the key service's cache of unwrapped data keys (60 s, bounded in entries) or costs one KMS Decrypt: the fetch rows are of versions made within the last minute, so they are the cache's case (a cold fetch adds one KMS Decrypt, not timed here).",
      ],
    };
  } finally {
    await world.close();
  }
}

export const custodySection: Section = {
  id: 'custody',
  title: 'Key custody: escrow and server-trusted next to zero-trust (rotation cost, KMS uses)',
  timeoutMs: 20 * 60_000,
  run,
};
