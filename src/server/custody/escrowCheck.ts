/**
 * The key service's rule for escrow wraps (docs/protocol.md §19.3): in escrow mode a key version is
 * accepted only with a wrap for the current recipient (422 `escrow_wrap_missing`, `escrow_recipient_mismatch`);
 * in server-trusted mode no device-made version is taken (422 `server_keys_only`, §19.4);
 * in zero-trust mode a version carrying one is refused (422 `escrow_not_enabled`), so a client never
 * believes it escrowed what nobody keeps. Read inside the submission's transaction without a lock (every
 * rotation would otherwise wait on one row): a mode change that commits while a submission is under way
 * still marks that conversation for rotation after it, so its next version follows the new mode. The key
 * service cannot open the wrap (it never holds the recipient's private key).
 */
import { fromBase64Url } from '../../common/encoding/base64url';
import { isProtocolError } from '../../common/protocol/errors';
import { checkEscrowWrapSuite, type EscrowWrap } from '../../common/protocol/escrowWrap';
import type { Queryable } from '../db/db';
import { Unprocessable } from '../http/httpErrors';
import { custodyState, insertEscrowWrap, recipientById } from './store';

export async function checkEscrowWrap(q: Queryable, escrow: EscrowWrap | undefined): Promise<{ recipient: string; wrap: EscrowWrap } | undefined> {
  const state = await custodyState(q);
  if (state.mode === 'server-trusted')
    throw new Unprocessable('this organisation is in server-trusted mode: the key service makes every key version', 'server_keys_only');
  if (state.mode !== 'escrow' || state.recipient_id === null) {
    if (escrow !== undefined) throw new Unprocessable('this organisation is not in escrow mode: a key version carries no escrow wrap', 'escrow_not_enabled');
    return undefined;
  }
  if (escrow === undefined)
    throw new Unprocessable(
      "this organisation is in escrow mode: every key version needs a wrap for the organisation's recovery recipient",
      'escrow_wrap_missing',
    );
  if (escrow.recipient !== state.recipient_id)
    throw new Unprocessable(
      `the escrow wrap is for recipient ${escrow.recipient}, the organisation's recipient is ${state.recipient_id}`,
      'escrow_recipient_mismatch',
    );
  // The suite the recipient's key calls for (§19.2): an X25519 wrap to an X-Wing recipient is a downgrade.
  const recipient = await recipientById(q, state.recipient_id);
  if (recipient === undefined) throw new Error(`custody state names recipient ${state.recipient_id}, which is not stored`);
  try {
    checkEscrowWrapSuite(escrow, fromBase64Url(recipient.public_key));
  } catch (err) {
    if (isProtocolError(err)) throw new Unprocessable(err.message, err.code);
    throw err;
  }
  return { recipient: state.recipient_id, wrap: escrow };
}

export async function storeEscrowWrap(
  q: Queryable,
  conversationId: string,
  version: number,
  checked: { recipient: string; wrap: EscrowWrap } | undefined,
  now: number,
): Promise<void> {
  if (checked === undefined) return;
  await insertEscrowWrap(q, {
    conversation_id: conversationId,
    version,
    recipient_id: checked.recipient,
    wrap: JSON.stringify({ ...('suite' in checked.wrap ? { suite: checked.wrap.suite } : {}), enc: checked.wrap.enc, ct: checked.wrap.ct }),
    created_at: now,
  });
}
