/**
 * The claim issuer's public endpoint (docs/broadcast.md §2): `GET <base>/.well-known/jwks.json`, the JWKS
 * that key managers fetch (and cache) to verify role claims.
 */
import { z } from 'zod';
import { defineRoute, type Route } from '../http/route';
import type { ClaimIssuer } from './claimIssuer';

const JwksSchema = z.object({ keys: z.array(z.record(z.string(), z.unknown())) });

export function claimRoutes(issuer: () => Pick<ClaimIssuer, 'jwks'> | Promise<Pick<ClaimIssuer, 'jwks'>>, basePath = ''): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: `${basePath}/.well-known/jwks.json`,
      tag: 'claims',
      summary: 'Public keys (JWKS) that verify role claims',
      auth: 'public',
      response: JwksSchema,
      errors: [],
      handler: async () => (await issuer()).jwks() as z.input<typeof JwksSchema>,
    }),
  ];
}
