/**
 * Key-service load run (docs/operations.md, "Load"): a bounded loopback run of key fetches on SQLite and
 * on PostgreSQL. It starts the service as its own process (`src/server/cli.ts`) per backend, sets up two
 * users with devices and a conversation with 10 key versions over HTTP, then makes a fixed number of
 * authenticated wrap fetches (latest / by number, alternating) over keep-alive loopback connections and
 * reports throughput and latency percentiles. Requests are raw HTTP (keep-alive, no parsing on the load
 * side) to the paths of the key service's route table (src/common/api/keyService.ts). PostgreSQL runs when TEST_DATABASE_URL is set (e.g. under
 * scripts/with-services.sh); a fresh database is created for the run.
 * On PostgreSQL it then measures the database round trip alone (`databaseCeiling`: a prepared `SELECT 1`
 * through a pool of the same size, same concurrency). `cpuPerFetch` is the CPU time per fetch of the key
 * service process and of this load generator (from /proc; they share the machine with PostgreSQL).
 * Target: >= 5,000 fetches/s and p99 < 20 ms on the 2-core CI machine. The last line is the JSON result.
 *
 *   bash scripts/with-services.sh npx tsx bench/keyservice-load.ts [--requests 40000] [--concurrency 16]
 *   npx tsx bench/keyservice-load.ts --url http://127.0.0.1:8787   (against a running instance)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { buildPath, type PathParams } from '../src/common/api/path';
import type { ApiRoute } from '../src/common/api/route';
import { keyServiceRoutes, type KeyServiceRouteName } from '../src/common/api/keyService';
import { toBase64Url } from '../src/common/encoding/base64url';
import type { ConversationId, DeviceId } from '../src/common/ids';
import { signDeviceCertificate } from '../src/common/protocol/deviceCertificate';
import { generateAccountIdentity, generateDeviceKeys } from '../src/common/protocol/identity';
import { createKeyVersionRecord } from '../src/common/protocol/keyVersionRecord';
import { createNodeCryptoProvider } from '../src/node/crypto/nodeProvider';

const crypto = createNodeCryptoProvider();
const { values } = parseArgs({
  options: { requests: { type: 'string', default: '40000' }, concurrency: { type: 'string', default: '16' }, url: { type: 'string' } },
});
const REQUESTS = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);
const VERSIONS = 10;

interface Reply {
  status: number;
  body: string;
}

function call(agent: Agent, base: string, method: string, p: string, token?: string, body?: unknown): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      `${base}${p}`,
      { method, agent, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(data ? { 'content-type': 'application/json' } : {}) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** The method and target of a route of the table. */
function target(name: KeyServiceRouteName, params?: PathParams): { method: string; path: string } {
  const route = keyServiceRoutes[name];
  return { method: route.method, path: buildPath(route.path, params) };
}

async function json(
  agent: Agent,
  base: string,
  name: KeyServiceRouteName,
  params: PathParams | undefined,
  token?: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const { method, path: p } = target(name, params);
  const r = await call(agent, base, method, p, token, body);
  const route: ApiRoute = keyServiceRoutes[name];
  const want = route.status ?? 200;
  if (r.status !== want) throw new Error(`${name} ${method} ${p}: ${r.status} ${r.body}`);
  return JSON.parse(r.body) as Record<string, unknown>;
}

async function user(agent: Agent, base: string, label: string) {
  const username = `${label}-${randomBytes(4).toString('hex')}`;
  const password = 'benchmark password';
  const reg = await json(agent, base, 'register', undefined, undefined, { username, password, displayName: label });
  const userId = (reg.user as { userId: string }).userId;
  const login = await json(agent, base, 'login', undefined, undefined, { username, password });
  const account = await generateAccountIdentity(crypto);
  const keys = await generateDeviceKeys(crypto);
  const deviceId = toBase64Url(randomBytes(16)) as DeviceId;
  const certificate = await signDeviceCertificate(
    crypto,
    {
      v: 1,
      userId: userId as never,
      deviceId,
      deviceName: label,
      platform: 'cli',
      x25519: toBase64Url(keys.x25519.publicKey),
      ed25519: toBase64Url(keys.ed25519.publicKey),
      createdAt: Date.now(),
      accountKey: toBase64Url(account.publicKey),
    },
    account.privateKey,
  );
  const dev = await json(agent, base, 'registerDevice', undefined, login.accessToken as string, { certificate });
  return { userId, userToken: login.accessToken as string, deviceToken: dev.accessToken as string, deviceId, keys };
}

async function setup(base: string, agent: Agent) {
  const alice = await user(agent, base, 'alice');
  const bob = await user(agent, base, 'bob');
  const conv = await json(agent, base, 'createConversation', undefined, alice.deviceToken, { kind: 'group', name: 'bench', members: [bob.userId] });
  const conversationId = conv.conversationId as ConversationId;
  for (let version = 1; version <= VERSIONS; version++) {
    const { record } = await createKeyVersionRecord(crypto, {
      conversationId,
      version,
      createdAt: Date.now(),
      createdByDevice: alice.deviceId,
      signingPrivateKey: alice.keys.ed25519.privateKey,
      recipients: [alice, bob].map((u) => ({ deviceId: u.deviceId, x25519PublicKey: u.keys.x25519.publicKey })),
    });
    await json(agent, base, 'submitKeyVersion', { conversationId }, alice.deviceToken, { record });
  }
  return { conversationId, token: bob.deviceToken };
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** CPU time (ms) a process has used so far, from /proc (Linux); undefined elsewhere or for no pid. */
function cpuMsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ');
    const ticks = Number(fields?.[11]) + Number(fields?.[12]);
    return Number.isFinite(ticks) ? ticks * 10 : undefined; // clock ticks of 10 ms (USER_HZ = 100)
  } catch {
    return undefined;
  }
}

async function load(base: string, serverPid?: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const { conversationId, token } = await setup(base, agent);
  const latencies = new Float64Array(REQUESTS);
  let next = 0;
  let failures = 0;
  const latest = target('getLatestKeyVersion', { conversationId }).path;
  const byNumber = Array.from({ length: VERSIONS }, (_, k) => target('getKeyVersion', { conversationId, version: k + 1 }).path);
  const worker = async () => {
    for (let i = next++; i < REQUESTS; i = next++) {
      const p = i % 2 === 0 ? latest : (byNumber[i % VERSIONS] ?? latest);
      const t0 = performance.now();
      const r = await call(agent, base, 'GET', p, token);
      latencies[i] = performance.now() - t0;
      if (r.status !== 200) failures++;
    }
  };
  const started = performance.now();
  const ownBefore = process.cpuUsage();
  const serverBefore = cpuMsOf(serverPid);
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  const own = process.cpuUsage(ownBefore);
  const serverAfter = cpuMsOf(serverPid);
  agent.destroy();
  latencies.sort();
  const round = (n: number) => Math.round(n * 100) / 100;
  const perFetchUs = (ms: number) => Math.round((ms * 1000) / REQUESTS);
  return {
    fetches: REQUESTS,
    failures,
    concurrency: CONCURRENCY,
    seconds: round(seconds),
    perSecond: Math.round(REQUESTS / seconds),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    cpuPerFetch: {
      ...(serverBefore !== undefined && serverAfter !== undefined ? { keyServiceUs: perFetchUs(serverAfter - serverBefore) } : {}),
      loadGeneratorUs: perFetchUs((own.user + own.system) / 1000),
    },
  };
}

async function startServer(dataDir: string, databaseUrl?: string): Promise<{ url: string; child: ChildProcess }> {
  const args = ['--import', 'tsx', 'src/server/cli.ts', '--port', '0', '--data', dataDir, ...(databaseUrl ? ['--database-url', databaseUrl] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_ENV: 'production' } });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`key service exited with ${code}`)));
  });
  return { url, child };
}

async function freshDatabase(url: string): Promise<string> {
  const name = `ks_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * The database round trip alone, for comparison: a prepared `SELECT 1` through a pg pool of the key
 * service's default size (10) from CONCURRENCY workers, as many times as the load made fetches. Each
 * fetch is one query of the key service, so this is a ceiling no fetch rate can pass on this machine.
 */
async function databaseCeiling(databaseUrl: string) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < REQUESTS; i = next++) await pool.query({ name: 'ceiling', text: 'SELECT 1 AS one', values: [] });
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  await pool.end();
  return { queries: REQUESTS, poolSize: 10, concurrency: CONCURRENCY, selectOnePerSecond: Math.round(REQUESTS / seconds) };
}

async function run(backend: 'sqlite' | 'postgres') {
  const dataDir = mkdtempSync(path.join(tmpdir(), `ks-bench-${backend}-`));
  const databaseUrl = backend === 'postgres' ? await freshDatabase(process.env.TEST_DATABASE_URL ?? '') : undefined;
  const { url, child } = await startServer(dataDir, databaseUrl);
  try {
    const result = await load(url, child.pid);
    return databaseUrl ? { ...result, databaseCeiling: await databaseCeiling(databaseUrl) } : result;
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  if (values.url) {
    console.log(JSON.stringify({ bench: 'keyservice-load', target: { perSecond: 5000, p99Ms: 20 }, [values.url]: await load(values.url) }));
    return;
  }
  const results: Record<string, unknown> = { sqlite: await run('sqlite') };
  results.postgres = process.env.TEST_DATABASE_URL ? await run('postgres') : { skipped: 'TEST_DATABASE_URL not set (run under scripts/with-services.sh)' };
  console.log(JSON.stringify({ bench: 'keyservice-load', target: { perSecond: 5000, p99Ms: 20 }, ...results }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
