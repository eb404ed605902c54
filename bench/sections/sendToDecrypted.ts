/**
 * Section "send-to-decrypted latency through the relay" (issue 10; targets p50 < 10 ms, p99 < 50 ms).
 * The client core's messaging pipeline does not exist yet, so this measures a stand-in built from the
 * same parts it will use: sealEnvelope → `pubnub` SDK publish → relay (child process, loopback) → SDK
 * subscribe → openEnvelope, at a steady rate, one sender and one receiver device. Side by side, every
 * other message is the same-size plain JSON without seal/open, so the share of crypto in the latency
 * is measured in the same run. When the client core lands, point `sendSealed`/`receive` at it.
 */
import { performance } from 'node:perf_hooks';
import PubNub from 'pubnub';
import { openEnvelope, sealEnvelope, type OpenEnvelopeContext } from '../../src/common/protocol/envelopeSeal';
import { MeasurementError } from '../lib/errors';
import { CHANNEL, CONVERSATION_ID, makeDevice, provider, textMessage } from '../lib/fixtures';
import { startRelayProcess } from '../lib/relayProcess';
import type { Section, SectionContext, SectionOutcome } from '../lib/section';
import { percentile, single, spreadOf } from '../lib/stats';
import type { Figure } from '../lib/types';
import { meets } from '../report/verdict';

const RATE_PER_SEC = 100;
const P50_TARGET = { op: '<', value: 10 } as const;
const P99_TARGET = { op: '<', value: 50 } as const;
const BODY = 200;

function client(origin: string, userId: string): PubNub {
  return new PubNub({ publishKey: 'pub-c-bench', subscribeKey: 'sub-c-bench', userId, origin, ssl: false });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil(what: string, done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new MeasurementError(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

export const sendToDecryptedSection: Section = {
  id: 'latency',
  title: 'Send-to-decrypted latency through the relay',
  timeoutMs: 60_000,
  async run(ctx: SectionContext): Promise<SectionOutcome> {
    const relay = await startRelayProcess(ctx.tmpDir);
    const sender = client(relay.origin, 'bench-sender');
    const receiver = client(relay.origin, 'bench-receiver');
    try {
      const device = await makeDevice(1);
      const key = provider.randomBytes(32);
      const openCtx: OpenEnvelopeContext = { conversationId: CONVERSATION_ID, keyForVersion: (v) => (v === 1 ? key : undefined), memberSigningKey: (id) => (id === device.deviceId ? device.ed25519.publicKey : undefined) };
      const sentAt = new Map<number, number>();
      const sealed: number[] = [];
      const plain: number[] = [];
      const acks: number[] = [];
      let probes = 0;
      const failures: string[] = [];
      receiver.addListener({
        message: (event) => {
          const m = event.message as { probe?: boolean; seq?: number; v?: number };
          if (m.probe) return void probes++;
          if (typeof m.seq === 'number') {
            const t0 = sentAt.get(m.seq);
            if (t0 !== undefined) plain.push(performance.now() - t0);
            return;
          }
          openEnvelope(provider, event.message, openCtx).then(
            (opened) => {
              const t0 = sentAt.get(Number(opened.message.id.slice(-10)));
              if (t0 !== undefined) sealed.push(performance.now() - t0);
            },
            (err: unknown) => failures.push(String(err)),
          );
        },
      });
      receiver.subscribe({ channels: [CHANNEL] });
      await waitUntil('the receiver to be subscribed', () => {
        if (probes === 0) void sender.publish({ channel: CHANNEL, message: { probe: true } }).catch(() => undefined);
        return probes > 0;
      }, 15_000);
      const count = (ctx.quick ? 3 : 10) * RATE_PER_SEC;
      const interval = 1000 / RATE_PER_SEC;
      const start = performance.now();
      for (let seq = 0; seq < count; seq++) {
        const due = start + seq * interval;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        sentAt.set(seq, performance.now());
        const message =
          seq % 2 === 0
            ? await sealEnvelope(provider, { conversationId: CONVERSATION_ID, keyVersion: 1, key, senderDevice: device.deviceId, signingPrivateKey: device.ed25519.privateKey, plaintext: textMessage(BODY, seq), channel: CHANNEL })
            : { seq, body: 'x'.repeat(BODY) };
        const t0 = sentAt.get(seq) ?? performance.now();
        void sender.publish({ channel: CHANNEL, message: JSON.parse(JSON.stringify(message)) as PubNub.Payload }).then(
          () => acks.push(performance.now() - t0),
          (err: unknown) => failures.push(String(err)),
        );
      }
      const sendSeconds = (performance.now() - start) / 1000;
      await waitUntil('every message', () => sealed.length + plain.length + failures.length >= count, 15_000).catch(() => undefined);
      if (sealed.length === 0) throw new MeasurementError(`no sealed message arrived${failures[0] ? `: ${failures[0]}` : ''}`);
      const lost = count - sealed.length - plain.length;
      const p50 = percentile(sealed, 50);
      const p99 = percentile(sealed, 99);
      const plainP50 = percentile(plain, 50);
      const transportReason = (q: number, plainQ: number) =>
        `the same-size plain message (no seal/open) takes ${plainQ.toFixed(1)} ms at this percentile in the same run, so ${Math.max(0, Math.min(100, (plainQ / q) * 100)).toFixed(0)} % of it is transport (SDK publish, relay, SDK long-poll) rather than crypto`;
      const figures: Figure[] = [
        { id: 'sealed_p50', label: 'send-to-decrypted p50 (stand-in pipeline)', unit: 'ms', value: single(p50), target: P50_TARGET, ...(meets(p50, P50_TARGET) ? {} : { missedReason: transportReason(p50, plainP50) }) },
        { id: 'sealed_p99', label: 'send-to-decrypted p99 (stand-in pipeline)', unit: 'ms', value: single(p99), target: P99_TARGET, ...(meets(p99, P99_TARGET) ? {} : { missedReason: transportReason(p99, percentile(plain, 99)) }) },
        { id: 'plain_p50', label: 'same-size plain JSON, no seal/open, p50', unit: 'ms', value: single(plainP50) },
        { id: 'plain_p99', label: 'same-size plain JSON, no seal/open, p99', unit: 'ms', value: single(percentile(plain, 99)) },
        { id: 'publish_ack_p50', label: 'publish round trip (send until the relay answers the publish), p50', unit: 'ms', value: single(percentile(acks, 50)) },
        { id: 'crypto_share_p50', label: 'sealed p50 − plain p50 (seal + open cost in the path)', unit: 'ms', value: single(p50 - plainP50) },
        { id: 'sealed_spread', label: 'send-to-decrypted, all samples (median, min – max)', unit: 'ms', value: spreadOf(sealed) },
      ];
      return {
        status: 'partial',
        missing: 'the client core messaging pipeline (send from one device, decrypt on another through its key ring) does not exist yet; figures are from a stand-in made of the same protocol functions and the real SDK',
        figures,
        notes: [
          `${count} messages at ${RATE_PER_SEC} msg/s (${sendSeconds.toFixed(1)} s), alternating sealed (${BODY} B body) and plain, one sender and one receiver SDK client in this process, relay in a child process on loopback.`,
          `Delivered: ${sealed.length} sealed + ${plain.length} plain of ${count}; lost or failed: ${lost}${failures.length > 0 ? ` (first failure: ${failures[0]})` : ''}.`,
        ],
      };
    } finally {
      receiver.unsubscribeAll();
      receiver.destroy(true);
      sender.destroy(true);
      await relay.stop();
    }
  },
};
