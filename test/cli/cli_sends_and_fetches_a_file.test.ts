/**
 * Scenario (docs/client.md "CLI", "Files"): Alice sends Bob a file with `send-file`; Bob sees it in `read`
 * (name, size, type) and saves it with `fetch-file`, byte for byte. After a byte of the
 * stored ciphertext is flipped, `fetch-file` exits non-zero with the typed error and writes nothing. Both
 * profiles use one local-directory store (`SEED_FILES_DIR`), as both would reach one bucket.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../client/harness';
import { json, useCliWorld } from './cliWorld';

const { cli } = useCliWorld('seed-cli-files-');
const work = mkdtempSync(join(tmpdir(), 'seed-cli-files-work-'));
const store = join(work, 'store');
const env = { SEED_FILES_DIR: store };
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('cli sends and fetches a file', { timeout: 180_000 }, () => {
  it('send-file, read, fetch-file; a tampered object is refused and nothing is written', async () => {
    mkdirSync(store);
    const stamp = Date.now() % 100000;
    const [a, b] = [`fa-${stamp}`, `fb-${stamp}`];
    json(await cli(a, ['--json', 'register', uniqueName('alice')], { env }));
    const bob = uniqueName('bob');
    json(await cli(b, ['--json', 'register', bob], { env }));
    const dm = json<{ conversationId: string }>(await cli(a, ['--json', 'create', bob], { env }));
    const bytes = randomBytes(150_000);
    const path = join(work, 'Quarterly report.pdf');
    writeFileSync(path, bytes);

    const sent = json<{ id: string; fileName: string; size: number; parts: number }>(
      await cli(a, ['--json', 'send-file', dm.conversationId, path, '--caption', 'Q4'], { env }),
    );
    expect(sent).toMatchObject({ fileName: 'Quarterly report.pdf', size: 150_000, parts: 1 });

    const read = await cli(b, ['read', dm.conversationId], { env });
    expect(read.stdout).toContain('[file Quarterly report.pdf, 150000 bytes, application/pdf] Q4');
    const objects = readdirSync(store);

    const out = join(work, 'bob.pdf');
    const fetched = await cli(b, ['fetch-file', dm.conversationId, sent.id, out], { env });
    expect(fetched.stdout, fetched.stderr).toMatch(/^saved Quarterly report\.pdf \(150000 bytes\)/);
    expect(readFileSync(out).equals(bytes)).toBe(true);

    const object = join(store, objects[0]!);
    const stored = readFileSync(object);
    stored[5000] = stored[5000]! ^ 1;
    writeFileSync(object, stored);
    const tampered = join(work, 'tampered.pdf');
    const refused = await cli(b, ['fetch-file', dm.conversationId, sent.id, tampered], { env });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/^error attachment_(bad_chunk|hash_mismatch): /);
    expect(existsSync(tampered)).toBe(false);
    expect(readdirSync(work).filter((f) => f.includes('partial'))).toEqual([]);
  });
});
