/**
 * Chooses the CryptoProvider of a Node process (main, server, key manager, cli, bench): libsodium through
 * `sodium-native` when the native module loads, else `node:crypto` — and says which in one log line.
 * `SEED_CRYPTO_PROVIDER=libsodium|node` forces one (CI runs the crypto and scenario tests under each); a
 * forced provider that cannot load is an error, never a silent fallback. docs/architecture.md, "Crypto
 * providers". Choosing a provider also installs Node's native base64url codec (../encoding/bufferBase64Url.ts)
 * for the common code of this process.
 */
import { createRequire } from 'node:module';
import type { CryptoProvider } from '../../common/crypto/provider';
import { installBase64UrlCodec } from '../../common/encoding/base64url';
import { bufferBase64Url } from '../encoding/bufferBase64Url';
import { createNodeCryptoProvider } from './nodeProvider';
import { createSodiumCryptoProvider } from './sodiumProvider';

/** The two providers. */
export type CryptoProviderName = 'libsodium' | 'node';

/** The provider chosen, and why. */
export interface ChosenCryptoProvider {
  readonly name: CryptoProviderName;
  readonly provider: CryptoProvider;
  /** One line for the log: which provider is in use, and why the fallback when it is one. */
  readonly logLine: string;
  /** The provider and its version, as the About dialog names it. */
  readonly label: string;
}

/** Thrown when SEED_CRYPTO_PROVIDER names a provider that cannot load, or no provider at all. */
export class CryptoProviderUnavailableError extends Error {
  readonly code = 'crypto_provider_unavailable' as const;
  constructor(message: string) {
    super(message);
    this.name = 'CryptoProviderUnavailableError';
  }
}

const NODE_LABEL = `Node.js crypto (OpenSSL ${process.versions.openssl ?? 'unknown'})`;
const sodiumLabel = (version: string) => `libsodium (sodium-native ${version})`;

let sodiumLoad: { provider: CryptoProvider; version: string } | { error: string } | undefined;

function loadSodium(): { provider: CryptoProvider; version: string } | { error: string } {
  if (sodiumLoad) return sodiumLoad;
  try {
    const load = createRequire(__filename);
    const modulePath = load.resolve('sodium-native');
    const sodium = load(modulePath) as Parameters<typeof createSodiumCryptoProvider>[0];
    const version = (load('sodium-native/package.json') as { version?: string }).version ?? 'unknown';
    sodiumLoad = { provider: createSodiumCryptoProvider(sodium, modulePath), version };
  } catch (err) {
    sodiumLoad = { error: err instanceof Error ? (err.message.split('\n')[0] ?? err.name) : String(err) };
  }
  return sodiumLoad;
}

/** The provider named by `force` (or SEED_CRYPTO_PROVIDER), else libsodium when it loads, else node:crypto. */
export function chooseCryptoProvider(force: string | undefined = process.env.SEED_CRYPTO_PROVIDER): ChosenCryptoProvider {
  installBase64UrlCodec(bufferBase64Url);
  const wanted = force === undefined || force === '' ? undefined : force;
  if (wanted !== undefined && wanted !== 'libsodium' && wanted !== 'node')
    throw new CryptoProviderUnavailableError(`SEED_CRYPTO_PROVIDER must be "libsodium" or "node", not "${wanted}"`);
  if (wanted === 'node')
    return {
      name: 'node',
      provider: createNodeCryptoProvider(),
      logLine: 'crypto provider: node:crypto (forced by SEED_CRYPTO_PROVIDER)',
      label: NODE_LABEL,
    };
  const sodium = loadSodium();
  if ('provider' in sodium)
    return {
      name: 'libsodium',
      provider: sodium.provider,
      logLine: `crypto provider: ${sodiumLabel(sodium.version)}${wanted ? ', forced by SEED_CRYPTO_PROVIDER' : ''}`,
      label: sodiumLabel(sodium.version),
    };
  if (wanted === 'libsodium') throw new CryptoProviderUnavailableError(`SEED_CRYPTO_PROVIDER=libsodium but sodium-native did not load: ${sodium.error}`);
  return {
    name: 'node',
    provider: createNodeCryptoProvider(),
    logLine: `crypto provider: node:crypto (libsodium unavailable: ${sodium.error})`,
    label: NODE_LABEL,
  };
}

/** Both providers, for tests and the benchmark that run them side by side; libsodium absent when it cannot load. */
export function allCryptoProviders(): readonly ChosenCryptoProvider[] {
  installBase64UrlCodec(bufferBase64Url);
  const sodium = loadSodium();
  const node: ChosenCryptoProvider = { name: 'node', provider: createNodeCryptoProvider(), logLine: 'crypto provider: node:crypto', label: NODE_LABEL };
  return 'provider' in sodium
    ? [{ name: 'libsodium', provider: sodium.provider, logLine: `crypto provider: ${sodiumLabel(sodium.version)}`, label: sodiumLabel(sodium.version) }, node]
    : [node];
}
