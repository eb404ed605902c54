/**
 * `GET /time/0` (docs/pubnub-wire.md §2): the present timetoken as a JSON number in a one-element array. Open
 * even under Access Manager; the legacy subscribe loop polls it to detect that the relay is back.
 */
import { okRaw } from '../http/reply';
import { route } from '../http/router';
import { OPEN } from '../pam/accessManager';

export const timeRoutes = [
  route('GET', '/time/0', {
    parse: () => undefined,
    access: () => OPEN,
    handle: (_p, ctx) => okRaw(`[${ctx.relay.clock.current()}]`),
  }),
];
