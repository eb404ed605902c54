/**
 * The claim issuer's signing key (docs/broadcast.md §2): one Ed25519 key (JWS alg EdDSA) kept as a
 * private JWK in `<dataDir>/claims-signing-key.json` (mode 0600), created on first start. Its `kid` is the
 * RFC 7638 thumbprint of the public JWK.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { AppError } from '../../common/errors';

export const SIGNING_KEY_FILE = 'claims-signing-key.json';

export class ClaimIssuerConfigError extends AppError {
  constructor(message: string) {
    super('claim_issuer_config', message, 'validation');
  }
}

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

function publicPart(jwk: JWK): JWK {
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
}

async function fromJwk(jwk: JWK): Promise<SigningKey> {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.d !== 'string')
    throw new ClaimIssuerConfigError('claim signing key is not an Ed25519 private JWK');
  const kid = await calculateJwkThumbprint(publicPart(jwk));
  const privateKey = (await importJWK(jwk, 'EdDSA')) as CryptoKey;
  return { kid, privateKey, publicJwk: { ...publicPart(jwk), kid, alg: 'EdDSA', use: 'sig' } };
}

/** Loads the signing key from `dataDir`, creating it on first use. */
export async function loadOrCreateSigningKey(dataDir: string): Promise<SigningKey> {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, SIGNING_KEY_FILE);
  if (existsSync(file)) {
    let jwk: JWK;
    try {
      jwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
    } catch {
      throw new ClaimIssuerConfigError(`${file} is not a JSON key file`);
    }
    return fromJwk(jwk);
  }
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk = await exportJWK(privateKey);
  writeFileSync(file, JSON.stringify(jwk), { mode: 0o600, flag: 'wx' });
  return fromJwk(jwk);
}
