/**
 * `npm run server -- --port <p> --data <dir> [--database-url postgres://…] [--pubnub-origin host:port]
 * [--pubnub-secret-key …] [--pubnub-publish-key …] [--pubnub-subscribe-key …] [--host …] [--outbox-lease-ms …]
 * [--trusted-proxy <address or CIDR>]… [--sign-in-methods password,oidc] [--registration open|closed]
 * [--allowed-email-domains a.example,b.example] [--oidc-issuer https://…] [--oidc-client-id …] [--oidc-display-name …]
 * [--oidc-algorithms RS256,ES256]`.
 * Prints `key service listening on http://127.0.0.1:<p>` once it accepts requests; stops on SIGINT/SIGTERM.
 * `npm run server -- admin …` is the admin CLI instead (adminCli.ts: users, deactivate, reactivate, audit).
 * Environment fallbacks: DATABASE_URL, PUBNUB_ORIGIN, PUBNUB_SECRET_KEY, PUBNUB_PUBLISH_KEY, PUBNUB_SUBSCRIBE_KEY,
 * TRUSTED_PROXIES (comma-separated), SIGN_IN_METHODS, REGISTRATION, ALLOWED_EMAIL_DOMAINS, OIDC_ISSUER, OIDC_CLIENT_ID,
 * OIDC_DISPLAY_NAME, OIDC_ALGORITHMS (sign-in settings: docs/operations.md "Sign-in settings"). SCIM_BEARER_TOKEN (at
 * least 32 characters; environment only, never a flag, so it is not in the process list) turns on SCIM
 * provisioning under /scim/v2 (docs/operations.md "Provisioning with SCIM").
 * Running it, alone or as several instances: docs/operations.md.
 * TEST ONLY: `SEED_TEST_PUBNUB_EFFECTS=fail` makes every notice publish and token revocation fail at once
 * (src/server/pubnub/testOutage.ts), so a test can kill the process while its outbox holds them.
 */
import { parseArgs } from 'node:util';
import { adminFailureText, runAdmin } from './adminCli';
import { chooseCryptoProvider } from '../node/crypto/providers';
import { startKeyService } from './index';
import { kmsFromEnv } from './kms';
import { TEST_OUTAGE_ENV } from './pubnub/testOutage';
import { organisationFromEnv, resolveOrganisation } from './oidcSettings';

function fail(message: string): never {
  console.error(`key service: ${message}`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string', default: '8787' },
        host: { type: 'string', default: '127.0.0.1' },
        data: { type: 'string' },
        'database-url': { type: 'string' },
        'pubnub-origin': { type: 'string' },
        'pubnub-ssl': { type: 'boolean', default: false },
        'pubnub-secret-key': { type: 'string' },
        'pubnub-publish-key': { type: 'string' },
        'pubnub-subscribe-key': { type: 'string' },
        'outbox-lease-ms': { type: 'string' },
        'trusted-proxy': { type: 'string', multiple: true },
        'sign-in-methods': { type: 'string' },
        registration: { type: 'string' },
        'allowed-email-domains': { type: 'string' },
        'oidc-issuer': { type: 'string' },
        'oidc-client-id': { type: 'string' },
        'oidc-display-name': { type: 'string' },
        'oidc-algorithms': { type: 'string' },
      },
      strict: true,
    }));
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0-65535, got ${values.port}`);
  if (!values.data) fail('--data <dir> is required');
  const env = process.env;
  const origin = values['pubnub-origin'] ?? env.PUBNUB_ORIGIN;
  const secretKey = values['pubnub-secret-key'] ?? env.PUBNUB_SECRET_KEY;
  if ((origin === undefined) !== (secretKey === undefined)) fail('--pubnub-origin and --pubnub-secret-key go together');
  const databaseUrl = values['database-url'] ?? env.DATABASE_URL;
  const leaseMs = values['outbox-lease-ms'] === undefined ? undefined : Number(values['outbox-lease-ms']);
  if (leaseMs !== undefined && !(Number.isInteger(leaseMs) && leaseMs >= 1_000))
    fail(`--outbox-lease-ms must be an integer >= 1000, got ${values['outbox-lease-ms']}`);
  const trustedProxies =
    values['trusted-proxy'] ??
    (env.TRUSTED_PROXIES ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p.length > 0);
  let organisation;
  try {
    organisation = organisationFromEnv(values, env);
    resolveOrganisation(organisation);
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  const scimToken = env.SCIM_BEARER_TOKEN;
  if (scimToken !== undefined && scimToken.length < 32) fail('SCIM_BEARER_TOKEN must be at least 32 characters');
  let kms;
  try {
    kms = kmsFromEnv(env, values.data);
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  const cacheTtl = env.SEED_SERVER_KEY_CACHE_TTL_MS;
  const cacheEntries = env.SEED_SERVER_KEY_CACHE_ENTRIES;
  for (const [name, value] of [
    ['SEED_SERVER_KEY_CACHE_TTL_MS', cacheTtl],
    ['SEED_SERVER_KEY_CACHE_ENTRIES', cacheEntries],
  ] as const) {
    if (value !== undefined && !/^(0|[1-9][0-9]{0,9})$/.test(value)) fail(`${name} must be a whole number`);
  }
  const resetWaitHours = env.SEED_RESET_WAIT_HOURS;
  if (resetWaitHours !== undefined && !(/^[1-9][0-9]{0,2}$/.test(resetWaitHours) && Number(resetWaitHours) <= 720))
    fail('SEED_RESET_WAIT_HOURS must be a whole number of hours from 1 to 720 (30 days)');
  const broadcastRequirePq = env.SEED_BROADCAST_REQUIRE_PQ;
  if (broadcastRequirePq !== undefined && broadcastRequirePq !== '0' && broadcastRequirePq !== '1')
    fail('SEED_BROADCAST_REQUIRE_PQ must be 1 (serve channel keys to post-quantum devices only) or 0');
  const failEffects = env[TEST_OUTAGE_ENV] === 'fail';
  if (failEffects) console.error(`key service: TEST HOOK ${TEST_OUTAGE_ENV}=fail — PubNub notices and revocations fail; never use in production`);
  const service = await startKeyService({
    port,
    host: values.host,
    dataDir: values.data,
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(origin && secretKey
      ? {
          pubnub: {
            origin,
            ssl: values['pubnub-ssl'],
            secretKey,
            publishKey: values['pubnub-publish-key'] ?? env.PUBNUB_PUBLISH_KEY ?? 'pub-c-seed-local',
            subscribeKey: values['pubnub-subscribe-key'] ?? env.PUBNUB_SUBSCRIBE_KEY ?? 'sub-c-seed-local',
          },
        }
      : {}),
    ...(leaseMs !== undefined ? { outbox: { leaseMs } } : {}),
    ...(trustedProxies.length > 0 ? { trustedProxies } : {}),
    ...(failEffects ? { testOnlyFailPubnubEffects: true } : {}),
    ...(scimToken ? { scim: { bearerToken: scimToken } } : {}),
    ...(resetWaitHours !== undefined ? { resetWaitMs: Number(resetWaitHours) * 3_600_000 } : {}),
    ...(broadcastRequirePq === '1' ? { broadcastRequirePostQuantum: true } : {}),
    kms,
    serverKeyCache: {
      ...(cacheTtl !== undefined ? { ttlMs: Number(cacheTtl) } : {}),
      ...(cacheEntries !== undefined ? { maxEntries: Number(cacheEntries) } : {}),
    },
    organisation,
  });
  console.log(chooseCryptoProvider().logLine);
  console.log(`key service listening on ${service.url}`);
  const stop = () => {
    void service.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[2] === 'admin') {
  runAdmin(process.argv.slice(3))
    .then((out) => console.log(JSON.stringify(out, null, 2)))
    .catch((err: unknown) => {
      console.error(adminFailureText(err));
      process.exit(2);
    });
} else {
  main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
}
