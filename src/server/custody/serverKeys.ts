/**
 * Server-trusted custody (docs/protocol.md §19.4, docs/threat-model.md "Server-trusted mode"): the key
 * service makes each conversation key version with the KMS (GenerateDataKey, encryption context
 * {purpose: seed-conversation-key, conversation, version}), stores only the KMS ciphertext with the
 * version, the membership head and the time (serverKeyStore.ts), and hands the key to an authenticated
 * member device sealed to that device's key — HPKE X-Wing when its certificate has an X-Wing key, else
 * X25519 (docs/protocol.md §5.1) — a fresh wrap per fetch (src/common/protocol/serverKeyWrap.ts).
 *
 * Access is decided by membership and role: any current member (owner, admin or member) with an unrevoked
 * device may make the next version and read every version from its first entitled one on (the rule of
 * device wraps, `before_membership`); a removed member or a non-member gets `not_a_member`. Every KMS call
 * is in `kms_audit` (auditedKms.ts), which is how calls are counted; unwrapped keys are kept in a bounded cache
 * (dataKeyCache.ts) so a fetch does not call the KMS every time. A KMS failure answers 503 with its code
 * (`kms_key_disabled`, `kms_unavailable`, `kms_decrypt_failed`) and serves nothing.
 */
import type { ConversationId, DeviceId } from '../../common/ids';
import { fromBase64Url, toBase64Url } from '../../common/encoding/base64url';
import { sealServerKeyWrap } from '../../common/protocol/serverKeyWrap';
import type { ServerKeyView } from '../../common/api/custodySchemas';
import { HttpError, Conflict, Forbidden, NotFound } from '../http/httpErrors';
import type { DevicePrincipal } from '../http/route';
import type { Services } from '../services';
import { KmsError, type Kms, type KmsContext } from '../kms/kms';
import { Effects } from '../pubnub/effects';
import { advanceVersion, memberIds } from '../store/conversations';
import { deviceById } from '../store/devices';
import { membershipHead } from '../store/membershipStatements';
import { latestVersionTime } from '../store/keyVersions';
import { UniqueViolation } from '../db/dbErrors';
import { lockAsMember, requireMember } from '../api/access';
import { AuditedKms } from './auditedKms';
import { DataKeyCache, type DataKeyCacheOptions } from './dataKeyCache';
import { insertServerKey, membershipOfRow, serverKeyRow } from './serverKeyStore';
import { custodyState } from './store';

/** The KMS encryption context of a server-made conversation key. */
export function serverKeyContext(conversationId: string, version: number): KmsContext {
  return { purpose: 'seed-conversation-key', conversation: conversationId, version: String(version) };
}

export class ServerKeys {
  private readonly cache: DataKeyCache;
  private readonly audited: AuditedKms;
  private keyId: string | undefined;

  constructor(
    private readonly svc: Pick<Services, 'db' | 'crypto' | 'now' | 'outbox'>,
    private readonly kms: Kms,
    cache: DataKeyCacheOptions = {},
  ) {
    this.cache = new DataKeyCache(cache, svc.now);
    this.audited = new AuditedKms(kms, svc.db, svc.now);
  }

  /** Makes version current+1 of a conversation in server-trusted mode; answers it with its time. */
  async rotate(principal: DevicePrincipal, conversationId: string): Promise<{ version: number; createdAt: number }> {
    const { conversation } = await requireMember(this.svc.db, conversationId, principal.userId);
    await this.requireServerTrusted();
    const version = conversation.current_version + 1;
    const use = { actor: `device:${principal.deviceId}`, purpose: 'server-key.generate', target: `${conversationId}/${version}` };
    const keyId = await this.kmsKeyId(use);
    const made = await kmsCall(() => this.audited.generateDataKey(keyId, serverKeyContext(conversationId, version), use));
    try {
      const { createdAt, effects } = await this.svc.db.transaction(async (tx) => {
        const locked = await lockAsMember(tx, conversationId, principal.userId);
        if (locked.conversation.current_version !== conversation.current_version)
          throw new Conflict(`version ${version} is not next; the next version is ${locked.conversation.current_version + 1}`, 'version_conflict');
        if ((await custodyState(tx)).mode !== 'server-trusted') throw notServerTrusted();
        const head = await membershipHead(tx, conversationId);
        const previous = await latestVersionTime(tx, conversationId);
        const at = Math.max(this.svc.now(), previous?.created_at ?? 0);
        await insertServerKey(tx, {
          conversation_id: conversationId,
          version,
          kms_ciphertext: toBase64Url(made.ciphertext),
          kms_kind: this.kms.kind,
          kms_key_id: keyId,
          membership_seq: head?.seq ?? null,
          membership_hash: head?.hash ?? null,
          created_at: at,
          created_by_device: principal.deviceId,
        });
        await advanceVersion(tx, conversationId, version, at);
        const fx = new Effects();
        fx.notify(await memberIds(tx, conversationId), { type: 'key_version', conversationId: conversationId as ConversationId, version });
        await this.svc.outbox.record(tx, fx);
        return { createdAt: at, effects: fx };
      });
      this.cache.put(cacheId(conversationId, version), made.plaintext);
      await this.svc.outbox.afterCommit(effects);
      return { version, createdAt };
    } catch (err) {
      if (err instanceof UniqueViolation) throw new Conflict('another version was made concurrently', 'version_conflict');
      throw err;
    } finally {
      made.plaintext.fill(0);
    }
  }

  /** A server-made version sealed to the calling device, for a current member entitled to it. */
  async fetch(principal: DevicePrincipal, conversationId: string, version: number): Promise<ServerKeyView> {
    const { conversation, member } = await requireMember(this.svc.db, conversationId, principal.userId);
    if (version > conversation.current_version) throw new NotFound('no such key version', 'no_such_version');
    if (version < member.first_version) throw new Forbidden('that version predates your membership', 'before_membership');
    const row = await serverKeyRow(this.svc.db, conversationId, version);
    if (row === undefined) throw new NotFound('the key service did not make this version', 'no_such_version');
    const device = await deviceById(this.svc.db, principal.deviceId);
    if (device === undefined) throw new Forbidden('calling device is not registered', 'device_unknown');
    // The certificate was verified when the device registered; X-Wing when it has an X-Wing key (§5.1).
    const certificate = JSON.parse(device.certificate) as { x25519: string; xwing?: string };
    const x25519 = fromBase64Url(certificate.x25519);
    const xwing = typeof certificate.xwing === 'string' ? fromBase64Url(certificate.xwing) : undefined;
    const id = cacheId(conversationId, version);
    let key = this.cache.get(id);
    if (key === undefined) {
      const use = { actor: `device:${principal.deviceId}`, purpose: 'server-key.unwrap', target: id };
      const unwrapped = await kmsCall(() =>
        this.audited.decrypt(row.kms_key_id, fromBase64Url(row.kms_ciphertext), serverKeyContext(conversationId, version), use),
      );
      this.cache.put(id, unwrapped);
      key = unwrapped;
    }
    try {
      const wrap = await sealServerKeyWrap(this.svc.crypto, {
        conversationId,
        version,
        recipientDeviceId: principal.deviceId as DeviceId,
        recipientPublicKey: x25519,
        ...(xwing !== undefined ? { recipientXWingPublicKey: xwing } : {}),
        key,
      });
      return { conversationId: conversationId as ConversationId, version, createdAt: row.created_at, membership: membershipOfRow(row), wrap };
    } finally {
      key.fill(0);
    }
  }

  /** Zeroes every cached key. */
  close(): void {
    this.cache.clear();
  }

  private async requireServerTrusted(): Promise<void> {
    if ((await custodyState(this.svc.db)).mode !== 'server-trusted') throw notServerTrusted();
  }

  /** The KMS key's id, asked once (DescribeKey), then kept. */
  private async kmsKeyId(use: { actor: string; purpose: string; target: string }): Promise<string> {
    this.keyId ??= await kmsCall(() => this.audited.keyId(use));
    return this.keyId;
  }
}

function cacheId(conversationId: string, version: number): string {
  return `${conversationId}/${version}`;
}

function notServerTrusted(): Conflict {
  return new Conflict('this organisation is not in server-trusted mode: member devices make the key versions', 'custody_not_server_trusted');
}

/** A KMS failure is answered as 503 with its own code; nothing is stored or served. */
async function kmsCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof KmsError) throw new HttpError(503, err.code as 'kms_unavailable' | 'kms_key_disabled' | 'kms_decrypt_failed', err.message);
    throw err;
  }
}
