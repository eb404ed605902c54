/**
 * The desktop's IPC handlers over the client core: sign-in, conversations and members, message
 * sealing/opening for the renderer's pipeline, the verified membership history, devices and linking, contact verification. Results are
 * shaped by the contract (src/common/ipc/contract.ts), which strips anything it does not declare; no
 * handler returns key material. Events tell the renderer when keys arrive, the session changes and a
 * contact's trust state changes (trustEvents.ts).
 *
 * The renderer is not trusted with decisions that release keys (docs/threat-model.md, "A compromised renderer"): approving
 * a device link needs the code the new device shows, checked here, and the native confirmation
 * (linking.ts, keyRelease.ts); verifying a contact or accepting their changed key needs the code from their
 * screen to match the key main holds (docs/protocol.md §10.1), and the page is never given that code; with
 * `requireVerifiedContacts`, members added must be verified, as must everyone a message is sealed for.
 */
import { join } from 'node:path';
import { AppError } from '../../common/errors';
import type { ConversationId, DeviceId, UserId } from '../../common/ids';
import type { ReceivedAt } from '../../common/messaging/ports';
import { checkMaySend, checkSignInMethod } from '../../common/policy/enforce';
import type { PolicyHolder } from '../services/policyHolder';
import type { Session } from '../../common/ipc/schemas/session';
import { bridgeBodyBytes, MAX_BRIDGE_BODY, type BridgePlaintext, type OpenOutcomeView } from '../../common/ipc/schemas/messages';
import type { ContactTrust as ContactTrustView } from '../../common/ipc/schemas/verification';
import { TooLargeError } from '../../common/protocol/errors';
import { attachmentViewBody } from '../../common/attachments/attachmentView';
import type { AttachmentMessage } from '../../common/protocol/attachmentMessage';
import type { MessagePlaintext } from '../../common/protocol/plaintext';
import {
  isTemporary,
  LocalStoreFailedError,
  type Client,
  type OutboxEntry,
  type ContactCodeCheck,
  type ContactTrust,
  type CoreMessageCrypto,
  type ExpiredMessage,
  type StoredAction,
  type StoredMessage,
  type StoredOutcome,
  type TextPlaintext,
} from '../../client';
import type { Handlers } from '../ipc/dispatch';
import type { EventSink } from '../ipc/eventHub';
import { broadcastHandlers } from './broadcastHandlers';
import { chatActionHandlers, withStoredState } from './chatActionHandlers';
import { presenceHandlers } from './presenceHandlers';
import { fileHandlers, NO_FILE_DIALOGS, type FileDialogs } from './fileHandlers';
import type { ClientHost } from './clientHost';
import { CODE_ONLY, KeyReleaseError, type KeyReleaseConfirmation } from './keyRelease';
import { DesktopLinking } from './linking';
import { watchRevocation } from './revocationWatch';
import { fileConfirmations, memoryConfirmations, recoveryHandlers } from './recoveryHandlers';
import { sessionHandlers } from './sessionHandlers';
import { custodyHandlers } from './custodyHandlers';
import { isStockRefusal, openStockForBridge, stockHandlers } from './stockHandlers';
import { ssoHandlers } from './ssoHandlers';
import { announceTrustChanges } from './trustEvents';
import { cachedLookup, conversationSummary, fromBridgePlaintext, membershipHistoryView, toBridgePlaintext, type UserLookup } from './views';
import { createConsoleLogger, type Logger } from '../log/logger';
import type { OutboxEntryView } from '../../common/ipc/schemas/outbox';

export interface DesktopHandlerDeps {
  host: ClientHost;
  events: EventSink;
  serverUrl: string;
  localStack: boolean;
  /** Managed policy: sign-in methods and "require verified contacts" are enforced here, in main. */
  policy: PolicyHolder;
  /** Asked before a device link releases the account key: a native dialog in the Electron build; absent, `CODE_ONLY`. */
  keyRelease?: KeyReleaseConfirmation;
  /** Where failures the user only sees as a sentence are logged with their code; absent, JSON lines on stderr. */
  log?: Pick<Logger, 'error' | 'warn'>;
  /** The system browser for single sign-on (ssoHandlers.ts); absent, SSO answers `sso_browser_unavailable`. */
  openBrowser?: (url: string) => Promise<void>;
  /** How long the browser sign-in may take; default 5 minutes. */
  ssoTimeoutMs?: number;
  /** Main's own open and save dialogs for files (fileHandlers.ts); absent, nothing can be chosen. */
  fileDialogs?: FileDialogs;
  /** The profile folder, where main notes which recovery key was confirmed here; absent, it is kept in memory. */
  profileDir?: string;
}

/** A body's size as `MAX_BRIDGE_BODY` counts it; refuses a larger one before anything else is done. */
function checkBodySize(plaintext: BridgePlaintext): void {
  const size = bridgeBodyBytes(plaintext);
  if (size > MAX_BRIDGE_BODY) throw new TooLargeError(size, MAX_BRIDGE_BODY);
}

/** What the page may see of a contact's trust: never the contact's half of the safety number. */
/** A stored message as the bridge shows it (search's jump to message). */
function storedView(m: StoredMessage) {
  return { timetoken: m.timetoken, outcome: m.outcome.kind === 'ok' ? withoutFileSecrets(m.outcome) : m.outcome };
}

/**
 * An opened message for the page: a file message's body becomes its view (name, size, type, caption),
 * and its descriptor — file key, hashes, store references — never leaves main (docs/desktop.md "Files").
 */
function withoutFileSecrets<T extends { plaintext: MessagePlaintext; attachment?: AttachmentMessage }>(
  o: T,
): Omit<T, 'plaintext' | 'attachment'> & { plaintext: BridgePlaintext } {
  const { attachment, plaintext, ...rest } = o;
  if (attachment === undefined) return { ...rest, plaintext: toBridgePlaintext(plaintext)! };
  return { ...rest, plaintext: { id: plaintext.id, sentAt: plaintext.sentAt, type: 'json', body: attachmentViewBody(attachment) } };
}

function trustView(t: ContactTrust): ContactTrustView {
  return { userId: t.userId, state: t.state, isNew: t.isNew, ownCode: t.ownCode, ...(t.companyIdentity ? { companyIdentity: t.companyIdentity } : {}) };
}

/** The trust after a typed contact code matched; a typed error (nothing changed) otherwise. */
function afterCodeCheck(result: { check: ContactCodeCheck; trust: ContactTrust }, name: string): ContactTrustView {
  if (result.check === 'unreadable')
    throw new KeyReleaseError('contact_code_unreadable', `Type the 30-digit code that ${name}'s device shows for them (spaces do not matter).`);
  if (result.check === 'mismatch')
    throw new KeyReleaseError(
      'contact_code_mismatch',
      `That is not the code ${name}'s device shows. Nothing was changed: check it with ${name} in person or on a call you trust.`,
    );
  return trustView(result.trust);
}

async function displayName(lookup: UserLookup, userId: UserId): Promise<string> {
  return (await lookup(userId).catch(() => ({ displayName: 'this contact' }))).displayName;
}

/** With `requireVerifiedContacts`: every member but this user must be verified. */
async function checkVerified(deps: DesktopHandlerDeps, client: Client, userIds: readonly UserId[]): Promise<void> {
  if (!deps.policy.current().values.requireVerifiedContacts) return;
  for (const userId of userIds) checkMaySend(deps.policy.current(), { safetyNumberVerified: (await client.contactTrust(userId)).state === 'verified' });
}

/**
 * A message that has already disappeared by its conversation's verified timer (e.g. fetched from PubNub
 * history after its time) is not handed to the window: it becomes `rejected` with code `expired`, which the
 * window does not show (docs/client.md "Disappearing messages"). It was not stored either.
 */
function hideExpired(client: Client, conversationId: ConversationId, outcome: OpenOutcomeView, received: ReceivedAt | undefined): OpenOutcomeView {
  if (outcome.kind !== 'ok' || !client.hasExpired(conversationId, received?.timetoken, outcome.plaintext.sentAt)) return outcome;
  return { kind: 'rejected', code: 'expired', message: 'This message has disappeared.' };
}

/** Tells the renderer which stored messages disappeared, per conversation, in chunks the event schema takes. */
function emitExpired(events: EventSink, gone: readonly ExpiredMessage[]): void {
  const byConversation = new Map<ConversationId, string[]>();
  for (const m of gone) byConversation.set(m.conversationId, [...(byConversation.get(m.conversationId) ?? []), m.timetoken]);
  for (const [conversationId, timetokens] of byConversation) {
    for (let i = 0; i < timetokens.length; i += 10_000) events.emit('messagesExpired', { conversationId, timetokens: timetokens.slice(i, i + 10_000) });
  }
}

/** With `requireVerifiedContacts`: every other member of the conversation must be verified before a send. */
async function checkVerifiedMembers(deps: DesktopHandlerDeps, client: Client, self: UserId, conversationId: ConversationId): Promise<void> {
  if (!deps.policy.current().values.requireVerifiedContacts) return;
  const info = await client.conversation(conversationId);
  await checkVerified(
    deps,
    client,
    info.members.filter((x) => x.userId !== self).map((m) => m.userId as UserId),
  );
}

/** What main opened: the page's view of it and what the local store keeps (the descriptor of a file included). */
interface BridgeOpened {
  readonly view: OpenOutcomeView;
  readonly stored: StoredOutcome | undefined;
}

/** Opens one envelope in main and shapes the outcome for the bridge (text and JSON bodies only; a file as its view). */
async function openForBridge(crypto: CoreMessageCrypto, conversationId: ConversationId, envelope: unknown, received?: ReceivedAt): Promise<BridgeOpened> {
  const outcome = await crypto.open(conversationId, envelope, received);
  if (outcome.kind === 'pending') return { view: outcome, stored: undefined };
  if (outcome.kind === 'rejected') return { view: outcome, stored: outcome };
  if (outcome.plaintext.type === 'binary') {
    const refused = { kind: 'rejected' as const, code: 'unsupported_body', message: 'binary messages are not shown in this version' };
    return { view: refused, stored: refused };
  }
  const stored = { ...outcome, plaintext: outcome.plaintext };
  return { view: withoutFileSecrets(stored), stored };
}

/** What the store keeps of an outcome that only exists as the page's view (stock messages: text only). */
function storedOfView(outcome: OpenOutcomeView): StoredOutcome | undefined {
  if (outcome.kind === 'pending') return undefined;
  return outcome.kind === 'ok' ? { ...outcome, plaintext: fromBridgePlaintext(outcome.plaintext) as TextPlaintext } : outcome;
}

/**
 * Keeps what main opened in the local store (docs/client.md "Local store"): opened and refused envelopes
 * that name their timetoken; a pending one is kept once its key arrives and the renderer opens it again.
 * A store failure does not fail the open (the message is shown; it is only not kept), it is reported.
 */
async function keepOpened(
  client: Client,
  conversationId: ConversationId,
  opened: { stored: StoredOutcome | undefined; received: ReceivedAt | undefined }[],
  onFailure: (error: AppError) => void,
): Promise<void> {
  const kept: StoredMessage[] = [];
  for (const { stored, received } of opened) {
    if (received === undefined || stored === undefined) continue;
    kept.push({ conversationId, timetoken: received.timetoken, outcome: stored });
  }
  await client
    .storeOpened(kept)
    .catch((err: unknown) => onFailure(err instanceof AppError ? err : new LocalStoreFailedError(err instanceof Error ? err.message : String(err))));
}

/** A queued send as the bridge shows it (text and JSON bodies only: nothing else is queued). */
function outboxView(entry: OutboxEntry): OutboxEntryView {
  return { conversationId: entry.conversationId, plaintext: toBridgePlaintext(entry.plaintext)!, state: entry.state, failure: entry.failure };
}

/**
 * Starts the core's messaging (its control-notice subscription). With the relay or the key service out of
 * reach for now the session still opens — stored history is readable offline — and the start is tried
 * again with the next transport token.
 */
async function startCoreMessaging(client: Client): Promise<void> {
  await client.messaging().catch((err: unknown) => {
    if (!isTemporary(err)) throw err;
  });
}

export function createDesktopHandlers(deps: DesktopHandlerDeps): Handlers {
  const { host, events } = deps;
  const linking = new DesktopLinking(events, deps.keyRelease ?? CODE_ONLY);
  let lookup: UserLookup | undefined;
  let listening = false;
  let revoked = false;
  /** The key service claimed a revocation it could not prove; cleared once the periodic check is answered normally. */
  let revocationUnproven = false;
  /** The organisation deactivated this account (offboarding); cleared once a check is answered normally. */
  let deactivated = false;
  let stopWatch: (() => void) | undefined;
  let stopOutbox: (() => void) | undefined;
  const log = deps.log ?? createConsoleLogger({ policy: deps.policy });
  /** A store save failed: the code to the log, a plain notice to the renderer; the live view carries on. */
  const storeFailed = (error: AppError) => {
    log.error('local_store.save_failed', { code: error.code }, error);
    events.emit('localStoreFailed', { code: error.code });
  };

  async function signedIn() {
    const client = await host.current();
    // Offline, a name kept from an earlier answer (display only) stands in for the directory.
    lookup ??= cachedLookup((id) =>
      client.findUser(id).catch(async (err: unknown) => {
        if (!isTemporary(err)) throw err;
        return (await client.keptContact(id)) ?? Promise.reject(err);
      }),
    );
    return { client, self: client.session().userId, lookup, isNew: (userId: UserId) => client.isNewContact(userId) };
  }

  async function session(): Promise<Session> {
    const client = await host.current();
    const base = { serverUrl: deps.serverUrl, localStack: deps.localStack };
    if (!client.isSignedIn) return { state: 'signedOut', ...base, ...(revoked ? { reason: 'deviceRevoked' as const } : {}) };
    revoked = false;
    if (!listening) {
      listening = true;
      stopWatch = watchRevocation(
        client,
        () => {
          revoked = true;
          revocationUnproven = false;
          deactivated = false;
          listening = false;
          lookup = undefined;
          void announceSession();
        },
        (claimed) => {
          if (revocationUnproven === claimed) return;
          revocationUnproven = claimed;
          void announceSession().catch(() => undefined);
        },
        undefined,
        (now) => {
          if (deactivated === now) return;
          deactivated = now;
          if (now) log.warn('account.deactivated', {});
          void announceSession().catch(() => undefined);
        },
      );
      client.messageCrypto().onKeyAvailable((conversationId, keyVersion) => events.emit('keyAvailable', { conversationId, keyVersion }));
      client.onIdentityChange((userId) => events.emit('trustChanged', { userId }));
      client.onMessagesExpired((gone) => emitExpired(events, gone));
      client.onStoreFailed((err) => console.warn(`local store: ${err.code}: ${err.message}`));
      stopOutbox?.();
      stopOutbox = client.onOutboxChange((change) => events.emit('outboxChanged', { ...change, delivered: [...change.delivered] }));
      void client.flushOutbox().catch((err: unknown) => log.warn('outbox.flush_failed', {}, err));
      client.onNotice((notice) => {
        if (notice.type === 'account_reset_changed') events.emit('accountResetChanged', {});
        else if (notice.type !== 'access_changed') events.emit('conversationsChanged', { conversationId: notice.conversationId, reason: notice.type });
      });
      // Not awaited: the first answer of a start paints at once (docs/desktop.md "Start"); the core's own
      // subscription connects behind it (`transportConfig` starts it too when it could not start here).
      void startCoreMessaging(client).catch((err: unknown) => log.warn('messaging.start_failed', {}, err));
    }
    const s = client.session();
    // The name kept from an earlier answer (display only) spares a directory round trip at start.
    const me = (await client.keptContact(s.userId).catch(() => null)) ?? (await client.findUser(s.userId).catch(() => null));
    return {
      state: 'signedIn',
      ...base,
      user: { userId: s.userId, username: s.username, displayName: me?.displayName ?? s.username },
      deviceId: s.deviceId,
      deviceName: s.deviceName,
      ...(deactivated ? { warning: 'accountDeactivated' as const } : revocationUnproven ? { warning: 'revocationUnproven' as const } : {}),
    };
  }

  async function announceSession(): Promise<Session> {
    const s = await session();
    events.emit('sessionChanged', s);
    return s;
  }

  const sso = ssoHandlers({ host, policy: deps.policy, linking, announceSession, openBrowser: deps.openBrowser, ssoTimeoutMs: deps.ssoTimeoutMs });
  const recovery = recoveryHandlers({
    host,
    policy: deps.policy,
    confirmations: deps.profileDir === undefined ? memoryConfirmations() : fileConfirmations(deps.profileDir),
    announceSession,
    log,
    keyRelease: deps.keyRelease ?? CODE_ONLY,
    sso: sso.flow,
  });

  async function summary(conversationId: ConversationId) {
    const { client, self, lookup: l, isNew } = await signedIn();
    events.emit('conversationsChanged', { conversationId, reason: 'updated' });
    const info = await client.conversation(conversationId);
    return conversationSummary(info, self, l, isNew, await client.postQuantumStatus(info));
  }

  return announceTrustChanges(events, {
    session,
    async register(a) {
      checkSignInMethod(deps.policy.current(), 'password');
      const client = await host.forSignIn(a.deviceName);
      await client.register({ username: a.username, password: a.password, displayName: a.displayName });
      return announceSession();
    },
    async signIn(a) {
      checkSignInMethod(deps.policy.current(), 'password');
      const client = await host.forSignIn(a.deviceName);
      await client.login({ username: a.username, password: a.password });
      return announceSession();
    },
    async transportConfig() {
      const { client } = await signedIn();
      const access = await client.transportAccess();
      // Reachable again: the core's own subscription (control notices) starts if it could not before.
      if (access.token !== null) {
        await startCoreMessaging(client);
        // The network is back: the offline queue goes out (docs/client.md "Offline send queue").
        void client.flushOutbox().catch((err: unknown) => log.warn('outbox.flush_failed', {}, err));
      }
      return access;
    },
    async signOut() {
      const client = await host.current();
      if (client.isSignedIn) await client.signOut();
      stopWatch?.();
      lookup = undefined;
      listening = false;
      return announceSession();
    },
    async searchUsers(query) {
      const { client, self } = await signedIn();
      const found = await client.searchUsers(query);
      return found.filter((u) => u.userId !== self).map((u) => ({ userId: u.userId as UserId, username: u.username, displayName: u.displayName }));
    },
    async listConversations() {
      const { client, self, lookup: l, isNew } = await signedIn();
      const list = await Promise.all(
        (await client.conversations()).map(async (c) => conversationSummary(c, self, l, isNew, await client.postQuantumStatus(c))),
      );
      await client.keepContacts(list.flatMap((c) => c.members).filter((m) => m.username !== m.userId || m.displayName !== m.userId));
      return list;
    },
    async keptConversations() {
      const client = await host.current();
      if (!client.isSignedIn) return [];
      const self = client.session().userId;
      // Names kept on this computer only: no directory round trip (a name not kept falls back to the id).
      const kept: UserLookup = async (userId) => (await client.keptContact(userId)) ?? Promise.reject(new Error('not kept'));
      return Promise.all((await client.keptConversations()).map((c) => conversationSummary(c, self, kept, (id) => client.isNewContact(id))));
    },
    async conversationReaders(conversationId) {
      const { client } = await signedIn();
      return { otherDevices: await client.otherMemberDevices(conversationId) };
    },
    async refusedConversations() {
      const { client } = await signedIn();
      return client.refusedConversations().map(({ conversationId, error }) => ({ conversationId, code: error.code, message: error.message }));
    },
    async createConversation(a) {
      const { client, self, lookup: l, isNew } = await signedIn();
      const info = await client.createConversation({
        kind: a.kind,
        members: a.memberUserIds,
        historyPolicy: a.historyPolicy,
        ...(a.name ? { name: a.name } : {}),
      });
      events.emit('conversationsChanged', { conversationId: info.conversationId, reason: 'created' });
      return conversationSummary(info, self, l, isNew, await client.postQuantumStatus(info));
    },
    async renameConversation(a) {
      await (await signedIn()).client.renameConversation(a.conversationId, a.name);
      return summary(a.conversationId);
    },
    async addMember(a) {
      const { client } = await signedIn();
      await checkVerified(deps, client, [a.userId]);
      await client.addMember(a.conversationId, a.userId, a.role);
      return summary(a.conversationId);
    },
    async removeMember(a) {
      await (await signedIn()).client.removeMember(a.conversationId, a.userId);
      return summary(a.conversationId);
    },
    async setMemberRole(a) {
      await (await signedIn()).client.setMemberRole(a.conversationId, a.userId, a.role);
      return summary(a.conversationId);
    },
    async setDisappearingTimer(a) {
      await (await signedIn()).client.setDisappearingTimer(a.conversationId, a.seconds);
      return summary(a.conversationId);
    },
    async leaveConversation(conversationId) {
      await (await signedIn()).client.leave(conversationId);
      events.emit('conversationsChanged', { conversationId, reason: 'left' });
      return null;
    },
    async rotateKey(conversationId) {
      const keyVersion = await (await signedIn()).client.rotate(conversationId);
      events.emit('conversationsChanged', { conversationId, reason: 'rotated' });
      return { conversationId, keyVersion };
    },
    async membershipHistory(conversationId) {
      const { client, lookup: l, isNew } = await signedIn();
      return membershipHistoryView(await client.membershipHistory(conversationId), l, isNew);
    },
    async sealMessage(conversationId, plaintext) {
      checkBodySize(plaintext);
      const { client, self } = await signedIn();
      await checkVerifiedMembers(deps, client, self, conversationId);
      await recovery.checkMayChat(client);
      const envelope = await client.messageCrypto().seal(conversationId, fromBridgePlaintext(plaintext));
      return envelope as Record<string, unknown>;
    },
    async openMessage(conversationId, envelope, received) {
      const { client } = await signedIn();
      const opened = await openForBridge(client.messageCrypto(), conversationId, envelope, received);
      await keepOpened(client, conversationId, [{ stored: opened.stored, received }], storeFailed);
      const [applied] = await withStoredState(client, conversationId, [opened.view]);
      return hideExpired(client, conversationId, applied!, received);
    },
    async openMessages(conversationId, envelopes, received) {
      if (received !== undefined && received.length !== envelopes.length)
        throw new AppError('invalid_arguments', 'openMessages: one receipt per envelope', 'validation');
      const { client } = await signedIn();
      const crypto = client.messageCrypto();
      const opened = await Promise.all(envelopes.map((envelope, i) => openForBridge(crypto, conversationId, envelope, received?.[i])));
      await keepOpened(
        client,
        conversationId,
        opened.map((o, i) => ({ stored: o.stored, received: received?.[i] })),
        storeFailed,
      );
      const outcomes = opened.map((o) => o.view);
      return (await withStoredState(client, conversationId, outcomes)).map((outcome, i) => hideExpired(client, conversationId, outcome, received?.[i]));
    },
    async openStockMessage(conversationId, payload, received) {
      const { client } = await signedIn();
      const outcome = await openStockForBridge(client, deps.policy, log, conversationId, payload, received);
      // Refused by policy: not kept, so turning the policy on later can still open it from history.
      if (!isStockRefusal(outcome)) await keepOpened(client, conversationId, [{ stored: storedOfView(outcome), received }], storeFailed);
      const [applied] = await withStoredState(client, conversationId, [outcome]);
      return hideExpired(client, conversationId, applied!, received);
    },
    async historyPage(conversationId, query) {
      const { client } = await signedIn();
      const page = await client.storedHistory(
        conversationId,
        query.before === undefined ? { limit: query.limit } : { before: query.before, limit: query.limit },
      );
      // Each message's stored reactions and receipts go with it, so they show after a restart offline.
      const byMessage = new Map<string, StoredAction[]>();
      for (const a of await client.storedActions(
        conversationId,
        page.map((m) => m.timetoken),
      ))
        byMessage.set(a.messageTimetoken, [...(byMessage.get(a.messageTimetoken) ?? []), a]);
      return page.map((m) => {
        const kept = byMessage.get(m.timetoken);
        return { ...storedView(m), ...(kept === undefined ? {} : { actions: kept.slice(0, 256) }) };
      });
    },
    async keepMessageActions(conversationId, changes) {
      const { client } = await signedIn();
      return client.storeActions(conversationId, changes);
    },
    async searchMessages(a) {
      const { client } = await signedIn();
      const hits = await client.searchMessages(a.query, { limit: a.limit, ...(a.conversationId === undefined ? {} : { conversationId: a.conversationId }) });
      return hits.map((h) => ({ ...h, snippet: { text: h.snippet.text, highlights: h.snippet.highlights.map(([s, e]) => [s, e] as [number, number]) } }));
    },
    async messageContext(a) {
      const { client } = await signedIn();
      return (await client.storedAround(a.conversationId, a.timetoken, a.limit)).map(storedView);
    },
    async queueMessage(conversationId, plaintext) {
      checkBodySize(plaintext);
      const { client, self } = await signedIn();
      // Main seals it later without asking the page again, so the policy is checked now, as sealMessage does.
      await checkVerifiedMembers(deps, client, self, conversationId);
      await recovery.checkMayChat(client);
      return outboxView(await client.queueMessage(conversationId, fromBridgePlaintext(plaintext) as TextPlaintext));
    },
    async listOutbox(conversationId) {
      return (await (await signedIn()).client.outboxEntries(conversationId)).map(outboxView);
    },
    async retryQueued(conversationId, messageId) {
      const { client } = await signedIn();
      await client.retryQueued(conversationId, messageId);
      return (await client.outboxEntries(conversationId)).map(outboxView);
    },
    async deleteQueued(conversationId, messageId) {
      const { client } = await signedIn();
      await client.deleteQueued(conversationId, messageId);
      return (await client.outboxEntries(conversationId)).map(outboxView);
    },
    async listDevices() {
      return (await signedIn()).client.devices();
    },
    async revokeDevice(deviceId) {
      const { client } = await signedIn();
      const { rotated } = await client.revokeDevice(deviceId as DeviceId);
      for (const conversationId of rotated) events.emit('conversationsChanged', { conversationId, reason: 'rotated' });
      return client.devices();
    },
    async startDeviceLink(a) {
      checkSignInMethod(deps.policy.current(), 'device-link');
      const client = await host.forSignIn(a.deviceName);
      return linking.start(client, { username: a.username, password: a.password }, () => void announceSession().catch(() => undefined));
    },
    deviceLinkStatus: async () => linking.current(),
    async beginDeviceApproval(input) {
      return linking.claim((await signedIn()).client, input);
    },
    async approveDeviceLink(linkId, approved, confirmationCode) {
      return linking.decide((await signedIn()).client, linkId, approved, confirmationCode);
    },
    contactTrust: async (userId) => trustView(await (await signedIn()).client.contactTrust(userId)),
    async markVerified(userId, typed) {
      const { client, lookup: l } = await signedIn();
      return afterCodeCheck(await client.verifyContactByCode(userId, typed), await displayName(l, userId));
    },
    async acknowledgeIdentityChange(userId, typed) {
      const { client, lookup: l } = await signedIn();
      return afterCodeCheck(await client.acceptChangedKeyByCode(userId, typed), await displayName(l, userId));
    },
    ...broadcastHandlers({ host, events, serverUrl: deps.serverUrl }),
    ...chatActionHandlers({ host, checkMaySeal: (client, self, conversationId) => checkVerifiedMembers(deps, client, self, conversationId) }),
    ...presenceHandlers({ host, policy: deps.policy }),
    ...fileHandlers({
      host,
      events,
      policy: deps.policy,
      dialogs: deps.fileDialogs ?? NO_FILE_DIALOGS,
      ...(deps.profileDir === undefined ? {} : { transfersDir: join(deps.profileDir, 'transfers') }),
      checkMaySend: async (client, conversationId) => {
        await checkVerifiedMembers(deps, client, client.session().userId, conversationId);
        await recovery.checkMayChat(client);
      },
    }),
    ...sessionHandlers({ host }),
    ...custodyHandlers({ host }),
    ...stockHandlers({
      host,
      policy: deps.policy,
      checkMaySeal: async (client, self, conversationId) => {
        await checkVerifiedMembers(deps, client, self, conversationId);
        await recovery.checkMayChat(client);
      },
    }),
    ...recovery.handlers,
    ...sso.handlers,
  });
}
