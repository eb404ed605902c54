/** Routes of the organisation's key custody (docs/api.md "Key custody", docs/protocol.md §19). */
import { CustodySchema } from '../custodySchemas';
import { defineRoutes } from '../route';

export const custodyRoutes = defineRoutes({
  getCustody: {
    method: 'GET',
    path: '/v1/custody',
    tag: 'custody',
    summary: "The organisation's custody mode and, in escrow mode, the recovery recipient every key version is also wrapped to",
    auth: 'user',
    response: CustodySchema,
    errors: {},
  },
});
