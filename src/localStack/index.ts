/**
 * The embedded local stack (docs/architecture.md, "Decisions recorded here"): with no server configured,
 * the app runs the key service (SQLite) and the PubNub-protocol relay in its own process on loopback — or
 * joins the ones another profile's app already runs — so the product works offline with no account
 * anywhere. One stack per Seed home, shared by every profile on the machine, so two profiles can talk to
 * each other.
 *
 * `<home>/local-stack/stack.json` names the running stack (URLs, PubNub keys, owner pid); the relay's
 * secret key lives only in `<home>/local-stack/secret` (0600) and in the owning process, so Access Manager
 * tokens are enforced exactly as in production. A stack file whose services do not answer is stale and
 * replaced. This is a development and demo default, never a production deployment (docs/operations.md).
 * Its key service seals its secrets with the KMS `SEED_KMS` names, as a standalone key service does
 * (docs/operations.md "KMS"): the local KMS by default, AWS KMS with `SEED_KMS=aws` (how the Chromium
 * custody tests run it against moto's KMS).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { kmsFromEnv, startKeyService } from '../server/index';
import { startRelay } from '../relay/index';

export const LOCAL_PUBLISH_KEY = 'pub-c-seed-local';
export const LOCAL_SUBSCRIBE_KEY = 'sub-c-seed-local';

const stackFileSchema = z.object({
  keyServiceUrl: z.string().url(),
  relayOrigin: z.string().regex(/^127\.0\.0\.1:\d+$/),
  publishKey: z.string(),
  subscribeKey: z.string(),
  pid: z.number().int(),
});

export interface LocalStack {
  keyServiceUrl: string;
  /** The SDK's `origin` (`127.0.0.1:<port>`, used with `ssl: false`). */
  relayOrigin: string;
  publishKey: string;
  subscribeKey: string;
  /** True when this process runs the services; false when it joined another's. */
  owned: boolean;
  close(): Promise<void>;
}

/**
 * The URLs of the local stack recorded in `<home>/local-stack/stack.json`, without checking it runs —
 * for the CLI's defaults, so a CLI user talks to the app's embedded stack without flags. Null when absent
 * or unreadable.
 */
export function recordedLocalStack(home: string): { keyServiceUrl: string; relayUrl: string } | null {
  try {
    const parsed = stackFileSchema.safeParse(JSON.parse(readFileSync(join(home, 'local-stack', 'stack.json'), 'utf8')));
    return parsed.success ? { keyServiceUrl: parsed.data.keyServiceUrl, relayUrl: `http://${parsed.data.relayOrigin}` } : null;
  } catch {
    return null;
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1500) });
    return res.ok;
  } catch {
    return false;
  }
}

async function joinRunning(dir: string): Promise<LocalStack | null> {
  let text: string;
  try {
    text = await readFile(join(dir, 'stack.json'), 'utf8');
  } catch {
    return null;
  }
  const parsed = stackFileSchema.safeParse(JSON.parse(text.trim() || 'null'));
  if (!parsed.success) return null;
  const s = parsed.data;
  const alive = (await answers(`${s.keyServiceUrl}/healthz`)) && (await answers(`http://${s.relayOrigin}/time/0`));
  if (!alive) return null;
  return { ...s, owned: false, close: async () => {} };
}

async function secretKey(dir: string): Promise<string> {
  const path = join(dir, 'secret');
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    const secret = randomBytes(32).toString('base64url');
    await writeFile(path, secret, { mode: 0o600 });
    return secret;
  }
}

/** Joins the running local stack of this Seed home, or starts one in this process. */
export async function startOrJoinLocalStack(home: string): Promise<LocalStack> {
  const dir = join(home, 'local-stack');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const joined = await joinRunning(dir).catch(() => null);
  if (joined) return joined;

  const secret = await secretKey(dir);
  const relay = await startRelay({ port: 0, dataDir: join(dir, 'relay'), secretKey: secret, publishKey: LOCAL_PUBLISH_KEY, subscribeKey: LOCAL_SUBSCRIBE_KEY });
  const keyServiceDir = join(dir, 'keyservice');
  const keyService = await startKeyService({
    port: 0,
    dataDir: keyServiceDir,
    ...(process.env['SEED_KMS'] === undefined ? {} : { kms: kmsFromEnv(process.env, keyServiceDir) }),
    pubnub: { origin: relay.origin, ssl: false, publishKey: LOCAL_PUBLISH_KEY, subscribeKey: LOCAL_SUBSCRIBE_KEY, secretKey: secret },
  }).catch(async (e: unknown) => {
    await relay.close();
    throw e;
  });
  const stack = {
    keyServiceUrl: keyService.url,
    relayOrigin: relay.origin,
    publishKey: LOCAL_PUBLISH_KEY,
    subscribeKey: LOCAL_SUBSCRIBE_KEY,
    pid: process.pid,
  };
  const temp = join(dir, `stack.json.${process.pid}.tmp`);
  await writeFile(temp, JSON.stringify(stack), { mode: 0o600 });
  await rename(temp, join(dir, 'stack.json'));
  return {
    ...stack,
    owned: true,
    async close() {
      await keyService.close();
      await relay.close();
    },
  };
}
