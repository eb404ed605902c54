/**
 * Key-backup endpoints (docs/api.md "Key backup", docs/protocol.md §18). A device of the account publishes
 * the next backup version — the backup public key and the identity key encrypted under a key derived from
 * the recovery key, all signed by the account identity key, which the service checks against the stored
 * one. Devices add each conversation key version they hold, HPKE-wrapped to the backup key and signed by
 * the adding device, which the service checks against that device's certificate. A new device restoring
 * the account reads the descriptor on its password-only session and the entries once it registered. The
 * service never sees the recovery key, and nothing it stores opens without it.
 */
import { keyServiceRoutes as api } from '../../common/api/keyService';
import {
  MAX_BACKUP_ENTRIES_PER_ACCOUNT,
  MAX_BACKUP_HEADERS_PER_VERSION,
  MAX_RESTORED_WRAPS_PER_DEVICE,
  type BackupAnswer,
} from '../../common/api/recoverySchemas';
import { fromBase64Url } from '../../common/encoding/base64url';
import { isProtocolError } from '../../common/protocol/errors';
import {
  verifyBackupDescriptor,
  verifyBackupEntry,
  verifyBackupHeader,
  verifyRestoredWrap,
  type BackupHeader,
  type BackupDescriptor,
  type BackupEntry,
  type RestoredWrap,
} from '../../common/protocol/recovery';
import { UniqueViolation } from '../db/dbErrors';
import { Conflict, NotFound, Unprocessable } from '../http/httpErrors';
import { implement, type Route } from '../http/route';
import type { Services } from '../services';
import { deviceById } from '../store/devices';
import {
  backupsOf,
  countEntries,
  countHeaders,
  countRestoredWraps,
  currentBackup,
  entriesAfter,
  headerOf,
  headersOf,
  insertEntry,
  insertHeader,
  insertRestoredWrap,
  replaceBackup,
  restoredWrapsAfter,
  type KeyBackupRow,
} from '../store/keyBackups';
import { userById } from '../store/users';

/** The X25519 version an X-Wing descriptor upgraded in place (its entries stay listed), if any. */
function legacyOf(row: KeyBackupRow): number | undefined {
  if (row.descriptor === null) return undefined;
  const d = JSON.parse(row.descriptor) as BackupDescriptor;
  return d.v === 2 ? d.legacy?.backupVersion : undefined;
}

function answer(rows: readonly KeyBackupRow[]): BackupAnswer {
  const [current, ...older] = rows;
  if (current?.descriptor === null || current === undefined) throw new NotFound('this account has no key backup', 'no_backup');
  return {
    descriptor: JSON.parse(current.descriptor) as BackupDescriptor,
    previous: older.map((r) => ({ backupVersion: r.backup_version, backupKey: r.backup_key })),
  };
}

export function keyBackupRoutes(svc: Services): Route[] {
  return [
    implement(api, 'putKeyBackup', {
      handler: async ({ principal, body }) => {
        const user = await userById(svc.db, principal.userId);
        if (!user) throw new NotFound('no such user');
        if (user.identity_key === null) throw new Unprocessable('this account has no identity key to check a backup against', 'bad_backup_descriptor');
        let descriptor: BackupDescriptor;
        try {
          descriptor = await verifyBackupDescriptor(svc.crypto, body.descriptor, { userId: principal.userId, accountKey: fromBase64Url(user.identity_key) });
        } catch (err) {
          if (isProtocolError(err)) throw new Unprocessable(`backup descriptor refused: ${err.message}`, 'bad_backup_descriptor');
          throw err;
        }
        try {
          await svc.db.transaction(async (tx) => {
            const current = await currentBackup(tx, principal.userId);
            const next = (current?.backup_version ?? 0) + 1;
            if (descriptor.backupVersion !== next) {
              throw new Conflict(`the next backup version is ${next}, not ${descriptor.backupVersion}`, 'backup_version_conflict');
            }
            // An in-place upgrade names the current X25519 version and its key exactly; anything else is refused.
            const legacy = descriptor.v === 2 ? descriptor.legacy : undefined;
            if (legacy !== undefined && (current === undefined || legacy.backupVersion !== current.backup_version || legacy.backupKey !== current.backup_key)) {
              throw new Unprocessable('backup descriptor refused: its legacy version is not the current X25519 backup', 'bad_backup_descriptor');
            }
            await replaceBackup(
              tx,
              {
                user_id: principal.userId,
                backup_version: descriptor.backupVersion,
                backup_key: descriptor.backupKey,
                descriptor: JSON.stringify(descriptor),
                created_at: svc.now(),
              },
              legacy?.backupVersion,
            );
          });
        } catch (err) {
          if (err instanceof UniqueViolation) throw new Conflict('another device published this backup version meanwhile', 'backup_version_conflict');
          throw err;
        }
        return answer(await backupsOf(svc.db, principal.userId));
      },
    }),
    implement(api, 'getKeyBackup', {
      handler: async ({ principal }) => answer(await backupsOf(svc.db, principal.userId)),
    }),
    implement(api, 'addBackupEntries', {
      handler: async ({ principal, body }) => {
        const current = await currentBackup(svc.db, principal.userId);
        if (current?.descriptor == null) throw new NotFound('this account has no key backup', 'no_backup');
        const device = await deviceById(svc.db, principal.deviceId);
        if (!device) throw new NotFound('no such device');
        const signer = fromBase64Url((JSON.parse(device.certificate) as { ed25519: string }).ed25519);
        const xwing = (JSON.parse(current.descriptor) as BackupDescriptor).v === 2;
        const entries: BackupEntry[] = [];
        for (const input of body.entries) {
          const stale = (input as { backupVersion?: unknown }).backupVersion;
          if (typeof stale === 'number' && stale < current.backup_version) {
            throw new Conflict(`backup version ${stale} was replaced by ${current.backup_version}`, 'backup_version_stale');
          }
          // The entry's suite is the backup's (§18.10): an X25519 entry to an X-Wing backup is a downgrade.
          const v = (input as { v?: unknown }).v;
          if (xwing && v === 1) throw new Unprocessable('backup entry refused: the backup is X-Wing, this entry X25519', 'suite_downgrade');
          if (!xwing && v === 2) throw new Unprocessable('backup entry refused: the backup is X25519, this entry X-Wing', 'unsupported_suite');
          try {
            const e = await verifyBackupEntry(svc.crypto, input, {
              userId: principal.userId,
              backupVersion: current.backup_version,
              deviceEd25519: (id) => (id === principal.deviceId ? signer : undefined),
            });
            entries.push(e);
          } catch (err) {
            if (isProtocolError(err)) throw new Unprocessable(`backup entry refused: ${err.message}`, 'bad_backup_entry');
            throw err;
          }
        }
        if (xwing && entries.length > 0 && (await headerOf(svc.db, principal.userId, current.backup_version, principal.deviceId)) === undefined) {
          throw new Unprocessable('backup entry refused: this device has no header for the backup version; put it first', 'no_backup_header');
        }
        let added = 0;
        await svc.db.transaction(async (tx) => {
          if ((await countEntries(tx, principal.userId, current.backup_version)) + entries.length > MAX_BACKUP_ENTRIES_PER_ACCOUNT) {
            throw new Conflict(`a backup holds at most ${MAX_BACKUP_ENTRIES_PER_ACCOUNT} key versions`, 'backup_full');
          }
          const now = svc.now();
          for (const e of entries) {
            const row = {
              userId: principal.userId,
              backupVersion: e.backupVersion,
              conversationId: e.conversationId,
              keyVersion: e.version,
              deviceId: principal.deviceId,
              entry: JSON.stringify(e),
              createdAt: now,
            };
            if (await insertEntry(tx, row)) added += 1;
          }
        });
        return { added };
      },
    }),
    implement(api, 'listBackupEntries', {
      handler: async ({ principal, query }) => {
        const current = await currentBackup(svc.db, principal.userId);
        if (current?.descriptor == null) throw new NotFound('this account has no key backup', 'no_backup');
        const rows = await entriesAfter(svc.db, principal.userId, current.backup_version, query.after, query.limit, legacyOf(current));
        const last = rows.at(-1);
        return {
          backupVersion: current.backup_version,
          entries: rows.map((r) => JSON.parse(r.entry) as BackupEntry),
          nextAfter: rows.length === query.limit && last ? last.id : null,
        };
      },
    }),
    implement(api, 'putBackupHeader', {
      handler: async ({ principal, body }) => {
        const current = await currentBackup(svc.db, principal.userId);
        if (current?.descriptor == null) throw new NotFound('this account has no key backup', 'no_backup');
        const stale = (body.header as { backupVersion?: unknown }).backupVersion;
        if (typeof stale === 'number' && stale < current.backup_version) {
          throw new Conflict(`backup version ${stale} was replaced by ${current.backup_version}`, 'backup_version_stale');
        }
        if ((JSON.parse(current.descriptor) as BackupDescriptor).v !== 2) {
          throw new Unprocessable('backup header refused: the current backup is X25519 and takes no headers', 'unsupported_suite');
        }
        const device = await deviceById(svc.db, principal.deviceId);
        if (!device) throw new NotFound('no such device');
        const signer = fromBase64Url((JSON.parse(device.certificate) as { ed25519: string }).ed25519);
        let header: BackupHeader;
        try {
          header = await verifyBackupHeader(svc.crypto, body.header, {
            userId: principal.userId,
            backupVersion: current.backup_version,
            deviceEd25519: (id) => (id === principal.deviceId ? signer : undefined),
          });
        } catch (err) {
          if (isProtocolError(err)) throw new Unprocessable(`backup header refused: ${err.message}`, 'bad_backup_header');
          throw err;
        }
        const json = JSON.stringify(header);
        return svc.db.transaction(async (tx) => {
          const existing = await headerOf(tx, principal.userId, current.backup_version, principal.deviceId);
          if (existing !== undefined) {
            // A device makes the same header again after a restart (§18.10.2); another one would orphan its entries.
            if (existing.header !== json) throw new Conflict('this device already has another header for this backup version', 'backup_header_conflict');
            return { added: false };
          }
          if ((await countHeaders(tx, principal.userId, current.backup_version)) >= MAX_BACKUP_HEADERS_PER_VERSION) {
            throw new Conflict(`a backup version holds at most ${MAX_BACKUP_HEADERS_PER_VERSION} device headers`, 'backup_full');
          }
          return {
            added: await insertHeader(tx, {
              userId: principal.userId,
              backupVersion: current.backup_version,
              deviceId: principal.deviceId,
              header: json,
              createdAt: svc.now(),
            }),
          };
        });
      },
    }),
    implement(api, 'listBackupHeaders', {
      handler: async ({ principal }) => {
        const current = await currentBackup(svc.db, principal.userId);
        if (current?.descriptor == null) throw new NotFound('this account has no key backup', 'no_backup');
        const rows = await headersOf(svc.db, principal.userId, current.backup_version, MAX_BACKUP_HEADERS_PER_VERSION);
        return { backupVersion: current.backup_version, headers: rows.map((r) => JSON.parse(r.header) as BackupHeader) };
      },
    }),
    implement(api, 'addRestoredWraps', {
      handler: async ({ principal, body }) => {
        const device = await deviceById(svc.db, principal.deviceId);
        if (!device) throw new NotFound('no such device');
        const ed25519PublicKey = fromBase64Url((JSON.parse(device.certificate) as { ed25519: string }).ed25519);
        const wraps: RestoredWrap[] = [];
        for (const input of body.wraps) {
          try {
            wraps.push(await verifyRestoredWrap(svc.crypto, input, { userId: principal.userId, deviceId: principal.deviceId, ed25519PublicKey }));
          } catch (err) {
            if (isProtocolError(err)) throw new Unprocessable(`restored wrap refused: ${err.message}`, 'bad_backup_entry');
            throw err;
          }
        }
        let added = 0;
        await svc.db.transaction(async (tx) => {
          if ((await countRestoredWraps(tx, principal.deviceId)) + wraps.length > MAX_RESTORED_WRAPS_PER_DEVICE) {
            throw new Conflict(`a device keeps at most ${MAX_RESTORED_WRAPS_PER_DEVICE} restored key versions`, 'backup_full');
          }
          const now = svc.now();
          for (const w of wraps) {
            const row = {
              userId: principal.userId,
              deviceId: principal.deviceId,
              conversationId: w.conversationId,
              keyVersion: w.version,
              wrap: JSON.stringify(w),
              createdAt: now,
            };
            if (await insertRestoredWrap(tx, row)) added += 1;
          }
        });
        return { added };
      },
    }),
    implement(api, 'listRestoredWraps', {
      handler: async ({ principal, query }) => {
        const rows = await restoredWrapsAfter(svc.db, principal.deviceId, query.after, query.limit);
        const last = rows.at(-1);
        return { wraps: rows.map((r) => JSON.parse(r.wrap) as RestoredWrap), nextAfter: rows.length === query.limit && last ? last.id : null };
      },
    }),
  ];
}
