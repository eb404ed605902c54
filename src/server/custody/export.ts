/**
 * The compliance export / IT restore of one conversation (docs/operations.md "Key custody"), run by the
 * admin CLI once a second admin approved the request (admin.ts `claimApprovedRequest`): the recipient's
 * private key is unsealed by the KMS (audited, once per recipient the conversation's escrow wraps name),
 * each escrowed key version is opened, the conversation's history is read from the relay / PubNub with the
 * key service's secret key, and every envelope is verified (its sender device's certificate from the
 * database) and decrypted. Versions made without an escrow wrap (before escrow mode, or in zero-trust mode)
 * cannot be opened and are listed as such; so are envelopes under them.
 */
import type { CryptoProvider } from '../../common/crypto/provider';
import { fromBase64Url, toBase64Url } from '../../common/encoding/base64url';
import { isId, type ConversationId, type DeviceId } from '../../common/ids';
import { classifyFailure, fetchPage, type HistoryEntry, type PubNubClient } from '../../common/messaging/transport';
import { compareTimetokens } from '../../common/messaging/timetoken';
import { parseDeviceCertificate } from '../../common/protocol/deviceCertificate';
import { openEnvelope } from '../../common/protocol/envelopeSeal';
import { openEscrowWrap } from '../../common/protocol/escrowWrap';
import { isProtocolError } from '../../common/protocol/errors';
import { conversationPubnubChannel } from '../../common/pubnubChannels';
import type { Database } from '../db/db';
import { deviceById } from '../store/devices';
import { CustodyHistoryUnavailableError, CustodyKmsRefusedError, CustodyUnknownError, recipientContext } from './admin';
import type { AuditedKms } from './auditedKms';
import { KmsError } from '../kms/kms';
import { escrowWrapsOf, recipientById, type CustodyRequestRow } from './store';

/** Most history entries one export reads. */
export const MAX_EXPORT_MESSAGES = 100_000;
const PAGE = 100;

export interface ExportedMessage {
  readonly timetoken: string;
  readonly type: string;
  readonly keyVersion: number;
  readonly senderDevice: string;
  readonly senderUser: string | null;
  readonly messageId: string;
  readonly sentAt: string;
  readonly bodyType: string;
  readonly body: unknown;
}

export interface ConversationExport {
  readonly conversationId: string;
  readonly requestId: string;
  readonly requestedBy: string;
  readonly approvedBy: string | null;
  /** Key versions opened through the escrow wrap. */
  readonly escrowedVersions: number[];
  readonly messages: ExportedMessage[];
  /** History entries that could not be opened, with the reason (no escrow wrap for their version, a bad signature…). */
  readonly unreadable: { timetoken: string; keyVersion: number | null; reason: string }[];
}

/** Reads a channel's whole history, oldest first. */
export async function readHistory(pubnub: PubNubClient, channel: string): Promise<HistoryEntry[]> {
  const all: HistoryEntry[] = [];
  let start: string | undefined;
  for (;;) {
    const page = await fetchPage(pubnub, channel, { count: PAGE, ...(start !== undefined ? { start } : {}) });
    if (page.length === 0) break;
    all.push(...page);
    if (page.length < PAGE || all.length >= MAX_EXPORT_MESSAGES) break;
    start = page.reduce((min, e) => (compareTimetokens(e.timetoken, min) < 0 ? e.timetoken : min), page[0]!.timetoken);
  }
  const seen = new Set<string>();
  return all.filter((e) => (seen.has(e.timetoken) ? false : (seen.add(e.timetoken), true))).sort((a, b) => compareTimetokens(a.timetoken, b.timetoken));
}

/** Recipient private keys unsealed during one export (each asked from the KMS once); the caller zero-fills them. */
export type UnsealedRecipients = Map<string, Uint8Array>;

export async function exportConversation(
  deps: { db: Database; crypto: CryptoProvider; kms: AuditedKms; pubnub: PubNubClient },
  actor: string,
  request: CustodyRequestRow,
  conversationId: string,
  unsealed: UnsealedRecipients,
): Promise<ConversationExport> {
  if (!isId(conversationId))
    throw new CustodyUnknownError(`The request names ${JSON.stringify(String(conversationId).slice(0, 64))}, which is not a conversation.`);
  const keys = new Map<number, Uint8Array>();
  try {
    const wraps = await escrowWrapsOf(deps.db, conversationId);
    const byRecipient = new Map<string, typeof wraps>();
    for (const w of wraps) byRecipient.set(w.recipient_id, [...(byRecipient.get(w.recipient_id) ?? []), w]);
    const unopened: number[] = [];
    for (const [recipientId, list] of byRecipient) {
      const recipient = await recipientById(deps.db, recipientId);
      if (!recipient) continue;
      const publicKey = fromBase64Url(recipient.public_key);
      let privateKey = unsealed.get(recipientId);
      if (privateKey === undefined) {
        privateKey = await deps.kms
          .decrypt(recipient.kms_key_id, fromBase64Url(recipient.sealed_private_key), recipientContext(recipientId), {
            actor,
            purpose: 'escrow-recipient.unseal',
            requestId: request.id,
            target: request.target,
          })
          .catch((err: unknown) => {
            // The KMS use is in kms_audit with its code; the operator reads a sentence.
            throw err instanceof KmsError ? new CustodyKmsRefusedError(err.code) : err;
          });
        unsealed.set(recipientId, privateKey);
      }
      for (const w of list) {
        const parsed = JSON.parse(w.wrap) as { suite?: 'xwing'; enc: string; ct: string };
        try {
          keys.set(
            Number(w.version),
            await openEscrowWrap(deps.crypto, {
              conversationId,
              version: Number(w.version),
              wrap: { ...(parsed.suite === 'xwing' ? { suite: 'xwing' as const } : {}), recipient: recipientId, enc: parsed.enc, ct: parsed.ct },
              privateKey,
              publicKey,
            }),
          );
        } catch (err) {
          if (!isProtocolError(err)) throw err;
          unopened.push(Number(w.version));
        }
      }
    }
    const history = await readHistory(deps.pubnub, conversationPubnubChannel(conversationId)).catch((err: unknown) => {
      const failure = classifyFailure(err);
      throw new CustodyHistoryUnavailableError(`${failure.code}: ${failure.message}`);
    });
    const signers = new Map<string, { key: Uint8Array; userId: string } | null>();
    const signer = async (deviceId: string) => {
      if (!signers.has(deviceId)) {
        const row = await deviceById(deps.db, deviceId);
        let found: { key: Uint8Array; userId: string } | null = null;
        if (row) {
          try {
            const cert = parseDeviceCertificate(JSON.parse(row.certificate));
            found = { key: fromBase64Url(cert.ed25519), userId: cert.userId };
          } catch {
            found = null;
          }
        }
        signers.set(deviceId, found);
      }
      return signers.get(deviceId) ?? undefined;
    };
    const messages: ExportedMessage[] = [];
    const unreadable: ConversationExport['unreadable'] = [];
    for (const entry of history) {
      const keyVersion = versionOf(entry.message);
      try {
        const opened = await openEnvelope(deps.crypto, entry.message, {
          conversationId: conversationId as ConversationId,
          keyForVersion: (v) => keys.get(v),
          memberSigningKey: async (d: DeviceId) => (await signer(d))?.key,
        });
        const m = opened.message;
        messages.push({
          timetoken: entry.timetoken,
          type: opened.header.type,
          keyVersion: opened.header.keyVersion,
          senderDevice: opened.header.senderDevice,
          senderUser: (await signer(opened.header.senderDevice))?.userId ?? null,
          messageId: m.id,
          sentAt: new Date(m.sentAt).toISOString(),
          bodyType: m.type,
          body: m.type === 'binary' ? toBase64Url(m.body) : m.body,
        });
      } catch (err) {
        if (!isProtocolError(err)) throw err;
        unreadable.push({ timetoken: entry.timetoken, keyVersion, reason: err.code });
      }
    }
    for (const v of unopened) unreadable.push({ timetoken: '', keyVersion: v, reason: 'escrow_wrap_unopenable' });
    return {
      conversationId,
      requestId: request.id,
      requestedBy: request.requested_by,
      approvedBy: request.approved_by,
      escrowedVersions: [...keys.keys()].sort((a, b) => a - b),
      messages,
      unreadable,
    };
  } finally {
    for (const k of keys.values()) k.fill(0);
  }
}

function versionOf(message: unknown): number | null {
  const v = (message as { keyVersion?: unknown } | null)?.keyVersion;
  return typeof v === 'number' ? v : null;
}
