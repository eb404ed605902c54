/**
 * The operator's custody commands (docs/operations.md "Key custody"; `npm run server -- admin custody …`):
 *
 * - `escrow`: makes the recovery recipient — an X25519 key pair whose private key is sealed by the KMS at
 *   once and stored only as KMS ciphertext (an earlier escrow period's recipient is reused, so clients'
 *   pins hold) — puts the organisation in escrow mode and marks every conversation for rotation, so the
 *   next key version of each carries an escrow wrap.
 * - `zero-trust`: back to zero-trust; every conversation is marked for rotation (versions made in escrow
 *   mode stay recoverable; new ones are not).
 * - `server-trusted`: the key service makes every key version with its KMS (docs/protocol.md §19.4,
 *   serverKeys.ts); every conversation is marked for rotation. Documented as weaker: the key service can
 *   read every conversation from then on (docs/threat-model.md "Server-trusted mode").
 * - `request-export` / `approve-export` / `export`: a compliance export (or IT restore) of one conversation
 *   needs a request by one admin and an approval by another (`custody_second_admin_required` when the same
 *   actor approves), is used once, within `APPROVAL_TTL_MS` of the approval, and only in escrow mode
 *   (`custody_zero_trust`, or `custody_server_trusted` in that mode, otherwise). Every KMS use is in `kms_audit` (auditedKms.ts); every command in
 *   `audit_log`.
 *
 * An actor is `cli:<operating-system user>` (src/server/adminCli.ts): two approvals are as distinct as the
 * two operators' accounts on the admin host (docs/threat-model.md "Escrow mode").
 */
import { AppError } from '../../common/errors';
import type { CryptoProvider } from '../../common/crypto/provider';
import { toBase64Url } from '../../common/encoding/base64url';
import { xwingGenerateKeyPair } from '../../common/crypto/xwing';
import { escrowFingerprint } from '../../common/protocol/escrowWrap';
import { isId } from '../../common/ids';
import type { Database, Queryable } from '../db/db';
import { insertAudit } from '../store/audit';
import { conversationById } from '../store/conversations';
import { userById, userByName } from '../store/users';
import { AuditedKms } from './auditedKms';
import {
  approveRequest,
  custodyState,
  custodyView,
  insertRecipient,
  insertRequest,
  latestRecipient,
  markAllForRotation,
  requestById,
  setCustodyState,
  type CustodyRequestRow,
} from './store';

/** How long an approved request may be used. */
export const APPROVAL_TTL_MS = 24 * 60 * 60 * 1000;

/** The KMS encryption context of a recipient's sealed private key. */
export function recipientContext(fingerprint: string): Record<string, string> {
  return { purpose: 'seed-escrow-recipient', recipient: fingerprint };
}

export class CustodyError extends AppError {}

/**
 * The organisation is not in escrow mode, so the two-admin export and the IT restore do not apply. In
 * zero-trust mode (`custody_zero_trust`) nobody but member devices can read a conversation and no tool
 * tries; in server-trusted mode (`custody_server_trusted`) the key service makes the keys itself, but this
 * tool reads only what escrow wraps cover, and says so instead of calling the mode zero-trust.
 */
export class CustodyZeroTrustError extends CustodyError {
  constructor(mode: 'zero-trust' | 'server-trusted' = 'zero-trust') {
    super(
      mode === 'zero-trust' ? 'custody_zero_trust' : 'custody_server_trusted',
      mode === 'zero-trust'
        ? 'This organisation is in zero-trust mode: no key version is escrowed, so nothing can be exported or restored.'
        : 'This organisation is in server-trusted mode: the key service makes the conversation keys itself, and the two-admin export and IT restore read only conversations kept in escrow mode, so nothing was exported or restored.',
      'permission',
    );
  }
}

export class CustodySecondAdminRequiredError extends CustodyError {
  constructor() {
    super('custody_second_admin_required', 'A second admin must approve this request: the admin who asked for it cannot approve it.', 'permission');
  }
}

export class CustodyNotApprovedError extends CustodyError {
  constructor(id: string) {
    super('custody_not_approved', `Request ${id} has not been approved by a second admin yet, so nothing was exported.`, 'permission');
  }
}

export class CustodyRequestUsedError extends CustodyError {
  constructor(id: string) {
    super('custody_request_used', `Request ${id} was used already (each approval allows one export); ask for a new one.`, 'conflict');
  }
}

export class CustodyRequestExpiredError extends CustodyError {
  constructor(id: string) {
    super('custody_request_expired', `The approval of request ${id} is older than 24 hours; ask for a new one.`, 'conflict');
  }
}

/** The KMS would not unseal the recovery recipient during an export: nothing was written. */
export class CustodyKmsRefusedError extends CustodyError {
  constructor(code: string) {
    super(
      code,
      code === 'kms_key_disabled'
        ? "The KMS key that seals the organisation's recovery key is disabled, so nothing was exported; enable it and ask for a new request. Every KMS use is listed by custody kms-audit."
        : code === 'kms_unavailable'
          ? 'The KMS could not be reached, so nothing was exported; try again with a new request once it answers. Every KMS use is listed by custody kms-audit.'
          : "The KMS refused to unseal the organisation's recovery key (this host may not use that key, or it is another KMS), so nothing was exported. Every KMS use is listed by custody kms-audit.",
      code === 'kms_unavailable' ? 'unavailable' : 'permission',
    );
  }
}

/** The conversation's history could not be read from PubNub during an export: nothing was written. */
export class CustodyHistoryUnavailableError extends CustodyError {
  constructor(detail: string) {
    super(
      'custody_history_unavailable',
      `The conversation's history could not be read from PubNub (${detail}), so nothing was exported; check PUBNUB_ORIGIN and PUBNUB_SECRET_KEY and ask for a new request.`,
      'unavailable',
    );
  }
}

export class CustodyUnknownError extends CustodyError {
  constructor(what: string) {
    super('custody_unknown', what, 'not_found');
  }
}

export interface CustodyDeps {
  readonly db: Database;
  readonly crypto: CryptoProvider;
  readonly now: () => number;
  /** The KMS, asked for only by the commands that need it. */
  readonly kms: () => AuditedKms;
  readonly newId: () => string;
}

/** The custody mode and recipient as users see them. */
export async function showCustody(d: CustodyDeps, actor: string): Promise<unknown> {
  return d.db.transaction(async (tx) => {
    const view = await custodyView(tx);
    await insertAudit(tx, { at: d.now(), actor, action: 'custody.read', target: null, detail: {} });
    return view;
  });
}

/** Puts the organisation in escrow mode with a fresh recipient (its private key sealed by the KMS before it is stored). */
export async function enableEscrow(d: CustodyDeps, actor: string, reason: string): Promise<unknown> {
  const current = await custodyState(d.db);
  if (current.mode === 'escrow') return { ...(await custodyView(d.db)), changed: false };
  const earlier = await latestRecipient(d.db);
  if (earlier !== undefined) {
    // The recipient of an earlier escrow period: the same key, so every client's pin still holds.
    const now = d.now();
    const rotated = await d.db.transaction(async (tx) => {
      await setCustodyState(tx, { mode: 'escrow', recipient_id: earlier.id, changed_at: now, changed_by: actor });
      const count = await markAllForRotation(tx, 'custody_escrow', now);
      await insertAudit(tx, { at: now, actor, action: 'custody.escrow', target: earlier.id, detail: { reason, reused: true, rotating: count } });
      return count;
    });
    return { ...(await custodyView(d.db)), changed: true, rotating: rotated };
  }
  // X-Wing (docs/protocol.md §19.2): its wraps are kept as long as the history; the KMS seals the 32-byte seed.
  const pair = xwingGenerateKeyPair(d.crypto);
  try {
    const fingerprint = await escrowFingerprint(d.crypto, pair.publicKey);
    const kms = d.kms();
    const use = { actor, purpose: 'escrow-recipient.seal', target: fingerprint };
    const keyId = await kms.keyId(use);
    const sealed = await kms.encrypt(keyId, pair.privateKey, recipientContext(fingerprint), use);
    const now = d.now();
    const rotated = await d.db.transaction(async (tx) => {
      await insertRecipient(tx, {
        id: fingerprint,
        public_key: toBase64Url(pair.publicKey),
        sealed_private_key: toBase64Url(sealed),
        kms_kind: kms.kind,
        kms_key_id: keyId,
        created_at: now,
        created_by: actor,
      });
      await setCustodyState(tx, { mode: 'escrow', recipient_id: fingerprint, changed_at: now, changed_by: actor });
      const count = await markAllForRotation(tx, 'custody_escrow', now);
      await insertAudit(tx, { at: now, actor, action: 'custody.escrow', target: fingerprint, detail: { reason, kms: kms.kind, keyId, rotating: count } });
      return count;
    });
    return { ...(await custodyView(d.db)), changed: true, rotating: rotated };
  } finally {
    pair.privateKey.fill(0);
  }
}

/**
 * Server-trusted mode (docs/protocol.md §19.4): from now on the key service makes every key version with
 * its KMS; every conversation is marked for rotation, so its next version is server-made. The KMS is asked
 * for its key first (a KMS that does not answer leaves the mode unchanged).
 */
export async function enableServerTrusted(d: CustodyDeps, actor: string, reason: string): Promise<unknown> {
  if ((await custodyState(d.db)).mode === 'server-trusted') return { ...(await custodyView(d.db)), changed: false };
  const kms = d.kms();
  const keyId = await kms.keyId({ actor, purpose: 'server-trusted.check' });
  const now = d.now();
  return d.db.transaction(async (tx) => {
    const current = await custodyState(tx, true);
    if (current.mode === 'server-trusted') return { ...(await custodyView(tx)), changed: false };
    await setCustodyState(tx, { mode: 'server-trusted', recipient_id: null, changed_at: now, changed_by: actor });
    const count = await markAllForRotation(tx, 'custody_server_trusted', now);
    await insertAudit(tx, { at: now, actor, action: 'custody.server_trusted', target: null, detail: { reason, kms: kms.kind, keyId, rotating: count } });
    return { ...(await custodyView(tx)), changed: true, rotating: count };
  });
}

/** Back to zero-trust: new key versions carry no escrow wrap and are made by member devices again; every conversation rotates. */
export async function disableEscrow(d: CustodyDeps, actor: string, reason: string): Promise<unknown> {
  const now = d.now();
  return d.db.transaction(async (tx) => {
    const current = await custodyState(tx);
    if (current.mode === 'zero-trust') return { ...(await custodyView(tx)), changed: false };
    await setCustodyState(tx, { mode: 'zero-trust', recipient_id: null, changed_at: now, changed_by: actor });
    const count = await markAllForRotation(tx, 'custody_zero_trust', now);
    await insertAudit(tx, { at: now, actor, action: 'custody.zero_trust', target: current.recipient_id, detail: { reason, rotating: count } });
    return { ...(await custodyView(tx)), changed: true, rotating: count };
  });
}

async function requireEscrow(q: Queryable): Promise<void> {
  const { mode } = await custodyState(q);
  if (mode !== 'escrow') throw new CustodyZeroTrustError(mode);
}

function requestView(r: CustodyRequestRow): Record<string, unknown> {
  return {
    requestId: r.id,
    kind: r.kind,
    ...(r.kind === 'export' ? { conversationId: r.target } : { userId: r.target }),
    reason: r.reason,
    requestedBy: r.requested_by,
    requestedAt: new Date(r.requested_at).toISOString(),
    approvedBy: r.approved_by,
    approvedAt: r.approved_at === null ? null : new Date(r.approved_at).toISOString(),
    used: r.used_at !== null,
  };
}

/** The first admin's request: export one conversation, or restore (export) every conversation of a user. */
export async function requestExport(d: CustodyDeps, actor: string, which: string, reason: string, kind: 'export' | 'restore' = 'export'): Promise<unknown> {
  const now = d.now();
  return d.db.transaction(async (tx) => {
    await requireEscrow(tx);
    let target: string;
    if (kind === 'export') {
      if (!isId(which) || !(await conversationById(tx, which)))
        throw new CustodyUnknownError(`There is no conversation ${JSON.stringify(which.slice(0, 64))}.`);
      target = which;
    } else {
      const user = (await userById(tx, which)) ?? (await userByName(tx, which.toLowerCase()));
      if (!user) throw new CustodyUnknownError(`There is no user ${JSON.stringify(which.slice(0, 64))}.`);
      target = user.id;
    }
    const row: CustodyRequestRow = {
      id: d.newId(),
      kind,
      target,
      reason,
      requested_by: actor,
      requested_at: now,
      approved_by: null,
      approved_at: null,
      used_at: null,
    };
    await insertRequest(tx, row);
    await insertAudit(tx, { at: now, actor, action: 'custody.export_request', target, detail: { requestId: row.id, kind, reason } });
    return requestView(row);
  });
}

/** A second admin's approval; the requester cannot approve their own request (the refusal is audited). */
export async function approveExport(d: CustodyDeps, actor: string, requestId: string, reason: string): Promise<unknown> {
  const now = d.now();
  const outcome = await d.db.transaction(async (tx) => {
    await requireEscrow(tx);
    const row = await requestById(tx, requestId, true);
    if (!row) throw new CustodyUnknownError(`There is no request ${JSON.stringify(requestId.slice(0, 64))}.`);
    if (row.requested_by === actor) return { refused: new CustodySecondAdminRequiredError(), row };
    if (row.used_at !== null) throw new CustodyRequestUsedError(requestId);
    if (row.approved_by !== null) return { view: requestView(row) };
    await approveRequest(tx, requestId, actor, now);
    await insertAudit(tx, { at: now, actor, action: 'custody.export_approve', target: row.target, detail: { requestId, reason } });
    return { view: requestView({ ...row, approved_by: actor, approved_at: now }) };
  });
  if ('view' in outcome) return outcome.view;
  await d.db.transaction((tx) =>
    insertAudit(tx, { at: now, actor, action: 'custody.export_refused', target: outcome.row.target, detail: { requestId, why: outcome.refused.code } }),
  );
  throw outcome.refused;
}

/** The approved, unused request (in escrow mode), now marked used; an attempt refused is audited in its own transaction. */
export async function claimApprovedRequest(d: CustodyDeps, actor: string, requestId: string): Promise<CustodyRequestRow> {
  const now = d.now();
  const refuse = async (err: CustodyError, target: string | null): Promise<never> => {
    await d.db.transaction((tx) => insertAudit(tx, { at: now, actor, action: 'custody.export_refused', target, detail: { requestId, why: err.code } }));
    throw err;
  };
  const found = await d.db.transaction(async (tx) => {
    const { mode } = await custodyState(tx);
    if (mode !== 'escrow') return new CustodyZeroTrustError(mode);
    const row = await requestById(tx, requestId, true);
    if (!row) return new CustodyUnknownError(`There is no request ${JSON.stringify(requestId.slice(0, 64))}.`);
    if (row.approved_by === null || row.approved_at === null || row.approved_by === row.requested_by)
      return { row, err: new CustodyNotApprovedError(requestId) };
    if (row.used_at !== null) return { row, err: new CustodyRequestUsedError(requestId) };
    if (now - row.approved_at > APPROVAL_TTL_MS) return { row, err: new CustodyRequestExpiredError(requestId) };
    await tx.run('UPDATE custody_requests SET used_at = ? WHERE id = ? AND used_at IS NULL', [now, requestId]);
    await insertAudit(tx, {
      at: now,
      actor,
      action: 'custody.export',
      target: row.target,
      detail: { requestId, requestedBy: row.requested_by, approvedBy: row.approved_by },
    });
    return { row, err: undefined };
  });
  if (found instanceof CustodyError) return refuse(found, null);
  if (found.err !== undefined) return refuse(found.err, found.row.target);
  return found.row;
}
