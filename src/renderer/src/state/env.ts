/**
 * What the store needs besides the bridge client: main→renderer events, a clock, how to start the
 * messaging pipeline for the signed-in user (the real pubnub-backed one in the app), and the desktop
 * shell's calls (notifications, unread badge). `ChatPort` is the part of the pipeline (docs/messaging.md
 * §API) the chat slice drives.
 */
import type { BridgeClient, BridgeEvents } from '../bridge/client';
import type { DeviceId, UserId } from '../../../common/ids';
import type { Messaging } from '../../../common/messaging/messaging';
import type { PrefsStore } from '../model/conversationPrefs';
import type { ReadMarkerStore } from '../model/readMarker';
import type { PresencePort } from '../chat/rendererPresence';

export type ChatPort = Pick<
  Messaging,
  'join' | 'leave' | 'catchUp' | 'loadOlder' | 'send' | 'retry' | 'setTyping' | 'markRead' | 'react' | 'unreact' | 'view' | 'onChange' | 'onError' | 'dispose'
> &
  /** Replies, edits and deletes (docs/messaging.md §Replies, edits and deletes); absent in a host without them. */
  Partial<Pick<Messaging, 'reply' | 'edit' | 'deleteForEveryone' | 'deleteForMe'>> & {
    /** Fetches a fresh transport token from main; true when it differs from the one in use. */
    refreshAccess?(): Promise<boolean>;
    /** Presence of direct conversations' peers (docs/messaging.md "Presence"); absent when policy turned it off. */
    presence?: PresencePort;
  };

export interface StoreEnv {
  events: BridgeEvents;
  now: () => number;
  /** True while the user is looking at the app (no notification for the open conversation then). */
  isActive: () => boolean;
  /** Starts the pipeline for this user and device; null when the app runs without one (no transport). */
  startChat: ((self: { userId: UserId; deviceId: DeviceId }) => Promise<ChatPort>) | null;
  /** Where the local read markers are kept; default: the page's localStorage (memory only without one). */
  readMarkers?: ReadMarkerStore;
  /** Where mute, pin and mark-unread are kept; default: the page's localStorage (memory only without one). */
  prefs?: PrefsStore;
  /**
   * Offers verified file bytes to the person as a download (browser mode's "save"; docs/desktop.md "Files");
   * absent: the window cannot save files that way.
   */
  offerDownload?(fileName: string, parts: readonly Uint8Array[]): void;
  /** Asks main for desktop notifications and keeps the unread badge current (desktopLifecycle.ts); absent: neither. */
  desktop?: DesktopPort;
}

export type DesktopPort = Pick<BridgeClient, 'showNotification' | 'setUnreadCount'>;

export const noEvents: BridgeEvents = { on: () => () => {} };

export const defaultEnv: StoreEnv = { events: noEvents, now: () => Date.now(), isActive: () => true, startChat: null };
