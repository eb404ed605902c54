/**
 * Revoked Access Manager tokens (`DELETE /v3/pam/{sub}/grant/{token}`, docs/pubnub-wire.md §2 and §5): kept by
 * signature until the token would have expired anyway, durable across restarts.
 */
import type { Db } from './database';

export class RevocationStore {
  private readonly revoked = new Set<string>();

  constructor(private readonly db: Db) {
    const rows = db.prepare('SELECT signature FROM revoked_tokens').all() as { signature: string }[];
    for (const row of rows) this.revoked.add(row.signature);
  }

  revoke(signature: string, expiresAtSeconds: number): void {
    this.db.prepare('INSERT OR IGNORE INTO revoked_tokens (signature, expires_at) VALUES (?, ?)').run(signature, expiresAtSeconds);
    this.revoked.add(signature);
  }

  isRevoked(signature: string): boolean {
    return this.revoked.has(signature);
  }

  purgeExpired(nowSeconds: number): void {
    const rows = this.db.prepare('DELETE FROM revoked_tokens WHERE expires_at <= ? RETURNING signature').all(nowSeconds) as { signature: string }[];
    for (const row of rows) this.revoked.delete(row.signature);
  }
}
