/**
 * The HPKE key schedule for mode_base (RFC 9180 §5.1) and the encryption context it yields: Seal/Open
 * with the sequence-number nonce (§5.2) and Export (§5.3). Our protocol uses one message per context
 * (single-shot, §6); the full context exists so that the RFC vectors' later sequence numbers are checked too.
 * The schedule is the same for every KEM; only the suite_id differs (DHKEM(X25519) by default, X-Wing in
 * `xwingBase.ts`), so it is a parameter with the original suite as its default.
 */
import { concatBytes, i2osp } from '../../encoding/bytes';
import { BadTagError } from '../../protocol/errors';
import type { CryptoProvider } from '../provider';
import { HPKE_SUITE_ID, labeledExpand, labeledExtract, N_H, N_K, N_N } from './suite';

const MODE_BASE = 0x00;
const EMPTY = new Uint8Array(0);

/** Key and base nonce of a context, plus what Export needs to derive the exporter secret on demand. */
export interface KeyScheduleOutput {
  readonly key: Uint8Array;
  readonly baseNonce: Uint8Array;
  readonly secret: Uint8Array;
  readonly keyScheduleContext: Uint8Array;
  /** The suite_id the schedule was derived under (Export needs it). */
  readonly suiteId: Uint8Array;
}

/** psk_id_hash is the same for every base-mode context of a suite: computed once per provider and suite. */
const pskIdHashes = new WeakMap<CryptoProvider, Map<Uint8Array, Promise<Uint8Array>>>();
function pskIdHash(provider: CryptoProvider, suiteId: Uint8Array): Promise<Uint8Array> {
  let bySuite = pskIdHashes.get(provider);
  if (!bySuite) pskIdHashes.set(provider, (bySuite = new Map()));
  let hash = bySuite.get(suiteId);
  if (!hash) {
    hash = labeledExtract(provider, suiteId, EMPTY, 'psk_id_hash', EMPTY);
    bySuite.set(suiteId, hash);
  }
  return hash;
}

/**
 * key_schedule_context = mode ‖ psk_id_hash ‖ info_hash (RFC 9180 §5.1) depends on the info alone, not on
 * the shared secret: prepared once, it serves every message sealed under the same info (the wraps of one
 * key version to all member devices), saving one HMAC per message.
 */
export interface PreparedInfo {
  readonly keyScheduleContext: Uint8Array;
  /** The suite_id it was prepared under; absent means the default suite (HPKE_SUITE_ID). */
  readonly suiteId?: Uint8Array;
}

export async function prepareInfo(provider: CryptoProvider, info: Uint8Array, suiteId: Uint8Array = HPKE_SUITE_ID): Promise<PreparedInfo> {
  const infoHash = await labeledExtract(provider, suiteId, EMPTY, 'info_hash', info);
  return { keyScheduleContext: concatBytes(Uint8Array.of(MODE_BASE), await pskIdHash(provider, suiteId), infoHash), suiteId };
}

/**
 * KeySchedule(mode_base, shared_secret, info, psk = "", psk_id = "") (RFC 9180 §5.1), with `info` as bytes
 * or prepared (`prepareInfo`). The exporter secret is derived only when Export is used (`exporterSecret`),
 * since key wraps never export.
 */
export async function keyScheduleBase(
  provider: CryptoProvider,
  sharedSecret: Uint8Array,
  info: Uint8Array | PreparedInfo,
  suiteId: Uint8Array = HPKE_SUITE_ID,
): Promise<KeyScheduleOutput> {
  const prepared = info instanceof Uint8Array ? await prepareInfo(provider, info, suiteId) : info;
  if ((prepared.suiteId ?? HPKE_SUITE_ID) !== suiteId) throw new RangeError('HPKE: info was prepared under another suite');
  const { keyScheduleContext } = prepared;
  const secret = await labeledExtract(provider, suiteId, sharedSecret, 'secret', EMPTY);
  const key = await labeledExpand(provider, suiteId, secret, 'key', keyScheduleContext, N_K);
  const baseNonce = await labeledExpand(provider, suiteId, secret, 'base_nonce', keyScheduleContext, N_N);
  return { key, baseNonce, secret, keyScheduleContext, suiteId };
}

/** exporter_secret = LabeledExpand(secret, "exp", key_schedule_context, Nh) (RFC 9180 §5.1). */
export function exporterSecret(provider: CryptoProvider, schedule: KeyScheduleOutput): Promise<Uint8Array> {
  return labeledExpand(provider, schedule.suiteId, schedule.secret, 'exp', schedule.keyScheduleContext, N_H);
}

/** An HPKE encryption context (sender or recipient side; both hold the same secrets). */
export class HpkeContext {
  private sequence = 0;
  constructor(
    private readonly provider: CryptoProvider,
    private readonly schedule: KeyScheduleOutput,
  ) {}

  /** ComputeNonce(seq) = base_nonce XOR I2OSP(seq, Nn) (RFC 9180 §5.2). */
  private currentNonce(): Uint8Array {
    const seq = i2osp(this.sequence, N_N);
    return this.schedule.baseNonce.map((b, i) => b ^ (seq[i] ?? 0));
  }

  /** Seal(aad, pt) with the next sequence number. */
  seal(aad: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
    const nonce = this.currentNonce();
    this.sequence += 1;
    return this.provider.aes256GcmEncrypt(this.schedule.key, nonce, plaintext, aad);
  }

  /** Open(aad, ct) with the next sequence number; BadTagError when authentication fails. */
  async open(aad: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array> {
    const plaintext = await this.provider.aes256GcmDecrypt(this.schedule.key, this.currentNonce(), ciphertext, aad);
    if (plaintext === null) throw new BadTagError('HPKE open failed');
    this.sequence += 1;
    return plaintext;
  }

  /** Export(exporter_context, L) = LabeledExpand(exporter_secret, "sec", exporter_context, L) (RFC 9180 §5.3). */
  async export(exporterContext: Uint8Array, length: number): Promise<Uint8Array> {
    return labeledExpand(this.provider, this.schedule.suiteId, await exporterSecret(this.provider, this.schedule), 'sec', exporterContext, length);
  }
}
