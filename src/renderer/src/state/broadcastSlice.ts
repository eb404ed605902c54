/**
 * Broadcast slice (docs/broadcast.md §8.1): the "Channels" area — the directory's channels with
 * this user's roles, the selected channel, each followed channel's messages (only the newest window is
 * opened; scrolling up widens it, model/broadcastRows.ts), drafts, follow / unfollow, publish, create,
 * and the owner's grants and revocations. `watchBroadcast` follows main's `broadcastChanged` while the
 * area is shown; a post newly not readable reloads the list, since this user's roles may have changed. Main's typed errors land in `error`; the create form's own checks in `formError`.
 */
import type { StateCreator } from 'zustand';
import type { BridgeClient } from '../bridge/client';
import type { ChannelRoleKind } from '../../../common/domain';
import type { ChannelId, UserId } from '../../../common/ids';
import type { BroadcastChannelSummary, BroadcastMessage } from '../../../common/ipc/schemas/broadcast';
import { checkNewChannel } from '../model/broadcastChannels';
import { BROADCAST_PAGE, sealedToOpen } from '../model/broadcastRows';
import { toUiError, type UiError } from '../model/uiError';
import type { StoreEnv } from './env';

export type MessengerArea = 'conversations' | 'channels';
export type ChannelRole = ChannelRoleKind;

export interface BroadcastSlice {
  broadcast: {
    area: MessengerArea;
    /** The user the state below belongs to (reset when another user opens the area). */
    forUser: string | null;
    channels: BroadcastChannelSummary[];
    status: 'idle' | 'loading' | 'ready' | 'error';
    selectedId: ChannelId | null;
    messages: Record<string, BroadcastMessage[]>;
    /** How many of the newest messages each channel shows (and opens). */
    windows: Record<string, number>;
    drafts: Record<string, string>;
    busy: boolean;
    error: UiError | null;
    formError: { field: 'name' | 'keyManagerUrl'; message: string } | null;
    /** A short confirmation of the last owner action (grant, withdraw, revoke). */
    notice: string | null;
  };
  showArea(area: MessengerArea): void;
  openChannelsFor(userId: string | null): Promise<void>;
  loadChannels(): Promise<void>;
  selectChannel(id: ChannelId | null): void;
  followChannel(id: ChannelId): Promise<void>;
  unfollowChannel(id: ChannelId): Promise<void>;
  loadChannelMessages(id: ChannelId): Promise<void>;
  loadOlderChannelMessages(id: ChannelId): Promise<void>;
  setChannelDraft(id: ChannelId, text: string): void;
  publishChannelDraft(id: ChannelId): Promise<void>;
  createChannel(name: string, keyManagerUrl: string): Promise<BroadcastChannelSummary | null>;
  setChannelRole(id: ChannelId, userId: UserId, role: ChannelRole, granted: boolean): Promise<void>;
  revokeChannelReader(id: ChannelId, userId: UserId, name: string): Promise<number | null>;
  applyBroadcastChanged(id: ChannelId): void;
  watchBroadcast(): () => void;
  clearBroadcastErrors(): void;
}

export const initialBroadcastState: BroadcastSlice['broadcast'] = {
  area: 'conversations',
  forUser: null,
  channels: [],
  status: 'idle',
  selectedId: null,
  messages: {},
  windows: {},
  drafts: {},
  busy: false,
  error: null,
  formError: null,
  notice: null,
};

/** The list with `next` replacing the channel of the same id, or appended. */
export function mergeChannel(list: readonly BroadcastChannelSummary[], next: BroadcastChannelSummary): BroadcastChannelSummary[] {
  return list.some((c) => c.channelId === next.channelId) ? list.map((c) => (c.channelId === next.channelId ? next : c)) : [...list, next];
}

/** Not-readable posts: a new one (e.g. `subscriber_revoked`) may mean this user's roles changed. */
function notReadable(messages: readonly BroadcastMessage[] | undefined): number {
  return messages?.filter((m) => m.state === 'notReadable').length ?? 0;
}

function without<T>(record: Readonly<Record<string, T>>, key: string): Record<string, T> {
  const { [key]: _dropped, ...rest } = record;
  return rest;
}

export function createBroadcastSlice(bridge: BridgeClient, env: StoreEnv): StateCreator<BroadcastSlice, [], [], BroadcastSlice> {
  return (set, get) => {
    const patch = (p: Partial<BroadcastSlice['broadcast']>) => set((s) => ({ broadcast: { ...s.broadcast, ...p } }));
    const state = () => get().broadcast;
    /** One message load per channel at a time; a request meanwhile runs once more after it. */
    const loading = new Map<string, Promise<void>>();
    const again = new Set<string>();

    async function act<T>(work: () => Promise<T>): Promise<T | null> {
      patch({ busy: true, error: null, notice: null });
      try {
        const value = await work();
        patch({ busy: false });
        return value;
      } catch (e) {
        patch({ busy: false, error: toUiError(e) });
        return null;
      }
    }

    async function fetchMessages(id: ChannelId): Promise<void> {
      const size = state().windows[id] ?? BROADCAST_PAGE;
      let { messages } = await bridge.channelMessages({ channelId: id, open: 0 });
      const toOpen = sealedToOpen(messages, size);
      if (toOpen > 0) ({ messages } = await bridge.channelMessages({ channelId: id, open: toOpen }));
      if (state().channels.find((c) => c.channelId === id)?.following === false) return;
      const before = notReadable(state().messages[id]);
      patch({ messages: { ...state().messages, [id]: messages } });
      if (notReadable(messages) > before) await get().loadChannels();
    }

    return {
      broadcast: initialBroadcastState,
      showArea: (area) => patch({ area }),
      async openChannelsFor(userId) {
        if (state().forUser !== userId) set({ broadcast: { ...initialBroadcastState, area: state().area, forUser: userId } });
        await get().loadChannels();
        const selected = state().selectedId;
        if (selected !== null && state().channels.find((c) => c.channelId === selected)?.following) await get().loadChannelMessages(selected);
      },
      async loadChannels() {
        if (state().status !== 'ready') patch({ status: 'loading' });
        try {
          const channels = await bridge.listChannels();
          const selectedId = state().selectedId;
          patch({ channels, status: 'ready', selectedId: selectedId !== null && channels.some((c) => c.channelId === selectedId) ? selectedId : null });
        } catch (e) {
          patch({ status: 'error', error: toUiError(e) });
        }
      },
      selectChannel(id) {
        patch({ selectedId: id, error: null, notice: null });
        if (id !== null && state().channels.find((c) => c.channelId === id)?.following) void get().loadChannelMessages(id);
      },
      async followChannel(id) {
        const summary = await act(() => bridge.followChannel({ channelId: id }));
        if (summary === null) return;
        patch({ channels: mergeChannel(state().channels, summary) });
        await get().loadChannelMessages(id);
      },
      async unfollowChannel(id) {
        const { channels, messages, windows } = state();
        patch({
          channels: channels.map((c) => (c.channelId === id ? { ...c, following: false } : c)),
          messages: without(messages, id),
          windows: without(windows, id),
        });
        await act(() => bridge.unfollowChannel(id));
        await get().loadChannels();
      },
      loadChannelMessages(id) {
        const running = loading.get(id);
        if (running) {
          again.add(id);
          return running;
        }
        const run = (async () => {
          try {
            do {
              again.delete(id);
              await fetchMessages(id);
            } while (again.has(id));
          } catch (e) {
            if (state().channels.find((c) => c.channelId === id)?.following) patch({ error: toUiError(e) });
          } finally {
            loading.delete(id);
          }
        })();
        loading.set(id, run);
        return run;
      },
      async loadOlderChannelMessages(id) {
        const size = state().windows[id] ?? BROADCAST_PAGE;
        if ((state().messages[id]?.length ?? 0) <= size) return;
        patch({ windows: { ...state().windows, [id]: size + BROADCAST_PAGE } });
        await get().loadChannelMessages(id);
      },
      setChannelDraft: (id, text) => patch({ drafts: { ...state().drafts, [id]: text } }),
      async publishChannelDraft(id) {
        const text = (state().drafts[id] ?? '').trim();
        if (text === '' || state().busy) return;
        const published = await act(() => bridge.publishToChannel({ channelId: id, text }));
        if (published === null) return;
        patch({ drafts: without(state().drafts, id) });
        await get().loadChannelMessages(id);
      },
      async createChannel(name, keyManagerUrl) {
        const checked = checkNewChannel(name, keyManagerUrl);
        if (!checked.ok) {
          patch({ formError: { field: checked.field, message: checked.message }, error: null });
          return null;
        }
        patch({ formError: null });
        const summary = await act(() => bridge.createChannel(checked.value));
        if (summary === null) return null;
        patch({ channels: mergeChannel(state().channels, summary), selectedId: summary.channelId });
        await get().loadChannelMessages(summary.channelId);
        return summary;
      },
      async setChannelRole(id, userId, role, granted) {
        const summary = await act(() => bridge.setChannelRole({ channelId: id, userId, role, granted }));
        if (summary === null) return;
        patch({ channels: mergeChannel(state().channels, summary), notice: granted ? `Granted ${role}.` : `Withdrew ${role}.` });
      },
      async revokeChannelReader(id, userId, name) {
        const result = await act(() => bridge.revokeChannelSubscriber({ channelId: id, userId }));
        if (result === null) return null;
        patch({ notice: `${name} was removed. The channel key is now version ${result.keyVersion}; ${name} cannot read anything published from now on.` });
        await get().loadChannelMessages(id);
        return result.keyVersion;
      },
      applyBroadcastChanged(id) {
        const channel = state().channels.find((c) => c.channelId === id);
        if (!channel) {
          void get().loadChannels();
          return;
        }
        if (channel.following && state().selectedId === id) void get().loadChannelMessages(id);
      },
      watchBroadcast() {
        return env.events.on('broadcastChanged', ({ channelId }) => get().applyBroadcastChanged(channelId));
      },
      clearBroadcastErrors: () => patch({ error: null, formError: null }),
    };
  };
}

const noMessages: BroadcastMessage[] = [];

export const broadcastSelectors = {
  area: (s: BroadcastSlice) => s.broadcast.area,
  channels: (s: BroadcastSlice) => s.broadcast.channels,
  status: (s: BroadcastSlice) => s.broadcast.status,
  selectedId: (s: BroadcastSlice) => s.broadcast.selectedId,
  selected: (s: BroadcastSlice) => s.broadcast.channels.find((c) => c.channelId === s.broadcast.selectedId) ?? null,
  messagesOf: (id: string | null) => (s: BroadcastSlice) => (id === null ? noMessages : (s.broadcast.messages[id] ?? noMessages)),
  windowOf: (id: string | null) => (s: BroadcastSlice) => (id === null ? BROADCAST_PAGE : (s.broadcast.windows[id] ?? BROADCAST_PAGE)),
  draftOf: (id: string | null) => (s: BroadcastSlice) => (id === null ? '' : (s.broadcast.drafts[id] ?? '')),
  busy: (s: BroadcastSlice) => s.broadcast.busy,
  error: (s: BroadcastSlice) => s.broadcast.error,
  formError: (s: BroadcastSlice) => s.broadcast.formError,
  notice: (s: BroadcastSlice) => s.broadcast.notice,
};
