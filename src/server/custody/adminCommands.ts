/**
 * `npm run server -- admin --data <dir> custody …` (docs/operations.md "Key custody"), dispatched from the
 * admin CLI (src/server/adminCli.ts):
 *
 *   custody                                        the mode and the recovery recipient's fingerprint
 *   custody escrow --reason "…"                    escrow mode with a fresh KMS-sealed recipient; every conversation rotates
 *   custody zero-trust --reason "…"                back to zero-trust; every conversation rotates
 *   custody server-trusted --reason "…"            the key service makes every key version with its KMS; every conversation rotates
 *   custody request-export <conversation id> --reason "…"   the first admin asks for one conversation
 *   custody request-restore <username|user id> --reason "…" the first admin asks for every conversation of a user (IT restore)
 *   custody approve-export <request id> --reason "…"        a second admin approves (either kind)
 *   custody export <request id> --out <file>       decrypts the history into <file> (0600), once
 *   custody kms-audit [--limit N]                  the newest KMS uses
 *
 * The KMS is the key service's (kmsFromEnv: SEED_KMS, KMS_KEY_ID, AWS_REGION, KMS_ENDPOINT,
 * KMS_MASTER_KEY_FILE); the export reads history with the key service's PubNub secret key (PUBNUB_ORIGIN,
 * PUBNUB_SECRET_KEY, PUBNUB_PUBLISH_KEY, PUBNUB_SUBSCRIBE_KEY, PUBNUB_SSL=1 for TLS).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import PubNub from 'pubnub';
import { AppError } from '../../common/errors';
import type { PubNubClient } from '../../common/messaging/transport';
import { chooseCryptoProvider } from '../../node/crypto/providers';
import type { Database } from '../db/db';
import { kmsFromEnv, type Kms } from '../kms';
import { insertAudit } from '../store/audit';
import { approveExport, claimApprovedRequest, disableEscrow, enableEscrow, enableServerTrusted, requestExport, showCustody, type CustodyDeps } from './admin';
import { AuditedKms } from './auditedKms';
import { exportConversation, type ConversationExport, type UnsealedRecipients } from './export';
import { conversationsOfUser } from '../store/conversations';
import { kmsAudit } from './store';

export class CustodyUsageError extends AppError {
  constructor(message: string) {
    super('admin_usage', message, 'validation');
  }
}

export const CUSTODY_USAGE =
  'custody | custody escrow --reason TEXT | custody zero-trust --reason TEXT | custody server-trusted --reason TEXT | custody request-export <conversation> --reason TEXT | custody request-restore <user> --reason TEXT | custody approve-export <request> --reason TEXT | custody export <request> --out FILE | custody kms-audit [--limit N]';

export interface CustodyCommandInput {
  readonly db: Database;
  readonly dataDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly actor: string;
  readonly args: readonly string[];
  readonly reason: string | undefined;
  readonly out: string | undefined;
  readonly limit: number;
  /** Tests: the KMS and PubNub client to use instead of the environment's. */
  readonly kms?: Kms;
  readonly pubnub?: PubNubClient;
}

function pubnubFromEnv(env: NodeJS.ProcessEnv): PubNubClient {
  const origin = env.PUBNUB_ORIGIN;
  const secretKey = env.PUBNUB_SECRET_KEY;
  if (!origin || !secretKey)
    throw new CustodyUsageError('The export reads the conversation history with the key service PubNub settings: set PUBNUB_ORIGIN and PUBNUB_SECRET_KEY.');
  return new PubNub({
    publishKey: env.PUBNUB_PUBLISH_KEY ?? 'pub-c-seed-local',
    subscribeKey: env.PUBNUB_SUBSCRIBE_KEY ?? 'sub-c-seed-local',
    secretKey,
    userId: 'seed-custody-export',
    origin,
    ssl: env.PUBNUB_SSL === '1',
    retryConfiguration: PubNub.NoneRetryPolicy(),
  });
}

export async function runCustodyCommand(i: CustodyCommandInput): Promise<unknown> {
  const [sub, target, ...rest] = i.args;
  if (rest.length > 0) throw new CustodyUsageError(`unexpected ${JSON.stringify(rest[0])}\nusage: ${CUSTODY_USAGE}`);
  const reason = i.reason?.trim() ?? '';
  const needsReason = ['escrow', 'zero-trust', 'server-trusted', 'request-export', 'request-restore', 'approve-export'];
  const needsTarget = ['request-export', 'request-restore', 'approve-export', 'export'];
  if (sub !== undefined && ![...needsReason, ...needsTarget, 'kms-audit'].includes(sub))
    throw new CustodyUsageError(`unknown custody command ${JSON.stringify(sub)}\nusage: ${CUSTODY_USAGE}`);
  if (sub !== undefined && needsTarget.includes(sub) && (target === undefined || target.trim() === ''))
    throw new CustodyUsageError(`custody ${sub} needs a ${sub === 'request-export' ? 'conversation id' : sub === 'request-restore' ? 'user' : 'request id'}`);
  if ((sub === undefined || !needsTarget.includes(sub)) && target !== undefined) throw new CustodyUsageError(`custody ${sub ?? ''} takes no argument`);
  if (sub !== undefined && needsReason.includes(sub) && reason === '')
    throw new CustodyUsageError(`custody ${sub} needs --reason "…" (it goes to the audit log)`);
  if (sub === 'export' && (i.out === undefined || i.out.trim() === ''))
    throw new CustodyUsageError('The export needs --out <file>, the new file it is written to.');
  if (sub === 'export' && existsSync(i.out!))
    throw new CustodyUsageError(`${i.out} exists already, and the export never overwrites a file; choose another --out.`);

  const crypto = chooseCryptoProvider().provider;
  let kms: AuditedKms | undefined;
  const now = () => Date.now();
  const deps: CustodyDeps = {
    db: i.db,
    crypto,
    now,
    kms: () => (kms ??= new AuditedKms(i.kms ?? kmsFromEnv(i.env, i.dataDir), i.db, now)),
    newId: () => randomBytes(16).toString('base64url'),
  };
  switch (sub) {
    case undefined:
      return showCustody(deps, i.actor);
    case 'escrow':
      return enableEscrow(deps, i.actor, reason);
    case 'zero-trust':
      return disableEscrow(deps, i.actor, reason);
    case 'server-trusted':
      return enableServerTrusted(deps, i.actor, reason);
    case 'request-export':
      return requestExport(deps, i.actor, target!, reason);
    case 'request-restore':
      return requestExport(deps, i.actor, target!, reason, 'restore');
    case 'approve-export':
      return approveExport(deps, i.actor, target!, reason);
    case 'export': {
      const request = await claimApprovedRequest(deps, i.actor, target!);
      const parts = { db: i.db, crypto, kms: deps.kms(), pubnub: i.pubnub ?? pubnubFromEnv(i.env) };
      const unsealed: UnsealedRecipients = new Map();
      let conversations: ConversationExport[];
      try {
        const ids = request.kind === 'export' ? [request.target] : (await conversationsOfUser(i.db, request.target)).map((c) => c.id);
        conversations = [];
        for (const id of ids) conversations.push(await exportConversation(parts, i.actor, request, id, unsealed));
      } finally {
        for (const k of unsealed.values()) k.fill(0);
      }
      const result =
        request.kind === 'export'
          ? conversations[0]!
          : { userId: request.target, requestId: request.id, requestedBy: request.requested_by, approvedBy: request.approved_by, conversations };
      writeFileSync(i.out!, `${JSON.stringify(result, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
      return {
        requestId: request.id,
        kind: request.kind,
        out: i.out,
        conversations: conversations.map((c) => ({
          conversationId: c.conversationId,
          messages: c.messages.length,
          unreadable: c.unreadable.length,
          escrowedVersions: c.escrowedVersions,
        })),
      };
    }
    default:
      return i.db.transaction(async (tx) => {
        const rows = await kmsAudit(tx, i.limit);
        await insertAudit(tx, { at: now(), actor: i.actor, action: 'custody.read', target: null, detail: { kmsAudit: i.limit } });
        return { kmsAudit: rows.map((r) => ({ ...r, at: new Date(r.at).toISOString() })) };
      });
  }
}
