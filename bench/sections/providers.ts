/**
 * Section "crypto providers side by side" (docs/benchmarks.md, `providers`): the libsodium and node:crypto
 * providers (src/node/crypto/providers.ts) in the same process and the same interleaved rounds, on the
 * operations the product's speed rides on — envelope seal+sign and open+verify of a 200 B message, each
 * provider's raw Ed25519 sign and verify, and one HPKE key wrap / unwrap — plus the wraps of a 2,000-device
 * key version as one batch (the provider spreads it over the cores) and the opens of 2,000 envelopes arriving
 * together (a catch-up; verified and decrypted on worker threads too) timed per provider.
 * Targets per provider (one core): seal+sign >= 25,000 msg/s; open+verify >= 90 % of that provider's own raw
 * verify; wrap >= 12,000/s; unwrap >= 15,000/s; on every core: catch-up open+verify >= 25,000 msg/s.
 */
import { performance } from 'node:perf_hooks';
import type { CryptoProvider } from '../../src/common/crypto/provider';
import { openEnvelope, sealEnvelope, type OpenEnvelopeContext } from '../../src/common/protocol/envelopeSeal';
import { unwrapKey, wrapKey, wrapKeyForDevices } from '../../src/common/protocol/keyWrap';
import { allCryptoProviders, type ChosenCryptoProvider } from '../../src/node/crypto/providers';
import { MeasurementError } from '../lib/errors';
import { CONVERSATION_ID, makeDevice, sealInputOf, textMessage, wrapRoundTrip } from '../lib/fixtures';
import type { Section, SectionContext, SectionOutcome } from '../lib/section';
import { percentOf, spreadOf } from '../lib/stats';
import { measureSideBySide, rateOf, ratioOf, type Candidate, type RoundRates } from '../lib/throughput';
import type { Figure, Spread } from '../lib/types';
import { meets } from '../report/verdict';

const SEAL_TARGET = { op: '>=', value: 25_000 } as const;
const OPEN_SHARE_TARGET = { op: '>=', value: 90 } as const;
const WRAP_TARGET = { op: '>=', value: 12_000 } as const;
const UNWRAP_TARGET = { op: '>=', value: 15_000 } as const;
const BATCH = 2_000;
const CATCH_UP = 2_000;
const CATCH_UP_TARGET = { op: '>=', value: 25_000 } as const;

const OP = {
  seal: 'seal+sign 200 B',
  open: 'open+verify 200 B',
  sign: 'raw Ed25519 sign',
  verify: 'raw Ed25519 verify',
  wrap: 'HPKE wrap',
  unwrap: 'HPKE unwrap',
  gcm: 'AES-256-GCM decrypt 200 B',
  x25519: 'raw X25519 agreement',
} as const;

const name = (p: ChosenCryptoProvider, op: string) => `${p.name}: ${op}`;

async function candidatesOf(p: ChosenCryptoProvider): Promise<Candidate[]> {
  const provider: CryptoProvider = p.provider;
  const sender = await makeDevice(1);
  const recipient = await makeDevice(2);
  const key = provider.randomBytes(32);
  const sealInput = sealInputOf(sender, key, 200);
  const wire: unknown = JSON.parse(JSON.stringify(await sealEnvelope(provider, sealInput)));
  const ctx: OpenEnvelopeContext = {
    conversationId: CONVERSATION_ID,
    keyForVersion: (v) => (v === 1 ? key : undefined),
    memberSigningKey: (d) => (d === sender.deviceId ? sender.ed25519.publicKey : undefined),
  };
  const opened = await openEnvelope(provider, wire, ctx);
  if (opened.message.type !== 'string') throw new MeasurementError(`${p.name}: open did not return the sealed body`);
  const signingInput = provider.randomBytes(260);
  const signature = await provider.ed25519Sign(sender.ed25519.privateKey, signingInput);
  const { wrapInput, unwrapInput } = await wrapRoundTrip(provider, recipient, key);
  const nonce = provider.randomBytes(12);
  const sealed = await provider.aes256GcmEncrypt(key, nonce, provider.randomBytes(200), signingInput);
  return [
    { name: name(p, OP.seal), run: () => sealEnvelope(provider, sealInput) },
    { name: name(p, OP.open), run: () => openEnvelope(provider, wire, ctx) },
    { name: name(p, OP.sign), run: () => provider.ed25519Sign(sender.ed25519.privateKey, signingInput) },
    { name: name(p, OP.verify), run: () => provider.ed25519Verify(sender.ed25519.publicKey, signingInput, signature) },
    { name: name(p, OP.wrap), run: () => wrapKey(provider, wrapInput) },
    { name: name(p, OP.unwrap), run: () => unwrapKey(provider, unwrapInput) },
    { name: name(p, OP.gcm), run: () => provider.aes256GcmDecrypt(key, nonce, sealed, signingInput) },
    { name: name(p, OP.x25519), run: () => provider.x25519(recipient.x25519.privateKey, sender.x25519.publicKey) },
  ];
}

/** Wall time of wrapping one key to BATCH devices, `rounds` times, as wraps per second on every core. */
async function batchRates(p: ChosenCryptoProvider, rounds: number): Promise<Spread> {
  const devices = await Promise.all(Array.from({ length: BATCH }, (_, i) => makeDevice(10 + i)));
  const recipients = devices.map((d) => ({ recipientDeviceId: d.deviceId, recipientPublicKey: d.x25519.publicKey }));
  const input = { purpose: 'conversation', scopeId: CONVERSATION_ID, version: 3, key: p.provider.randomBytes(32), recipients } as const;
  await wrapKeyForDevices(p.provider, input);
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const started = performance.now();
    await wrapKeyForDevices(p.provider, input);
    rates.push(BATCH / ((performance.now() - started) / 1000));
  }
  return spreadOf(rates);
}

/** Wall time of opening CATCH_UP envelopes together (Promise.all, as a catch-up page does), as msg/s on every core. */
async function catchUpRates(p: ChosenCryptoProvider, rounds: number): Promise<Spread> {
  const sender = await makeDevice(1);
  const key = p.provider.randomBytes(32);
  const wires: unknown[] = [];
  for (let i = 0; i < CATCH_UP; i++) {
    const input = sealInputOf(sender, key, 200);
    wires.push(JSON.parse(JSON.stringify(await sealEnvelope(p.provider, { ...input, plaintext: textMessage(200, i) }))));
  }
  const ctx: OpenEnvelopeContext = { conversationId: CONVERSATION_ID, keyForVersion: () => key, memberSigningKey: () => sender.ed25519.publicKey };
  await Promise.all(wires.map((w) => openEnvelope(p.provider, w, ctx)));
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const started = performance.now();
    await Promise.all(wires.map((w) => openEnvelope(p.provider, w, ctx)));
    rates.push(CATCH_UP / ((performance.now() - started) / 1000));
  }
  return spreadOf(rates);
}

function figuresOf(p: ChosenCryptoProvider, rates: RoundRates, batch: Spread, catchUp: Spread): Figure[] {
  const us = (op: string) => 1e6 / rateOf(rates, name(p, op)).median;
  const µ = (op: string) => `${us(op).toFixed(1)} µs`;
  const seal = rateOf(rates, name(p, OP.seal));
  const openShare = percentOf(ratioOf(rates, name(p, OP.open), name(p, OP.verify)));
  const wrap = rateOf(rates, name(p, OP.wrap));
  const unwrap = rateOf(rates, name(p, OP.unwrap));
  const f = (id: string, label: string, unit: string, value: Spread, extra: Partial<Figure> = {}): Figure => ({
    id: `${p.name}.${id}`,
    label: `${p.name}: ${label}`,
    unit,
    value,
    ...extra,
  });
  const target = (value: number, t: { op: '>='; value: number }, reason: string): Partial<Figure> => ({
    target: t,
    ...(meets(value, t) ? {} : { missedReason: reason }),
  });
  return [
    f(
      'seal_sign',
      'seal+sign, 200 B (sealEnvelope)',
      'msg/s',
      seal,
      target(seal.median, SEAL_TARGET, `a seal takes ${µ(OP.seal)}, of which the Ed25519 signature alone is ${µ(OP.sign)}`),
    ),
    f(
      'open_verify_share',
      "open+verify ÷ the provider's own raw Ed25519 verify",
      '%',
      openShare,
      target(
        openShare.median,
        OPEN_SHARE_TARGET,
        `an open takes ${µ(OP.open)} against ${µ(OP.verify)} for the verify alone: the rest is parsing, base64url decoding and AES-GCM (${µ(OP.gcm)}); the target leaves ${((us(OP.verify) * (100 - OPEN_SHARE_TARGET.value)) / OPEN_SHARE_TARGET.value).toFixed(1)} µs for all of it, about one AES-GCM call through OpenSSL's per-call cipher object (sodium-native has no AES-GCM)`,
      ),
    ),
    f('open_verify', 'open+verify, 200 B (openEnvelope)', 'msg/s', rateOf(rates, name(p, OP.open))),
    f('raw_sign', 'raw Ed25519 sign', 'ops/s', rateOf(rates, name(p, OP.sign))),
    f('raw_verify', 'raw Ed25519 verify', 'ops/s', rateOf(rates, name(p, OP.verify))),
    f('raw_x25519', 'raw X25519 agreement (the floor of an unwrap; a wrap adds a key pair)', 'ops/s', rateOf(rates, name(p, OP.x25519))),
    f(
      'wrap',
      'HPKE wrap (wrapKey), one core',
      'ops/s',
      wrap,
      target(
        wrap.median,
        WRAP_TARGET,
        `a wrap takes ${µ(OP.wrap)}: a fresh X25519 key pair and one agreement (one agreement alone: ${µ(OP.x25519)}), 5 HMAC-SHA256 and one AES-GCM`,
      ),
    ),
    f(
      'unwrap',
      'HPKE unwrap (unwrapKey), one core',
      'ops/s',
      unwrap,
      target(unwrap.median, UNWRAP_TARGET, `an unwrap takes ${µ(OP.unwrap)}: one X25519 agreement (alone: ${µ(OP.x25519)}), 6 HMAC-SHA256 and one AES-GCM`),
    ),
    f('wrap_batch', `wraps of one key to ${BATCH.toLocaleString('en-US')} devices (wrapKeyForDevices, every core)`, 'ops/s', batch),
    f(
      'catch_up_open',
      `open+verify of ${CATCH_UP.toLocaleString('en-US')} envelopes arriving together (catch-up, every core)`,
      'msg/s',
      catchUp,
      target(
        catchUp.median,
        CATCH_UP_TARGET,
        `the ${CATCH_UP.toLocaleString('en-US')} opens take ${((CATCH_UP / catchUp.median) * 1000).toFixed(0)} ms: verification and AES-GCM are streamed to worker threads as the page arrives, but parsing, base64url decoding and plaintext decoding of every envelope stay on this thread (one open here costs ${µ(OP.open)}, its verify ${µ(OP.verify)}): with two cores the page cannot go faster than two opens' worth of work at once`,
      ),
    ),
  ];
}

export const providersSection: Section = {
  id: 'providers',
  title: 'Crypto providers side by side (libsodium and node:crypto)',
  timeoutMs: 180_000,
  async run(ctx: SectionContext): Promise<SectionOutcome> {
    const providers = allCryptoProviders();
    const opts = ctx.quick ? { rounds: 3, sliceMs: 50, warmupMs: 50 } : { rounds: 7, sliceMs: 120, warmupMs: 150 };
    const candidates = (await Promise.all(providers.map(candidatesOf))).flat();
    ctx.log(`providers: ${providers.map((p) => p.name).join(', ')} side by side`);
    const rates = await measureSideBySide(candidates, opts);
    const figures: Figure[] = [];
    for (const p of providers) figures.push(...figuresOf(p, rates, await batchRates(p, ctx.quick ? 2 : 5), await catchUpRates(p, ctx.quick ? 2 : 5)));
    const [first, second] = providers;
    if (first && second) {
      for (const op of [OP.seal, OP.open, OP.verify, OP.sign, OP.wrap, OP.unwrap])
        figures.push({
          id: `ratio.${op.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}`,
          label: `${first.name} ÷ ${second.name}: ${op}`,
          unit: 'x',
          value: ratioOf(rates, name(first, op), name(second, op)),
        });
    }
    return {
      status: providers.length === 2 ? 'measured' : 'partial',
      ...(providers.length === 2 ? {} : { missing: 'libsodium (sodium-native) did not load on this machine; only node:crypto was measured' }),
      figures,
      notes: [
        `Single-threaded for the per-operation rates: ${opts.rounds} interleaved rounds of ${opts.sliceMs} ms per candidate, both providers in the same rounds; median (min – max); ratios are medians of per-round ratios.`,
        `The catch-up row is wall time of opening ${CATCH_UP.toLocaleString('en-US')} sealed 200 B envelopes with Promise.all (verify-then-decrypt steps coalesced and streamed to worker threads part by part while the page arrives, src/node/crypto/openBatch.ts); median of ${ctx.quick ? 2 : 5} runs.`,
        `The batch row is wall time of wrapKeyForDevices to ${BATCH.toLocaleString('en-US')} devices (the wraps of a 1,000 x 2 rotation), whose X25519 agreements the provider spreads over worker threads; median of ${ctx.quick ? 2 : 5} runs.`,
        'AES-GCM runs on OpenSSL in both providers (the libsodium binding has none); HMAC-SHA256 runs on OpenSSL in the node:crypto provider and on libsodium SHA-256 in the other.',
      ],
    };
  },
};
