/**
 * The claim issuer's public endpoint (docs/broadcast.md §2): `GET /.well-known/jwks.json`, the JWKS that
 * key managers fetch (and cache) to verify role claims — the `getClaimKeys` entry of the key service's
 * route table, served by the key service and by a standalone claim issuer (claimServer.ts).
 */
import { keyServiceRoutes as api } from '../../common/api/keyService';
import { implement, type Route } from '../http/route';
import type { ClaimIssuer } from './claimIssuer';

export function claimRoutes(issuer: () => Pick<ClaimIssuer, 'jwks'> | Promise<Pick<ClaimIssuer, 'jwks'>>): Route[] {
  return [
    implement(api, 'getClaimKeys', {
      handler: async () => {
        const { keys } = (await issuer()).jwks();
        return { keys: keys.map((key) => ({ ...key })) };
      },
    }),
  ];
}
