/**
 * The signed-in client's messaging side (docs/client.md): the pipeline of src/common/messaging
 * over the relay (created once, on first use), the control notices on the user's inbox — acted on first
 * (key versions prefetched, rotations readied, the transport token renewed, the keys of a conversation
 * this user was removed from evicted), then passed to listeners —
 * and closing all of it. Owned by the `Client` facade, one per sign-in.
 */
import { randomBytes } from 'node:crypto';
import type PubNub from 'pubnub';
import type { ControlNotice } from '../common/controlNotices';
import { Emitter } from '../common/events/emitter';
import { AppError, missingCase } from '../common/errors';
import type { ConversationId } from '../common/ids';
import { createMessaging, type Messaging } from '../common/messaging/messaging';
import type { SignedIn } from './signedIn';
import { cursorStoreOf } from './cursors';
import type { KeyServiceApi } from './keyServiceApi';
import type { ProfileState } from './profileState';
import { Transport, transportConfig } from './transport';

export class ClientMessaging {
  private transport: Transport | undefined;
  private pipeline: Promise<Messaging> | undefined;
  private readonly notices = new Emitter<[notice: ControlNotice]>();

  constructor(
    private readonly api: KeyServiceApi,
    private readonly state: ProfileState,
    private readonly relay: string,
  ) {}

  /** The pipeline, created once; `me` is the signed-in account it seals and opens with. */
  messaging(me: SignedIn): Promise<Messaging> {
    this.pipeline ??= this.start(me).catch((err: unknown) => {
      this.pipeline = undefined;
      throw err;
    });
    return this.pipeline;
  }

  /** Makes sure the transport token covers these conversations (after creating or joining one). */
  async ensureAccess(me: SignedIn, conversationIds: readonly ConversationId[]): Promise<void> {
    await this.messaging(me);
    await this.transport?.ensureAccess(conversationIds);
  }

  /** The core's PubNub client (the offline send queue publishes with it); starts the pipeline when needed. */
  async pubnub(me: SignedIn): Promise<PubNub> {
    await this.messaging(me);
    if (this.transport === undefined) throw new AppError('client_closed', 'the transport was closed');
    return this.transport.pubnub;
  }

  /** Mints a fresh transport token whatever the current one lists (a publish the relay refused). */
  async renewAccess(me: SignedIn): Promise<void> {
    await this.messaging(me);
    await this.transport?.renew();
  }

  /** Control notices after the core has acted on them (e.g. to join a conversation one was added to). */
  onNotice(listener: (notice: ControlNotice) => void): () => void {
    return this.notices.event(listener);
  }

  async close(): Promise<void> {
    const pipeline = this.pipeline;
    this.pipeline = undefined;
    await (await pipeline?.catch(() => undefined))?.dispose();
    this.transport?.close();
    this.transport = undefined;
    this.notices.clear();
  }

  private async start(me: SignedIn): Promise<Messaging> {
    const transport = await Transport.connect(this.api, transportConfig(this.relay));
    this.transport = transport;
    transport.listenInbox(me.identity.userId, (notice) => void this.handleNotice(me, notice).catch(() => undefined));
    return createMessaging({
      pubnub: transport.pubnub,
      crypto: me.crypto,
      cursors: cursorStoreOf(this.state),
      self: { userId: me.identity.userId, deviceId: me.identity.deviceId },
      randomBytes: (n) => new Uint8Array(randomBytes(n)),
    });
  }

  private async handleNotice(me: SignedIn, notice: ControlNotice): Promise<void> {
    await this.actOn(me, notice);
    this.notices.fire(notice);
  }

  private async actOn(me: SignedIn, notice: ControlNotice): Promise<void> {
    switch (notice.type) {
      case 'key_version':
        await me.ring.prefetch(notice.conversationId, notice.version);
        return;
      case 'rotation_needed':
        await me.ring.prefetch(notice.conversationId);
        return;
      case 'member_removed':
        if (notice.userId === me.identity.userId) me.ring.forget(notice.conversationId);
        await this.transport?.renew();
        return;
      case 'member_added':
      case 'access_changed':
        await this.transport?.renew();
        return;
      case 'membership_changed':
        // Verify the new statement now: a disappearing timer it sets applies to the local store at once.
        await me.conversations.get(notice.conversationId).catch(() => undefined);
        return;
      case 'account_reset_changed':
        // Nothing to renew: the listeners re-read the account's reset request (docs/protocol.md §18.9).
        return;
      default:
        missingCase(notice);
    }
  }
}
