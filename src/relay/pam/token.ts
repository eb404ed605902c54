/**
 * Access Manager v3 tokens as the relay mints them (docs/pubnub-wire.md §5): base64url without padding of a CBOR
 * map `{v: 2, t, ttl, res, pat, meta, uuid?, sig}` with `res`/`pat` holding `chan`, `grp`, `uuid`, `usr`, `spc`
 * maps of permission bits — the layout the SDK's `parseToken` reads. `sig` is the relay's own HMAC-SHA256 (with
 * the secret key) over the canonical JSON of the other fields; PubNub's signature scheme is not reproduced, and the
 * SDK never checks it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { decode, encode } from 'cbor-x';
import { z } from 'zod';
import { AccessDeniedError } from '../errors';
import { LIMITS } from '../options';

const bitsMap = z.record(z.string(), z.number().int().min(0).max(255));

const resourcesSchema = z.object({
  chan: bitsMap,
  grp: bitsMap,
  uuid: bitsMap,
  usr: bitsMap,
  spc: bitsMap,
});

export type TokenResources = z.infer<typeof resourcesSchema>;

const claimsSchema = z.object({
  v: z.literal(2),
  t: z.number().int().nonnegative(),
  ttl: z.number().int().positive(),
  res: resourcesSchema,
  pat: resourcesSchema,
  meta: z.record(z.string(), z.unknown()),
  uuid: z.string().optional(),
});

export type TokenClaims = z.infer<typeof claimsSchema>;

export interface VerifiedToken {
  readonly claims: TokenClaims;
  /** Hex of `sig`: the token's identity for revocation. */
  readonly id: string;
  /** Unix seconds after which the token is expired. */
  readonly expiresAt: number;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function sign(secretKey: string, claims: TokenClaims): Buffer {
  return createHmac('sha256', secretKey)
    .update(`seed-relay-token-v2\n${canonical(claims)}`)
    .digest();
}

/** The one CBOR layout of a token: the claims in the schema's order, then `sig`. */
function layout(claims: TokenClaims, sig: Uint8Array): Buffer {
  const map: Record<string, unknown> = { ...claimsSchema.parse(claims), sig };
  if (map.uuid === undefined) delete map.uuid;
  return Buffer.from(encode(map));
}

export function mintToken(secretKey: string, claims: TokenClaims): string {
  return layout(claims, sign(secretKey, claims)).toString('base64url');
}

function invalid(): AccessDeniedError {
  return new AccessDeniedError('invalid_token', 'Invalid token');
}

/** Decodes and checks the signature; expiry and revocation are the caller's to judge. */
export function verifyToken(secretKey: string, token: string): VerifiedToken {
  if (token.length === 0 || token.length > LIMITS.tokenChars || !/^[A-Za-z0-9_\-+/]+=*$/.test(token)) throw invalid();
  let decoded: unknown;
  const raw = Buffer.from(token.replace(/\+/g, '-').replace(/\//g, '_'), 'base64url');
  try {
    decoded = decode(raw);
  } catch {
    throw invalid();
  }
  if (decoded === null || typeof decoded !== 'object') throw invalid();
  const { sig, ...rest } = decoded as Record<string, unknown>;
  const parsed = claimsSchema.safeParse(rest);
  if (!parsed.success || !(sig instanceof Uint8Array) || sig.length !== 32) throw invalid();
  const expected = sign(secretKey, parsed.data);
  if (!timingSafeEqual(expected, Buffer.from(sig))) throw invalid();
  // Only the exact bytes minted: another encoding of the same claims (an unknown key the schema strips, a
  // longer integer form, a reordered map) would be a second token with the same identity.
  if (!layout(parsed.data, sig).equals(raw)) throw invalid();
  return {
    claims: parsed.data,
    id: expected.toString('hex'),
    expiresAt: parsed.data.t + parsed.data.ttl * 60,
  };
}
