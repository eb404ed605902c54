/**
 * The desktop's IPC handlers for the organisation's key custody (docs/desktop.md "Key custody",
 * docs/protocol.md §19): the status the Security panel shows, accepting a changed escrow recipient, and
 * accepting keys the key service makes (server-trusted custody, §19.4).
 */
import type { Handlers } from '../ipc/dispatch';
import type { ClientHost } from './clientHost';

type CustodyMethods = 'custodyStatus' | 'acceptEscrowRecipient' | 'acceptServerKeys';

export function custodyHandlers(deps: { host: ClientHost }): Pick<Required<Handlers>, CustodyMethods> {
  return {
    async custodyStatus() {
      return (await deps.host.current()).custody();
    },
    async acceptEscrowRecipient(fingerprint) {
      return (await deps.host.current()).acceptEscrowRecipient(fingerprint);
    },
    async acceptServerKeys() {
      return (await deps.host.current()).acceptServerKeys();
    },
  };
}
