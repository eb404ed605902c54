/**
 * Section "offboarding" (docs/benchmarks.md; issue [identity]): a person in 500 conversations is deactivated
 * through the admin CLI's function (src/server/adminCli.ts → admin/offboarding.ts) against the real key
 * service (SQLite) and relay (its own process); then one admin's client rotates every conversation
 * (`Client.rotate`, 4 at a time — the next member to send would do the same, one conversation at a time),
 * and the run checks that no new version is wrapped for the person's device. Figures:
 *   deactivate_ms — the deactivation transaction: sessions, devices, 500 conversations marked, tokens and
 *                   notices into the outbox, the audit record;
 *   rotate_all_ms — until every conversation has a version no longer wrapped for them (the figure the issue asks);
 *   total_ms      — both.
 * Peer, in the same run on the same conversations: rotating all of them again with nobody deactivated (the
 * cost of rotation alone), so the report shows what offboarding adds to it. Each conversation has the admin,
 * the person and one more member (one device each). No target: the issue asks for the figure.
 */
import { performance } from 'node:perf_hooks';
import type { ConversationId } from '../../src/common/ids';
import { runAdmin } from '../../src/server/adminCli';
import { createMembers, startCoreWorld } from '../lib/coreWorld';
import { MeasurementError } from '../lib/errors';
import type { Section, SectionContext, SectionOutcome } from '../lib/section';
import { single } from '../lib/stats';
import type { Figure } from '../lib/types';
import { eachLimited } from '../lib/eachLimited';

const CONVERSATIONS = 500;
const QUICK_CONVERSATIONS = 50;
const CONCURRENCY = 4;

async function run(ctx: SectionContext): Promise<SectionOutcome> {
  const count = ctx.quick ? QUICK_CONVERSATIONS : CONVERSATIONS;
  const world = await startCoreWorld(ctx.tmpDir, { relayProcess: true });
  try {
    const [admin, leaver, other] = await createMembers(world, ctx.tmpDir, 'offboard', 3, false);
    if (!admin || !leaver || !other) throw new MeasurementError('members were not created');
    const setupStart = performance.now();
    const conversations: ConversationId[] = [];
    await eachLimited(
      Array.from({ length: count }, (_, i) => i),
      CONCURRENCY,
      async (i) => {
        const c = await admin.first.createConversation({ kind: 'group', name: `team ${i}`, members: [leaver.userId, other.userId] });
        conversations.push(c.conversationId);
      },
    );
    ctx.log(`offboarding: ${count} conversations created in ${((performance.now() - setupStart) / 1000).toFixed(1)} s`);

    const t0 = performance.now();
    const out = (await runAdmin(['--data', world.serviceDir, 'deactivate', leaver.username, '--reason', 'bench'], {}, 'cli:bench')) as {
      conversations: number;
    };
    const deactivated = performance.now();
    if (out.conversations !== count) throw new MeasurementError(`the deactivation marked ${out.conversations} conversations, expected ${count}`);
    await eachLimited(conversations, CONCURRENCY, async (id) => {
      await admin.first.rotate(id);
    });
    const rotated = performance.now();

    // Checked, not timed: every conversation's newest version leaves the person's device out.
    const leaverDevice = leaver.first.session().deviceId;
    for (const id of conversations) {
      const view = await admin.first.conversation(id);
      if (view.needsRotation) throw new MeasurementError(`${id} still needs rotation`);
      const { api } = admin.first as unknown as { api: { request(name: 'getKeyVersion', a: unknown): Promise<{ record: { memberDevices: string[] } }> } };
      const record = (await api.request('getKeyVersion', { params: { conversationId: id, version: view.currentVersion } })).record;
      if (record.memberDevices.includes(leaverDevice))
        throw new MeasurementError(`${id} version ${view.currentVersion} is still wrapped for the deactivated device`);
    }

    const p0 = performance.now();
    await eachLimited(conversations, CONCURRENCY, async (id) => {
      await admin.first.rotate(id);
    });
    const peer = performance.now() - p0;

    const figures: Figure[] = [
      { id: 'deactivate_ms', label: `deactivate a person in ${count} conversations (one transaction, admin CLI)`, unit: 'ms', value: single(deactivated - t0) },
      {
        id: 'rotate_all_ms',
        label: `until all ${count} conversations have a version wrapped for none of their devices (one admin client, ${CONCURRENCY} at a time)`,
        unit: 'ms',
        value: single(rotated - deactivated),
      },
      { id: 'total_ms', label: `offboarding end to end, ${count} conversations`, unit: 'ms', value: single(rotated - t0) },
      { id: 'peer_rotate_all_ms', label: `peer: the same ${count} rotations with nobody deactivated`, unit: 'ms', value: single(peer) },
    ];
    return {
      status: 'measured',
      figures,
      notes: [
        `${count} groups of three (an admin, the person, one more member; one device each); key service on SQLite in this process, relay in its own.`,
        'Checked after the run: no conversation still needs rotation, and no newest version lists the deactivated device.',
      ],
    };
  } finally {
    await world.close();
  }
}

export const offboardingSection: Section = {
  id: 'offboarding',
  title: 'Offboarding: a person in 500 conversations deactivated until every conversation has a version they cannot read',
  timeoutMs: 15 * 60_000,
  run,
};
