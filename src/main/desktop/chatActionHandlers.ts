/**
 * The desktop's IPC handlers for replies, edits and deletes (docs/desktop.md "Replies, edits and deletes";
 * docs/protocol.md §7.7): `sealChatAction` seals a reply, an edit, a delete for everyone or a reaction in main, with the
 * same body-size and verified-contacts checks as `sealMessage`; `deleteForMe` takes a message's text out of
 * this device's store; `messageVersions` answers the previous versions of an edited message to its author
 * only (`not_author` otherwise); `saveDraft` / `listDrafts` keep the composer's unsent text in the encrypted
 * store (docs/desktop.md "Drafts"). `withStoredState` adds to opened messages what the store already applied (an
 * original fetched again after its delete shows deleted, never its text).
 */
import type { Client } from '../../client';
import type { ConversationId, MessageId, UserId } from '../../common/ids';
import { bridgeBodyBytes, MAX_BRIDGE_BODY, type BridgePlaintext, type OpenOutcomeView } from '../../common/ipc/schemas/messages';
import { NotAuthorError, TooLargeError } from '../../common/protocol/errors';
import type { Handlers } from '../ipc/dispatch';
import type { ClientHost } from './clientHost';
import { fromBridgePlaintext } from './views';

type ChatChannels = 'sealChatAction' | 'deleteForMe' | 'messageVersions' | 'saveDraft' | 'listDrafts';

export interface ChatActionHandlerDeps {
  readonly host: ClientHost;
  /** The verified-contacts policy check `sealMessage` applies (handlers.ts). */
  readonly checkMaySeal: (client: Client, self: UserId, conversationId: ConversationId) => Promise<void>;
}

export function chatActionHandlers(deps: ChatActionHandlerDeps): Pick<Required<Handlers>, ChatChannels> {
  const signedIn = async () => {
    const client = await deps.host.current();
    return { client, self: client.session().userId };
  };
  return {
    async sealChatAction(conversationId, plaintext, type) {
      const size = bridgeBodyBytes(plaintext);
      if (size > MAX_BRIDGE_BODY) throw new TooLargeError(size, MAX_BRIDGE_BODY);
      const { client, self } = await signedIn();
      await deps.checkMaySeal(client, self, conversationId);
      return (await client.messageCrypto().seal(conversationId, fromBridgePlaintext(plaintext), type)) as Record<string, unknown>;
    },
    async deleteForMe(conversationId, messageId) {
      await (await signedIn()).client.deleteForMe(conversationId, messageId);
      return null;
    },
    async messageVersions(conversationId, messageId) {
      const { client, self } = await signedIn();
      const versions = await client.messageVersions(conversationId, messageId);
      if (versions.some((v) => v.author !== self)) throw new NotAuthorError('Only the author of a message can see its previous versions.');
      return versions.slice(0, 100).map((v) => ({ ...v, id: v.id.slice(0, 64) }));
    },
    async saveDraft(conversationId, text) {
      await (await signedIn()).client.saveDraft(conversationId, text);
      return null;
    },
    async listDrafts() {
      return (await signedIn()).client.drafts();
    },
  };
}

/** Opened messages with what the store applied to them (edited text and version, deleted, deleted for me). */
export async function withStoredState(client: Client, conversationId: ConversationId, outcomes: readonly OpenOutcomeView[]): Promise<OpenOutcomeView[]> {
  const ids = outcomes.flatMap((o) =>
    o.kind === 'ok' && o.chat?.kind !== 'edit' && o.chat?.kind !== 'delete' && o.chat?.kind !== 'reaction' ? [o.plaintext.id as MessageId] : [],
  );
  if (ids.length === 0) return [...outcomes];
  const states = await client.chatStates(conversationId, ids).catch(() => new Map());
  return outcomes.map((o) => {
    if (o.kind !== 'ok') return o;
    const state = states.get(o.plaintext.id as MessageId);
    if (state === undefined) return o;
    if (state.deleted === true || state.hidden === true) {
      const empty: BridgePlaintext = { id: o.plaintext.id, sentAt: o.plaintext.sentAt, type: 'string', body: '' };
      return { kind: 'ok', plaintext: empty, senderDevice: o.senderDevice, senderUser: o.senderUser, keyVersion: o.keyVersion, state };
    }
    return { ...o, state };
  });
}
