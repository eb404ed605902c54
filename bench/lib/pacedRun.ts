/**
 * One paced run of the send-to-decrypted section (docs/benchmarks.md, `latency`): `count` messages at a
 * steady `rate`, alternating a sealed message through the pipeline (`sendSealed`) and same-size plain JSON
 * through a plain SDK pair (`sendPlain`), with what this process spent meanwhile: CPU time as a share of
 * one core, and the event-loop delay (how late timers and I/O callbacks ran), CPU per message and the
 * machine's load average, so a latency miss can be traced to this process's own cost or to other work on
 * the cores.
 */
import { loadavg } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

export interface PacedSamples {
  readonly rate: number;
  readonly sealed: number[];
  readonly plain: number[];
  readonly failures: string[];
  /** Sealed messages sent (half of `count`, rounded up). */
  readonly sealedSent: number;
  /** CPU time of this process / wall time, while sending and draining (1 = one core busy). */
  readonly cpuShare: number;
  /** p99 of the event-loop delay in ms. */
  readonly loopDelayP99: number;
  /** CPU ms this process spent per message sent (sealed and plain together). */
  readonly cpuMsPerMessage: number;
  /** The machine's 1-minute load average at the end (other work on the shared cores). */
  readonly load: number;
}

export interface PacedPorts {
  /** Sends sealed message `seq`; resolves when the send settled (the receiver records the latency). */
  sendSealed(seq: number): Promise<void>;
  sendPlain(seq: number): Promise<void>;
  /** Latencies recorded so far for this run. */
  readonly sealed: number[];
  readonly plain: number[];
  /** Marks when `seq` was sent. */
  sentAt: Map<number, number>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function pacedRun(ports: PacedPorts, rate: number, count: number, firstSeq: number): Promise<PacedSamples> {
  const failures: string[] = [];
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const seq = firstSeq + i;
    ports.sentAt.set(seq, performance.now());
    const send = i % 2 === 0 ? ports.sendSealed(seq) : ports.sendPlain(seq);
    void send.catch((err: unknown) => failures.push(String(err)));
  }
  const sealedSent = Math.ceil(count / 2);
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && (ports.sealed.length + failures.length < sealedSent || ports.plain.length < count - sealedSent)) await sleep(10);
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - start;
  loop.disable();
  return {
    rate,
    sealed: [...ports.sealed],
    plain: [...ports.plain],
    failures,
    sealedSent,
    cpuShare: (cpu.user + cpu.system) / 1000 / wall,
    loopDelayP99: loop.percentile(99) / 1e6,
    cpuMsPerMessage: (cpu.user + cpu.system) / 1000 / count,
    load: loadavg()[0] ?? 0,
  };
}
