/**
 * Section "relay fan-out load" (context for the transport figures): the relay engineer's
 * bench/relay-load.ts (many subscribers x many messages over loopback through the real SDK), spawned
 * with a time bound. Figures are printed without targets: the latency target is end to end
 * (see the send-to-decrypted section).
 */
import { LoadScriptError } from '../lib/errors';
import { runJsonScript } from '../lib/loadScript';
import { extractMetrics } from '../lib/metrics';
import { notMeasured, type Section, type SectionContext, type SectionOutcome } from '../lib/section';
import { single } from '../lib/stats';
import type { Figure } from '../lib/types';

const SCRIPT = 'bench/relay-load.ts';

export const relayLoadSection: Section = {
  id: 'relayload',
  title: 'Relay fan-out load (bench/relay-load.ts)',
  timeoutMs: 150_000,
  async run(ctx: SectionContext): Promise<SectionOutcome> {
    let json: unknown;
    try {
      json = (await runJsonScript(SCRIPT, { timeoutMs: ctx.quick ? 60_000 : 120_000, env: ctx.env })).json;
    } catch (err) {
      if (err instanceof LoadScriptError)
        return notMeasured(err.reason === 'missing' ? `${SCRIPT} (owned by the relay engineer) does not exist yet` : `${SCRIPT} failed: ${err.message}`);
      throw err;
    }
    const m = extractMetrics(json);
    const figures: Figure[] = [
      ...(m.throughputPerSec !== undefined ? [{ id: 'throughput', label: 'delivery throughput', unit: 'msg/s', value: single(m.throughputPerSec) }] : []),
      ...(m.p50Ms !== undefined ? [{ id: 'p50', label: 'delivery latency p50', unit: 'ms', value: single(m.p50Ms) }] : []),
      ...(m.p99Ms !== undefined ? [{ id: 'p99', label: 'delivery latency p99', unit: 'ms', value: single(m.p99Ms) }] : []),
    ];
    return {
      status: figures.length === 3 ? 'measured' : figures.length > 0 ? 'partial' : 'not_measured',
      ...(figures.length < 3 ? { missing: 'some figures were not found in the script output (kept raw in the JSON results)' } : {}),
      figures,
      notes: [`From \`npx tsx ${SCRIPT}\` (one run; the scenario — subscribers x messages — is in its raw output in the JSON results).`],
      raw: json,
    };
  },
};
