/**
 * The key service's versioned schema (migrations run at start-up: docs/operations.md). Each migration is
 * portable SQL run once, in order, in its own transaction; `schema_migrations` records what has run.
 * Nothing here can hold a conversation key: key_wraps holds HPKE ciphertexts for one device each,
 * key_versions holds the signed public record of a version (docs/operations.md, "Key material that exists
 * server-side"). membership_statements holds each conversation's signed membership chain (docs/protocol.md
 * §15); the members table is derived from it, in the same transaction, for the queries.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly Statement[];
}

/** Portable SQL, or one spelling per database where they differ (an auto-increment key). */
export type Statement = string | { readonly sqlite: string; readonly postgres: string };

/**
 * The outbox (src/server/pubnub/outbox.ts): `kind` notice|revoke; `lane` orders delivery (notices: the
 * inbox's user id, in id order; revocations: NULL, unordered); `payload` JSON (a notice and its user, or
 * the pubnub_tokens id to revoke — never the token itself); `expires_at` a revocation's token expiry.
 * `leased_until`/`leased_by` claim a row for one worker; `outcome` delivered|expired|given_up once done.
 */
/** One audited administrative action: when, who did it (`cli:<os user>`, `scim`), what, on whom, details as JSON. */
const AUDIT_COLUMNS = 'at BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, target TEXT, detail TEXT NOT NULL';

const OUTBOX_COLUMNS = `kind TEXT NOT NULL,
        lane TEXT,
        payload TEXT NOT NULL,
        expires_at BIGINT,
        created_at BIGINT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at BIGINT NOT NULL,
        leased_until BIGINT,
        leased_by TEXT,
        last_error TEXT,
        done_at BIGINT,
        outcome TEXT`;

/** One backed-up conversation key version (docs/protocol.md §18.4): `entry` is the device-signed JSON, an HPKE ciphertext to the backup key. */
const BACKUP_ENTRY_COLUMNS = `user_id TEXT NOT NULL REFERENCES users(id),
        backup_version INTEGER NOT NULL,
        conversation_id TEXT NOT NULL,
        key_version INTEGER NOT NULL,
        added_by_device TEXT NOT NULL,
        entry TEXT NOT NULL,
        created_at BIGINT NOT NULL`;

/** One use of the KMS by the custody tools (src/server/custody/auditedKms.ts): who, what for, under which approved request, and how it ended. */
const KMS_AUDIT_COLUMNS = `at BIGINT NOT NULL,
        actor TEXT NOT NULL,
        operation TEXT NOT NULL,
        key_id TEXT NOT NULL,
        purpose TEXT NOT NULL,
        request_id TEXT,
        target TEXT,
        outcome TEXT NOT NULL`;

/** A key version a restored device got from the backup, wrapped to its own X25519 key and signed by it (docs/protocol.md §18.5). */
const RESTORED_WRAP_COLUMNS = `user_id TEXT NOT NULL REFERENCES users(id),
        device_id TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        key_version INTEGER NOT NULL,
        wrap TEXT NOT NULL,
        created_at BIGINT NOT NULL`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'accounts, devices, conversations, key versions',
    statements: [
      `CREATE TABLE server_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL, created_at BIGINT NOT NULL)`,
      `CREATE TABLE users (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        identity_key TEXT,
        created_at BIGINT NOT NULL)`,
      `CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id),
        device_id TEXT,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        revoked_at BIGINT,
        revoked_reason TEXT)`,
      `CREATE INDEX sessions_user ON sessions(user_id)`,
      `CREATE TABLE refresh_tokens (
        token_hash TEXT PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions(id),
        created_at BIGINT NOT NULL,
        used_at BIGINT)`,
      `CREATE INDEX refresh_tokens_session ON refresh_tokens(session_id)`,
      `CREATE TABLE devices (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id),
        name TEXT NOT NULL,
        certificate TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        revoked_at BIGINT)`,
      `CREATE INDEX devices_user ON devices(user_id)`,
      `CREATE TABLE conversations (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        name TEXT,
        history_policy TEXT NOT NULL,
        current_version INTEGER NOT NULL,
        needs_rotation INTEGER NOT NULL,
        rotation_reason TEXT,
        created_by TEXT NOT NULL REFERENCES users(id),
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL)`,
      `CREATE TABLE members (
        conversation_id TEXT NOT NULL REFERENCES conversations(id),
        user_id TEXT NOT NULL REFERENCES users(id),
        role TEXT NOT NULL,
        joined_at BIGINT NOT NULL,
        first_version INTEGER NOT NULL,
        removed_at BIGINT,
        PRIMARY KEY (conversation_id, user_id))`,
      `CREATE INDEX members_user ON members(user_id)`,
      `CREATE TABLE key_versions (
        conversation_id TEXT NOT NULL REFERENCES conversations(id),
        version INTEGER NOT NULL,
        created_at BIGINT NOT NULL,
        created_by_device TEXT NOT NULL REFERENCES devices(id),
        record TEXT NOT NULL,
        PRIMARY KEY (conversation_id, version))`,
      `CREATE INDEX key_versions_time ON key_versions(conversation_id, created_at)`,
      `CREATE TABLE key_wraps (
        conversation_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        device_id TEXT NOT NULL REFERENCES devices(id),
        wrap TEXT NOT NULL,
        added_by_device TEXT NOT NULL REFERENCES devices(id),
        created_at BIGINT NOT NULL,
        PRIMARY KEY (conversation_id, device_id, version),
        FOREIGN KEY (conversation_id, version) REFERENCES key_versions(conversation_id, version))`,
      `CREATE TABLE pubnub_tokens (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id),
        token TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        revoked_at BIGINT)`,
      `CREATE INDEX pubnub_tokens_user ON pubnub_tokens(user_id)`,
    ],
  },
  {
    version: 2,
    name: 'device links (docs/protocol.md §14)',
    statements: [
      `CREATE TABLE device_links (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id),
        code TEXT NOT NULL UNIQUE,
        new_device TEXT NOT NULL,
        approver_device_id TEXT REFERENCES devices(id),
        payload TEXT,
        state TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL)`,
      `CREATE INDEX device_links_user ON device_links(user_id)`,
    ],
  },
  {
    version: 3,
    name: 'wrap grants (docs/protocol.md §6.5)',
    statements: [`ALTER TABLE key_wraps ADD COLUMN grant_json TEXT`],
  },
  {
    version: 4,
    name: 'PubNub outbox: control notices and token revocations (docs/operations.md, "The PubNub outbox")',
    statements: [
      {
        sqlite: `CREATE TABLE pubnub_outbox (id INTEGER PRIMARY KEY, ${OUTBOX_COLUMNS})`,
        postgres: `CREATE TABLE pubnub_outbox (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, ${OUTBOX_COLUMNS})`,
      },
      `CREATE INDEX pubnub_outbox_due ON pubnub_outbox(next_attempt_at) WHERE done_at IS NULL`,
      `CREATE INDEX pubnub_outbox_lane ON pubnub_outbox(lane, id) WHERE done_at IS NULL`,
      `CREATE INDEX pubnub_outbox_done ON pubnub_outbox(done_at) WHERE done_at IS NOT NULL`,
    ],
  },
  {
    version: 5,
    name: 'membership statements (docs/protocol.md §15)',
    statements: [
      `CREATE TABLE membership_statements (
        conversation_id TEXT NOT NULL REFERENCES conversations(id),
        seq INTEGER NOT NULL,
        hash TEXT NOT NULL,
        statement TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (conversation_id, seq))`,
    ],
  },
  {
    version: 6,
    name: 'device-session challenges, session last use, revocation statements (docs/protocol.md §16, §17)',
    statements: [
      `CREATE TABLE auth_challenges (
        id TEXT PRIMARY KEY,
        nonce TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        used_at BIGINT)`,
      `CREATE INDEX auth_challenges_expiry ON auth_challenges(expires_at)`,
      `ALTER TABLE sessions ADD COLUMN last_used_at BIGINT`,
      `ALTER TABLE devices ADD COLUMN revocation TEXT`,
    ],
  },
  {
    version: 7,
    name: 'single sign-on identities and spent ID tokens (docs/api.md "Sign-in methods and single sign-on")',
    statements: [
      `CREATE TABLE sso_identities (
        issuer TEXT NOT NULL,
        subject TEXT NOT NULL,
        user_id TEXT NOT NULL UNIQUE REFERENCES users(id),
        email TEXT,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (issuer, subject))`,
      `CREATE TABLE sso_spent_tokens (
        token_key TEXT PRIMARY KEY,
        expires_at BIGINT NOT NULL)`,
      `CREATE INDEX sso_spent_tokens_expiry ON sso_spent_tokens(expires_at)`,
    ],
  },
  {
    version: 8,
    name: 'deactivated accounts and the audit log (docs/operations.md "Offboarding and the admin CLI")',
    statements: [
      `ALTER TABLE users ADD COLUMN deactivated_at BIGINT`,
      {
        sqlite: `CREATE TABLE audit_log (id INTEGER PRIMARY KEY, ${AUDIT_COLUMNS})`,
        postgres: `CREATE TABLE audit_log (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, ${AUDIT_COLUMNS})`,
      },
      `CREATE INDEX audit_log_time ON audit_log(at)`,
    ],
  },
  {
    version: 9,
    name: 'accounts provisioned over SCIM (docs/operations.md "Provisioning with SCIM")',
    statements: [
      `CREATE TABLE scim_users (
        user_id TEXT PRIMARY KEY REFERENCES users(id),
        user_name TEXT NOT NULL UNIQUE,
        external_id TEXT,
        display_name TEXT NOT NULL,
        emails TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        deleted_at BIGINT)`,
    ],
  },
  {
    version: 10,
    name: 'SCIM groups, their broadcast roles, broadcast withdrawals of deactivated accounts (docs/operations.md "Groups and broadcast roles")',
    statements: [
      `CREATE TABLE scim_groups (
        id TEXT PRIMARY KEY,
        display_name TEXT NOT NULL,
        display_key TEXT NOT NULL UNIQUE,
        external_id TEXT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL)`,
      `CREATE TABLE scim_group_members (
        group_id TEXT NOT NULL REFERENCES scim_groups(id),
        user_id TEXT NOT NULL REFERENCES users(id),
        added_at BIGINT NOT NULL,
        PRIMARY KEY (group_id, user_id))`,
      `CREATE INDEX scim_group_members_user ON scim_group_members(user_id)`,
      `CREATE TABLE scim_group_roles (
        group_id TEXT NOT NULL REFERENCES scim_groups(id),
        role TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        created_by TEXT NOT NULL,
        PRIMARY KEY (group_id, role))`,
      `CREATE TABLE broadcast_withdrawals (
        user_id TEXT PRIMARY KEY REFERENCES users(id),
        requested_at BIGINT NOT NULL,
        done_at BIGINT,
        detail TEXT,
        restore_requested_at BIGINT,
        restored_at BIGINT)`,
    ],
  },
  {
    version: 11,
    name: 'recovery key backups: account-signed descriptors, device-signed wraps to the backup key, restored devices’ own wraps (docs/protocol.md §18)',
    statements: [
      `CREATE TABLE key_backups (
        user_id TEXT NOT NULL REFERENCES users(id),
        backup_version INTEGER NOT NULL,
        backup_key TEXT NOT NULL,
        descriptor TEXT,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (user_id, backup_version))`,
      {
        sqlite: `CREATE TABLE key_backup_entries (id INTEGER PRIMARY KEY, ${BACKUP_ENTRY_COLUMNS})`,
        postgres: `CREATE TABLE key_backup_entries (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, ${BACKUP_ENTRY_COLUMNS})`,
      },
      `CREATE UNIQUE INDEX key_backup_entries_version ON key_backup_entries(user_id, backup_version, conversation_id, key_version)`,
      {
        sqlite: `CREATE TABLE restored_wraps (id INTEGER PRIMARY KEY, ${RESTORED_WRAP_COLUMNS})`,
        postgres: `CREATE TABLE restored_wraps (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, ${RESTORED_WRAP_COLUMNS})`,
      },
      `CREATE UNIQUE INDEX restored_wraps_version ON restored_wraps(device_id, conversation_id, key_version)`,
    ],
  },
  {
    version: 12,
    name: 'key custody: the custody mode, escrow recipients sealed by the KMS, escrow wraps, two-admin requests, the KMS audit (docs/protocol.md §19)',
    statements: [
      `CREATE TABLE escrow_recipients (
        id TEXT PRIMARY KEY,
        public_key TEXT NOT NULL,
        sealed_private_key TEXT NOT NULL,
        kms_kind TEXT NOT NULL,
        kms_key_id TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        created_by TEXT NOT NULL)`,
      `CREATE TABLE custody_state (
        id INTEGER PRIMARY KEY,
        mode TEXT NOT NULL,
        recipient_id TEXT REFERENCES escrow_recipients(id),
        changed_at BIGINT NOT NULL,
        changed_by TEXT NOT NULL)`,
      `CREATE TABLE escrow_wraps (
        conversation_id TEXT NOT NULL REFERENCES conversations(id),
        version INTEGER NOT NULL,
        recipient_id TEXT NOT NULL REFERENCES escrow_recipients(id),
        wrap TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (conversation_id, version))`,
      `CREATE TABLE custody_requests (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        target TEXT NOT NULL,
        reason TEXT NOT NULL,
        requested_by TEXT NOT NULL,
        requested_at BIGINT NOT NULL,
        approved_by TEXT,
        approved_at BIGINT,
        used_at BIGINT)`,
      {
        sqlite: `CREATE TABLE kms_audit (id INTEGER PRIMARY KEY, ${KMS_AUDIT_COLUMNS})`,
        postgres: `CREATE TABLE kms_audit (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, ${KMS_AUDIT_COLUMNS})`,
      },
    ],
  },
  {
    version: 13,
    name: 'server-trusted custody: key versions the key service made, stored only as KMS ciphertext (docs/protocol.md §19.4)',
    statements: [
      `CREATE TABLE server_key_versions (
        conversation_id TEXT NOT NULL REFERENCES conversations(id),
        version INTEGER NOT NULL,
        kms_ciphertext TEXT NOT NULL,
        kms_kind TEXT NOT NULL,
        kms_key_id TEXT NOT NULL,
        membership_seq INTEGER,
        membership_hash TEXT,
        created_at BIGINT NOT NULL,
        created_by_device TEXT NOT NULL,
        PRIMARY KEY (conversation_id, version))`,
    ],
  },
  {
    version: 14,
    name: 'account resets: the identity keys an account had before a reset, and who reset it when (docs/protocol.md §18.9)',
    statements: [
      `CREATE TABLE account_resets (
        user_id TEXT NOT NULL REFERENCES users(id),
        reset_at BIGINT NOT NULL,
        old_identity_key TEXT NOT NULL,
        new_identity_key TEXT NOT NULL,
        session_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        PRIMARY KEY (user_id, reset_at, new_identity_key))`,
    ],
  },
  {
    version: 15,
    name: 'reset requests that wait while a device of the account is signed in, and who cancelled them (docs/protocol.md §18.9)',
    statements: [
      `CREATE TABLE account_reset_requests (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id),
        session_id TEXT NOT NULL,
        certificate TEXT NOT NULL,
        old_identity_key TEXT NOT NULL,
        device_id TEXT NOT NULL,
        device_name TEXT NOT NULL,
        platform TEXT NOT NULL,
        address TEXT NOT NULL,
        requested_at BIGINT NOT NULL,
        finishes_at BIGINT NOT NULL,
        state TEXT NOT NULL,
        ended_at BIGINT,
        cancelled_by_device TEXT)`,
      // At most one request of an account waits: a second one is refused, it cannot restart the clock.
      `CREATE UNIQUE INDEX account_reset_requests_waiting ON account_reset_requests(user_id) WHERE state = 'waiting'`,
      `CREATE INDEX account_reset_requests_user ON account_reset_requests(user_id, requested_at)`,
    ],
  },
  {
    version: 16,
    name: 'post-quantum key backups: one X-Wing device header per device and backup version (docs/protocol.md §18.10)',
    statements: [
      `CREATE TABLE key_backup_headers (
        user_id TEXT NOT NULL REFERENCES users(id),
        backup_version INTEGER NOT NULL,
        device_id TEXT NOT NULL,
        header TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (user_id, backup_version, device_id))`,
    ],
  },
];
