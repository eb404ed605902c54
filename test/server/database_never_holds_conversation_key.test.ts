/**
 * Zero-trust check (docs/operations.md, "Key material that exists server-side": the database files hold
 * no conversation key): after a full create / rotate / add / remove / rotate flow, the bytes of the database
 * — SQLite's file, WAL and shared memory; PostgreSQL's data directory after a checkpoint, plus every
 * row dumped as JSON — contain none of the conversation keys in raw, hex, base64 or base64url form,
 * while they do contain the public wrap ciphertexts (so the scan is looking at the right bytes).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBackends } from './helpers/backends';
import { changeMembership, createGroup, device, devicesOf, newActor, rotate, wrapsFor, type Actor } from './helpers/actors';
import { startOn, type Running } from './helpers/service';

function forms(key: Uint8Array): Buffer[] {
  const b = Buffer.from(key);
  return [
    b,
    Buffer.from(b.toString('hex')),
    Buffer.from(b.toString('hex').toUpperCase()),
    Buffer.from(b.toString('base64')),
    Buffer.from(b.toString('base64url')),
  ];
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) out.push(...filesUnder(p));
    else if (st.isFile()) out.push(p);
  }
  return out;
}

describeBackends('the database never holds a conversation key', (backend) => {
  let run: Running;
  const keys: Uint8Array[] = [];
  let someWrapCt = '';
  let alice: Actor;

  beforeAll(async () => {
    run = await startOn(backend);
    alice = await newActor(run.api, 'alice', 2);
    const bob = await newActor(run.api, 'bob');
    const carol = await newActor(run.api, 'carol');
    const conv = await createGroup(run.api, alice, [bob]);
    const v1 = await rotate(run.api, alice, conv, 1);
    const v2 = await rotate(run.api, bob, conv, 2);
    keys.push(v1.key, v2.key);
    someWrapCt = v2.record.wraps[0]!.ct;
    const wraps = await wrapsFor(
      conv,
      [
        { version: 1, key: v1.key },
        { version: 2, key: v2.key },
      ],
      await devicesOf(run.api, alice.userToken, carol.userId),
      device(alice),
    );
    await changeMembership(run.api, alice, conv, { type: 'add', userId: carol.userId, role: 'member' }, { wraps });
    await changeMembership(run.api, alice, conv, { type: 'remove', userId: bob.userId });
    keys.push((await rotate(run.api, alice, conv, 3, 1)).key);
  });
  afterAll(async () => {
    expect(run.bugs).toEqual([]);
    await run.stop();
  });

  async function databaseBytes(): Promise<Buffer[]> {
    if (!run.store.databaseUrl) {
      // Every file under the data directory, its folders too (the key manager's, the KMS-sealed secrets).
      return readdirSync(run.store.dataDir, { recursive: true, encoding: 'utf8' })
        .map((f) => path.join(run.store.dataDir, f))
        .filter((f) => statSync(f).isFile())
        .map((f) => readFileSync(f));
    }
    const client = new pg.Client({ connectionString: run.store.databaseUrl });
    await client.connect();
    try {
      await client.query('CHECKPOINT');
      const dataDir = (await client.query<{ data_directory: string }>('SHOW data_directory')).rows[0]!.data_directory;
      const dbOid = (await client.query<{ oid: number }>('SELECT oid FROM pg_database WHERE datname = current_database()')).rows[0]!.oid;
      const tables = (await client.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).rows.map((r) => r.tablename);
      const dumps: Buffer[] = [];
      for (const t of tables) dumps.push(Buffer.from(JSON.stringify((await client.query(`SELECT row_to_json(x) AS j FROM "${t}" x`)).rows)));
      const files = [
        ...filesUnder(path.join(dataDir, 'base', String(dbOid))),
        ...filesUnder(path.join(dataDir, 'pg_wal')).filter((f) => !f.includes('archive_status')),
      ];
      return [...dumps, ...files.map((f) => readFileSync(f))];
    } finally {
      await client.end();
    }
  }

  it('finds no conversation key in any form, but does find the wraps and argon2id hashes', async () => {
    const blobs = await databaseBytes();
    expect(blobs.length).toBeGreaterThan(0);
    for (const key of keys) {
      for (const form of forms(key)) {
        for (const blob of blobs) expect(blob.includes(form)).toBe(false);
      }
    }
    expect(blobs.some((b) => b.includes(Buffer.from(someWrapCt)))).toBe(true);
    expect(blobs.some((b) => b.includes(Buffer.from('$argon2id$')))).toBe(true);
    expect(blobs.some((b) => b.includes(Buffer.from('correct horse battery staple')))).toBe(false);
  });
});
