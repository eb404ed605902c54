/**
 * Section "HPKE wrap/unwrap" (issue 10, second bullet): conversation-key wraps (docs/protocol.md §5, HPKE
 * base mode over native X25519/HKDF/AES-GCM) against raw `node:crypto` X25519 in the same rounds.
 * Target: >= 80 % of the DH ceiling. The ceiling is the raw X25519 work each operation cannot avoid:
 * unwrap = one DH; wrap = one ephemeral key generation + one DH (RFC 9180 §4.1 Encap). The ratio to a
 * single DH is printed too, and `@hpke/core` (the library DESIGN.md §3 measured) for context.
 */
import { Aes256Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core';
import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { unwrapKey, wrapAad, wrapInfo, wrapKey } from '../../src/common/protocol/keyWrap';
import { MeasurementError } from '../lib/errors';
import { CONVERSATION_ID, makeDevice, provider } from '../lib/fixtures';
import type { Section, SectionContext, SectionOutcome } from '../lib/section';
import { measureSideBySide, rateOf, ratioOf, type Candidate } from '../lib/throughput';
import type { Figure, Spread } from '../lib/types';
import { meets } from '../report/verdict';

const SHARE_TARGET = { op: '>=', value: 80 } as const;
const percent = (s: Spread): Spread => ({ median: s.median * 100, min: s.min * 100, max: s.max * 100, n: s.n });

function x25519Objects(privateKey: Uint8Array, publicKey: Uint8Array): { priv: KeyObject; pub: KeyObject } {
  const x = Buffer.from(publicKey).toString('base64url');
  const priv = createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: Buffer.from(privateKey).toString('base64url'), x }, format: 'jwk' });
  return { priv, pub: createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x }, format: 'jwk' }) };
}

async function candidates(): Promise<Candidate[]> {
  const recipient = await makeDevice(2);
  const key = provider.randomBytes(32);
  const wrapInput = { purpose: 'conversation', scopeId: CONVERSATION_ID, version: 2, recipientDeviceId: recipient.deviceId, recipientPublicKey: recipient.x25519.publicKey, key } as const;
  const wrap = await wrapKey(provider, wrapInput);
  const unwrapInput = { purpose: 'conversation', scopeId: CONVERSATION_ID, version: 2, wrap, deviceId: recipient.deviceId, privateKey: recipient.x25519.privateKey, publicKey: recipient.x25519.publicKey } as const;
  const back = await unwrapKey(provider, unwrapInput);
  if (Buffer.compare(Buffer.from(back), Buffer.from(key)) !== 0) throw new MeasurementError('unwrap did not return the wrapped key');

  const other = await makeDevice(3);
  const { priv } = x25519Objects(other.x25519.privateKey, other.x25519.publicKey);
  const { pub } = x25519Objects(recipient.x25519.privateKey, recipient.x25519.publicKey);

  const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });
  const libPublicKey = await suite.kem.deserializePublicKey(recipient.x25519.publicKey.slice().buffer);
  const info = wrapInfo('conversation', CONVERSATION_ID, 2).slice().buffer;
  const aad = wrapAad(recipient.deviceId).slice().buffer;
  const keyBuffer = key.slice().buffer;

  return [
    { name: 'wrap', run: () => wrapKey(provider, wrapInput) },
    { name: 'unwrap', run: () => unwrapKey(provider, unwrapInput) },
    { name: 'raw dh', run: () => diffieHellman({ privateKey: priv, publicKey: pub }) },
    {
      name: 'raw encap',
      run: () => {
        const eph = generateKeyPairSync('x25519');
        return diffieHellman({ privateKey: eph.privateKey, publicKey: pub });
      },
    },
    { name: '@hpke/core seal', run: () => suite.seal({ recipientPublicKey: libPublicKey, info }, keyBuffer, aad) },
  ];
}

export const hpkeWrapSection: Section = {
  id: 'hpke',
  title: 'HPKE key wrap / unwrap',
  timeoutMs: 60_000,
  async run(ctx: SectionContext): Promise<SectionOutcome> {
    const opts = ctx.quick ? { rounds: 3, sliceMs: 60, warmupMs: 60 } : { rounds: 7, sliceMs: 150, warmupMs: 200 };
    const rates = await measureSideBySide(await candidates(), opts);
    const wrapShare = percent(ratioOf(rates, 'wrap', 'raw encap'));
    const unwrapShare = percent(ratioOf(rates, 'unwrap', 'raw dh'));
    const figures: Figure[] = [
      {
        id: 'wrap_share',
        label: 'wrap ÷ raw X25519 ceiling (keygen + DH)',
        unit: '%',
        value: wrapShare,
        target: SHARE_TARGET,
        ...(meets(wrapShare.median, SHARE_TARGET)
          ? {}
          : { missedReason: `beyond the two X25519 operations a wrap derives keys (HKDF: 6 HMAC-SHA256 calls), seals 32 bytes with AES-GCM and exports the ephemeral key; those cost ${(100 - wrapShare.median).toFixed(0)} % of the raw ceiling` }),
      },
      {
        id: 'unwrap_share',
        label: 'unwrap ÷ raw X25519 DH ceiling',
        unit: '%',
        value: unwrapShare,
        target: SHARE_TARGET,
        ...(meets(unwrapShare.median, SHARE_TARGET)
          ? {}
          : { missedReason: `beyond the one DH an unwrap parses the wrap (zod + base64url), derives keys (HKDF: 6 HMAC-SHA256 calls) and opens AES-GCM; those cost ${(100 - unwrapShare.median).toFixed(0)} % of the DH ceiling` }),
      },
      { id: 'wrap', label: 'wrap (wrapKey)', unit: 'ops/s', value: rateOf(rates, 'wrap') },
      { id: 'unwrap', label: 'unwrap (unwrapKey)', unit: 'ops/s', value: rateOf(rates, 'unwrap') },
      { id: 'raw_dh', label: 'raw node:crypto X25519 DH', unit: 'ops/s', value: rateOf(rates, 'raw dh') },
      { id: 'raw_encap', label: 'raw node:crypto X25519 keygen + DH', unit: 'ops/s', value: rateOf(rates, 'raw encap') },
      { id: 'wrap_vs_single_dh', label: 'wrap ÷ one raw DH', unit: '%', value: percent(ratioOf(rates, 'wrap', 'raw dh')), note: 'a wrap needs two X25519 operations, so 50 % is its natural bound here' },
      { id: 'hpke_core_seal', label: '@hpke/core seal (WebCrypto), same info/aad', unit: 'ops/s', value: rateOf(rates, '@hpke/core seal') },
      { id: 'wrap_vs_hpke_core', label: 'wrap ÷ @hpke/core seal', unit: 'x', value: ratioOf(rates, 'wrap', '@hpke/core seal') },
    ];
    return {
      status: 'measured',
      figures,
      notes: [
        `Single-threaded; ${opts.rounds} interleaved rounds of ${opts.sliceMs} ms per candidate; median (min–max).`,
        'The DH ceiling is the raw X25519 work the operation cannot avoid: wrap = ephemeral key generation + DH (HPKE Encap), unwrap = one DH.',
      ],
    };
  },
};
