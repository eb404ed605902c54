/**
 * Section "send-to-decrypted latency through the relay" (docs/benchmarks.md, `latency`; targets p50 < 10 ms,
 * p99 < 50 ms), with the real pipeline: two registered users of the real client core (`Client`,
 * InMemoryVaultForTests) in a direct conversation; Alice's `Messaging.send` (src/common/messaging over the
 * core's MessageCrypto: seal, SDK publish) → relay → Bob's SDK subscribe → his MessageCrypto opens it → his
 * conversation view shows it.
 * A sample is from the send call until Bob's view holds the decrypted text, at a steady rate. The relay and
 * key service run in this process (startRelay / startKeyService), so clients and relay share one core.
 * Side by side, a plain `pubnub` SDK pair publishes same-size plain JSON through the same relay at the same
 * rate, interleaved, through a second in-process relay without Access Manager (the plain pair has no
 * token), so the share of transport in the latency is measured in the same run. The run is repeated at
 * several rates with this process's CPU share and event-loop delay, so a miss shows whether the one core
 * that the clients, relay and key service share is saturated (pacedRun.ts).
 */
import { mkdtempSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import PubNub from 'pubnub';
import type { ConversationId } from '../../src/common/ids';
import { startRelay } from '../../src/relay/index';
import { createMembers, startCoreWorld } from '../lib/coreWorld';
import { MeasurementError } from '../lib/errors';
import type { Section, SectionContext, SectionOutcome } from '../lib/section';
import { pacedRun, type PacedSamples } from '../lib/pacedRun';
import { percentile, single, spreadOf } from '../lib/stats';
import type { Figure } from '../lib/types';
import { meets } from '../report/verdict';

/** The target is judged at 100 msg/s (as in the first report); the lower rates show where the knee is. */
const RATES = [10, 25, 50, 100] as const;
const JUDGED_RATE = 100;
const P50_TARGET = { op: '<', value: 10 } as const;
const P99_TARGET = { op: '<', value: 50 } as const;
const BODY = 200;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil(what: string, done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new MeasurementError(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** `seq` as the message body: a fixed-width prefix padded to BODY bytes. */
const bodyOf = (seq: number) => `${String(seq).padStart(8, '0')}:${'x'.repeat(BODY - 9)}`;

function reason(q: number, plainQ: number, s: PacedSamples): string {
  return (
    `plain JSON through a relay in the same process takes ${plainQ.toFixed(1)} ms at this percentile (${Math.max(0, Math.min(100, (plainQ / q) * 100)).toFixed(0)} % of it); ` +
    `this process spent ${s.cpuMsPerMessage.toFixed(1)} ms of CPU per message (sealed and plain; ${(s.cpuShare * 100).toFixed(0)} % of one core) with event-loop delay p99 ${s.loopDelayP99.toFixed(0)} ms, ` +
    `while the machine's load average was ${s.load.toFixed(1)} on ${cpus().length} cores — Alice's and Bob's clients (seal, open, conversation view, cursor saved to the profile file per message), both relays and the key service share one event loop, and that loop got the CPU only part of the time`
  );
}

function figuresAt(s: PacedSamples, judged: boolean): Figure[] {
  const p = `r${s.rate}`;
  const p50 = percentile(s.sealed, 50);
  const p99 = percentile(s.sealed, 99);
  const plainP50 = percentile(s.plain, 50);
  const plainP99 = percentile(s.plain, 99);
  const at = `at ${s.rate} msg/s`;
  const judge = (q: number, plainQ: number, target: typeof P50_TARGET | typeof P99_TARGET) =>
    judged ? { target, ...(meets(q, target) ? {} : { missedReason: reason(q, plainQ, s) }) } : {};
  return [
    { id: `${p}.sealed_p50`, label: `send-to-decrypted p50 ${at} (client core pipeline)`, unit: 'ms', value: single(p50), ...judge(p50, plainP50, P50_TARGET) },
    { id: `${p}.sealed_p99`, label: `send-to-decrypted p99 ${at} (client core pipeline)`, unit: 'ms', value: single(p99), ...judge(p99, plainP99, P99_TARGET) },
    { id: `${p}.plain_p50`, label: `same-size plain JSON ${at}, plain SDK pair, p50`, unit: 'ms', value: single(plainP50) },
    { id: `${p}.plain_p99`, label: `same-size plain JSON ${at}, plain SDK pair, p99`, unit: 'ms', value: single(plainP99) },
    { id: `${p}.cpu_share`, label: `${at}: this process's CPU time / wall time (100 % = one core)`, unit: '%', value: single(s.cpuShare * 100) },
    { id: `${p}.loop_delay_p99`, label: `${at}: event-loop delay p99`, unit: 'ms', value: single(s.loopDelayP99) },
    { id: `${p}.cpu_per_message`, label: `${at}: this process's CPU per message (sealed and plain)`, unit: 'ms', value: single(s.cpuMsPerMessage) },
    { id: `${p}.load_average`, label: `${at}: machine 1-minute load average at the end (runnable tasks)`, unit: 'tasks', value: single(s.load) },
    ...(judged ? [{ id: `${p}.sealed_spread`, label: `send-to-decrypted ${at}, all samples (median, min – max)`, unit: 'ms', value: spreadOf(s.sealed) }] : []),
  ];
}

export const sendToDecryptedSection: Section = {
  id: 'latency',
  title: 'Send-to-decrypted latency through the relay (client core pipeline)',
  timeoutMs: 150_000,
  async run(ctx: SectionContext): Promise<SectionOutcome> {
    const world = await startCoreWorld(ctx.tmpDir);
    const plainRelay = await startRelay({ port: 0, dataDir: mkdtempSync(path.join(ctx.tmpDir, 'plain-relay-')) });
    const plainSender = new PubNub({ publishKey: 'pub-c-plain', subscribeKey: 'sub-c-plain', userId: 'plain-sender', origin: plainRelay.origin, ssl: false });
    const plainReceiver = new PubNub({
      publishKey: 'pub-c-plain',
      subscribeKey: 'sub-c-plain',
      userId: 'plain-receiver',
      origin: plainRelay.origin,
      ssl: false,
    });
    try {
      const [alice, bob] = await createMembers(world, ctx.tmpDir, 'lat', 2, false);
      if (!alice || !bob) throw new MeasurementError('setup made no users');
      const dm = await alice.first.createConversation({ kind: 'direct', members: [bob.userId] });
      const id: ConversationId = dm.conversationId;
      await alice.first.ensureAccess([id]);
      await bob.first.ensureAccess([id]);
      const sending = await alice.first.messaging();
      const receiving = await bob.first.messaging();
      await sending.join([id]);
      await receiving.join([id]);
      const ports = { sealed: [] as number[], plain: [] as number[], sentAt: new Map<number, number>() };
      receiving.onChange((changed) => {
        if (changed !== id) return;
        const items = receiving.view(id).items;
        for (let i = items.length - 1; i >= 0 && i >= items.length - 20; i--) {
          const item = items[i];
          if (item?.kind !== 'message' || item.message.type !== 'string') continue;
          const seq = Number(String(item.message.body).slice(0, 8));
          const t0 = ports.sentAt.get(seq);
          if (t0 === undefined) continue;
          ports.sealed.push(performance.now() - t0);
          ports.sentAt.delete(seq);
        }
      });
      let probes = 0;
      plainReceiver.addListener({
        message: (event) => {
          const m = event.message as { probe?: boolean; seq?: number };
          if (m.probe) return void probes++;
          const t0 = typeof m.seq === 'number' ? ports.sentAt.get(m.seq) : undefined;
          if (t0 !== undefined && typeof m.seq === 'number') {
            ports.plain.push(performance.now() - t0);
            ports.sentAt.delete(m.seq);
          }
        },
      });
      plainReceiver.subscribe({ channels: ['bench.plain'] });
      await waitUntil(
        'the plain receiver to be subscribed',
        () => {
          if (probes === 0) void plainSender.publish({ channel: 'bench.plain', message: { probe: true } }).catch(() => undefined);
          return probes > 0;
        },
        15_000,
      );
      const warm = await sending.send(id, { type: 'string', body: bodyOf(99_999_999) });
      if (warm.state !== 'sent') throw new MeasurementError(`the warm-up message was not sent: ${warm.message}`);
      const sendSealed = async (seq: number) => {
        const outcome = await sending.send(id, { type: 'string', body: bodyOf(seq) });
        if (outcome.state !== 'sent') throw new MeasurementError(`${outcome.code}: ${outcome.message}`);
      };
      const sendPlain = async (seq: number) => void (await plainSender.publish({ channel: 'bench.plain', message: { seq, body: 'x'.repeat(BODY) } }));
      const figures: Figure[] = [];
      const notes: string[] = [];
      let seq = 0;
      for (const rate of RATES) {
        ctx.log(`latency: ${rate} msg/s`);
        ports.sealed.length = 0;
        ports.plain.length = 0;
        const count = Math.round((ctx.quick ? 3 : 6) * rate);
        const s = await pacedRun({ ...ports, sendSealed, sendPlain }, rate, count, seq);
        seq += count;
        if (s.sealed.length === 0) throw new MeasurementError(`no message was decrypted at ${rate} msg/s${s.failures[0] ? `: ${s.failures[0]}` : ''}`);
        figures.push(...figuresAt(s, rate === JUDGED_RATE));
        notes.push(
          `${rate} msg/s: ${count} messages; decrypted by Bob ${s.sealed.length} of ${s.sealedSent}, plain delivered ${s.plain.length} of ${count - s.sealedSent}, failures ${s.failures.length}${s.failures[0] ? ` (first: ${s.failures[0]})` : ''}.`,
        );
      }
      return {
        status: 'measured',
        figures,
        notes: [
          `Each rate alternates a ${BODY}-byte text through Alice's Messaging.send (the client core's pipeline) and same-size plain JSON through a plain SDK pair (second relay, Access Manager off); relays and key service in this process on loopback. The target is judged at ${JUDGED_RATE} msg/s.`,
          ...notes,
        ],
      };
    } finally {
      plainReceiver.unsubscribeAll();
      plainReceiver.destroy(true);
      plainSender.destroy(true);
      await world.close();
      await plainRelay.close();
    }
  },
};
