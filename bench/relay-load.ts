/**
 * Relay fan-out load run (docs/relay.md, "Tests and load run"): starts the relay as its own process
 * (`src/relay/cli.ts`), connects N real `pubnub` SDK subscribers (event engine, keep-alive) to one channel,
 * publishes M messages from one SDK publisher with a bounded number in flight, and waits until every subscriber
 * has every message. Prints progress to stderr and one JSON line on stdout (last line): deliveries per second,
 * p50/p99/max delivery latency (publish call start → subscriber callback, same process clock), and the relay
 * process's peak resident memory and CPU time. Exits 1 if any delivery is missing or duplicated. Unpaced (the
 * default) it is a saturation run: latency then includes queueing; `--rate` paces the publisher.
 *
 *   npx tsx bench/relay-load.ts [--subscribers 200] [--messages 1000] [--in-flight 8] [--rate <msg/s>] [--timeout 90]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import PubNub from 'pubnub';

const { values } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '200' },
    messages: { type: 'string', default: '1000' },
    'in-flight': { type: 'string', default: '8' },
    rate: { type: 'string', default: '0' },
    timeout: { type: 'string', default: '90' },
  },
});
const SUBSCRIBERS = Number(values.subscribers);
const MESSAGES = Number(values.messages);
const IN_FLIGHT = Number(values['in-flight']);
const RATE = Number(values.rate);
const TIMEOUT_MS = Number(values.timeout) * 1000;
const CHANNEL = 'bench.fanout';

const log = (line: string) => process.stderr.write(`relay-load: ${line}\n`);

function startRelay(dataDir: string): Promise<{ child: ChildProcess; origin: string }> {
  const cli = path.join(__dirname, '..', 'src', 'relay', 'cli.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0', '--data', dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /relay listening on http:\/\/(\S+)/.exec(out);
      if (match?.[1]) resolve({ child, origin: match[1] });
    });
    child.once('exit', (code) => reject(new Error(`relay exited with ${code}`)));
  });
}

function peakRssMb(pid: number | undefined): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    return kb === undefined ? undefined : Math.round(Number(kb) / 1024);
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) the relay process has used so far. */
function cpuSeconds(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

const round = (n: number) => Math.round(n * 100) / 100;

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'relay-load-'));
  const { child, origin } = await startRelay(dataDir);
  const make = (userId: string) => new PubNub({ publishKey: 'pub-bench', subscribeKey: 'sub-bench', userId, origin, ssl: false, keepAlive: true });

  const sentAt = new Float64Array(MESSAGES);
  const latencies = new Float64Array(SUBSCRIBERS * MESSAGES);
  const received = new Uint8Array(SUBSCRIBERS * MESSAGES);
  let deliveries = 0;
  let duplicates = 0;
  let lastDeliveryAt = 0;

  const subscribers: PubNub[] = [];
  let connected = 0;
  for (let s = 0; s < SUBSCRIBERS; s += 1) {
    const pubnub = make(`sub-${s}`);
    pubnub.addListener({
      status: (event) => {
        if (event.category === 'PNConnectedCategory') connected += 1;
      },
      message: (event) => {
        const now = performance.now();
        const i = (event.message as { i: number }).i;
        const slot = s * MESSAGES + i;
        if (received[slot] === 1) {
          duplicates += 1;
          return;
        }
        received[slot] = 1;
        latencies[deliveries] = now - (sentAt[i] ?? now);
        deliveries += 1;
        lastDeliveryAt = now;
      },
    });
    pubnub.subscribe({ channels: [CHANNEL] });
    subscribers.push(pubnub);
  }
  const deadline = Date.now() + TIMEOUT_MS;
  while (connected < SUBSCRIBERS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  log(`${connected}/${SUBSCRIBERS} subscribers connected`);

  const publisher = make('publisher');
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < MESSAGES) {
      const i = next;
      next += 1;
      if (RATE > 0) {
        const due = started + (i * 1000) / RATE;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      sentAt[i] = performance.now();
      await publisher.publish({ channel: CHANNEL, message: { i, body: 'x'.repeat(200) } });
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const publishedAt = performance.now();
  log(`${MESSAGES} messages published in ${Math.round(publishedAt - started)} ms`);

  const expected = SUBSCRIBERS * MESSAGES;
  while (deliveries < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const seconds = (lastDeliveryAt - started) / 1000;
  const sorted = latencies.slice(0, deliveries).sort();
  const relayPeakRssMb = peakRssMb(child.pid);
  const relayCpuSeconds = cpuSeconds(child.pid);
  const clientCpuSeconds = round((process.cpuUsage().user + process.cpuUsage().system) / 1e6);

  for (const pubnub of [...subscribers, publisher]) pubnub.destroy(true);
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  rmSync(dataDir, { recursive: true, force: true });

  const result = {
    scenario: `${SUBSCRIBERS} subscribers x ${MESSAGES} messages on one channel, ${RATE > 0 ? `${RATE} msg/s` : 'unpaced'}, ${IN_FLIGHT} publishes in flight, relay in a child process, SDK clients in this process`,
    deliveriesPerSec: Math.round(deliveries / seconds),
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(percentile(sorted, 100)),
    publishedMessages: MESSAGES,
    expectedDeliveries: expected,
    deliveries,
    duplicates,
    allDelivered: deliveries === expected && duplicates === 0,
    publishSeconds: round((publishedAt - started) / 1000),
    deliverySeconds: round(seconds),
    relayPeakRssMb,
    relayCpuSeconds,
    clientCpuSeconds,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(result.allDelivered ? 0 : 1);
}

main().catch((error: unknown) => {
  process.stderr.write(`relay-load: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
