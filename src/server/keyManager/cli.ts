/**
 * `npm run key-manager -- --port <p> --data <dir> --issuer <iss>[=<jwksUrl>] [--issuer …] [--host …]
 * [--public-url …] [--require-post-quantum]` (docs/broadcast.md §4): runs a key manager alone — a custom key manager a channel
 * creator controls. Prints `key manager listening on http://127.0.0.1:<p>`; stops on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { chooseCryptoProvider } from '../../node/crypto/providers';
import { kmsFromEnv } from '../kms';
import { startKeyManager, type TrustedIssuer } from './index';

function fail(message: string): never {
  console.error(`key manager: ${message}`);
  process.exit(2);
}

/** `<issuer>=<jwksUrl>`, or just `<issuer>` (an URL) whose JWKS is at `<issuer>/.well-known/jwks.json`. */
function parseIssuer(spec: string): TrustedIssuer {
  const at = spec.indexOf('=');
  if (at === -1 && /^https?:\/\/[^\s]+$/.test(spec)) return { issuer: spec, jwksUrl: `${spec.replace(/\/$/, '')}/.well-known/jwks.json` };
  if (at <= 0 || at === spec.length - 1) fail(`--issuer must be <issuer>=<jwksUrl> or an issuer URL, got ${spec}`);
  return { issuer: spec.slice(0, at), jwksUrl: spec.slice(at + 1) };
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string', default: '8788' },
        host: { type: 'string', default: '127.0.0.1' },
        data: { type: 'string' },
        issuer: { type: 'string', multiple: true },
        'public-url': { type: 'string' },
        'require-post-quantum': { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0-65535, got ${values.port}`);
  if (!values.data) fail('--data <dir> is required');
  const issuers = (values.issuer ?? []).map(parseIssuer);
  if (issuers.length === 0) fail('at least one --issuer <issuer>[=<jwksUrl>] is required');
  const km = await startKeyManager({
    port,
    host: values.host,
    dataDir: values.data,
    trustedIssuers: issuers,
    // The KMS sealing the master key: SEED_KMS=aws with KMS_KEY_ID/AWS_REGION, else the local KMS (docs/operations.md "KMS").
    kms: kmsFromEnv(process.env, values.data),
    ...(values['public-url'] ? { publicUrl: values['public-url'] } : {}),
    ...(values['require-post-quantum'] ? { requirePostQuantum: true } : {}),
  });
  console.log(chooseCryptoProvider().logLine);
  console.log(`key manager listening on ${km.url}`);
  const stop = () => {
    void km.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
