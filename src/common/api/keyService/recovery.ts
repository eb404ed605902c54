/** Routes of the key backup (docs/api.md "Key backup", docs/protocol.md §18). */
import { AddBackupEntriesAnswer, AddBackupEntriesBody, BackupAnswerSchema, BackupEntriesPage, BackupEntriesQuery, PutBackupBody } from '../recoverySchemas';
import { defineRoutes } from '../route';

export const recoveryRoutes = defineRoutes({
  putKeyBackup: {
    method: 'PUT',
    path: '/v1/backup',
    tag: 'key backup',
    summary: 'Publish the next backup version: its public key and the encrypted identity key, signed by the account identity key',
    auth: 'device',
    body: PutBackupBody,
    response: BackupAnswerSchema,
    status: 201,
    errors: { 409: ['backup_version_conflict'], 422: ['bad_backup_descriptor'] },
  },
  getKeyBackup: {
    method: 'GET',
    path: '/v1/backup',
    tag: 'key backup',
    summary: "The account's current backup descriptor (a password-only session may read it to restore)",
    auth: 'user',
    response: BackupAnswerSchema,
    errors: { 404: ['no_backup'] },
  },
  addBackupEntries: {
    method: 'POST',
    path: '/v1/backup/entries',
    tag: 'key backup',
    summary: 'Add conversation key versions HPKE-wrapped to the backup key, each signed by this device',
    auth: 'device',
    body: AddBackupEntriesBody,
    response: AddBackupEntriesAnswer,
    errors: { 404: ['no_backup'], 409: ['backup_version_stale', 'backup_full'], 422: ['bad_backup_entry'] },
  },
  listBackupEntries: {
    method: 'GET',
    path: '/v1/backup/entries',
    tag: 'key backup',
    summary: 'The entries of the current backup version, paged (to restore)',
    auth: 'device',
    query: BackupEntriesQuery,
    response: BackupEntriesPage,
    errors: { 404: ['no_backup'] },
  },
});
