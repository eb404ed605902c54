/**
 * Container: the "Channels" area (docs/broadcast.md §8.1) — binds the broadcast slice to the channel list,
 * the selected channel's view, the "New channel" dialog and the owner's access dialog. While shown it
 * follows main's `broadcastChanged` and (re)loads the channel list for the signed-in user.
 */
import { useEffect, useMemo, useState } from 'react';
import { BroadcastAccessDialog } from '../components/BroadcastAccessDialog';
import { BroadcastChannelList } from '../components/BroadcastChannelList';
import { BroadcastChannelView } from '../components/BroadcastChannelView';
import { BroadcastCreateDialog } from '../components/BroadcastCreateDialog';
import { sortChannels } from '../model/broadcastChannels';
import { broadcastRows } from '../model/broadcastRows';
import { broadcastSelectors } from '../state/broadcastSlice';
import { conversationsSelectors } from '../state/conversationsSlice';
import { sessionSelectors } from '../state/sessionSlice';
import { useAppStore, useAppStoreApi } from './storeContext';

export function BroadcastContainer() {
  const store = useAppStoreApi();
  const s = store.getState();
  const selfUserId = useAppStore(sessionSelectors.selfUserId);
  const session = useAppStore(sessionSelectors.current);
  const selfDeviceId = session?.state === 'signedIn' ? session.deviceId : null;
  const channels = useAppStore(broadcastSelectors.channels);
  const status = useAppStore(broadcastSelectors.status);
  const selectedId = useAppStore(broadcastSelectors.selectedId);
  const selected = useAppStore(broadcastSelectors.selected);
  const messages = useAppStore(broadcastSelectors.messagesOf(selectedId));
  const size = useAppStore(broadcastSelectors.windowOf(selectedId));
  const draft = useAppStore(broadcastSelectors.draftOf(selectedId));
  const busy = useAppStore(broadcastSelectors.busy);
  const error = useAppStore(broadcastSelectors.error);
  const formError = useAppStore(broadcastSelectors.formError);
  const notice = useAppStore(broadcastSelectors.notice);
  const userResults = useAppStore(conversationsSelectors.userSearch);
  const [dialog, setDialog] = useState<'none' | 'create' | 'access'>('none');
  const sorted = useMemo(() => sortChannels(channels), [channels]);
  const rows = useMemo(() => broadcastRows(messages, size, selfDeviceId), [messages, size, selfDeviceId]);

  useEffect(() => store.getState().watchBroadcast(), [store]);
  useEffect(() => {
    void store.getState().openChannelsFor(selfUserId);
  }, [store, selfUserId]);

  const closeDialog = () => {
    s.clearBroadcastErrors();
    setDialog('none');
  };
  return (
    <div className="messenger-body" data-testid="channels-area">
      <BroadcastChannelList
        channels={sorted}
        selectedId={selectedId}
        loading={status === 'loading'}
        onSelect={s.selectChannel}
        onNew={() => {
          s.clearBroadcastErrors();
          setDialog('create');
        }}
        onRefresh={() => void s.loadChannels()}
      />
      {selected ? (
        <BroadcastChannelView
          channel={selected}
          rows={rows}
          hasOlder={messages.length > size}
          draft={draft}
          busy={busy}
          error={dialog === 'none' ? error : null}
          notice={dialog === 'none' ? notice : null}
          onFollow={() => void s.followChannel(selected.channelId)}
          onUnfollow={() => void s.unfollowChannel(selected.channelId)}
          onLoadOlder={() => void s.loadOlderChannelMessages(selected.channelId)}
          onDraft={(text) => s.setChannelDraft(selected.channelId, text)}
          onPublish={() => void s.publishChannelDraft(selected.channelId)}
          onManageAccess={() => {
            s.clearBroadcastErrors();
            setDialog('access');
          }}
        />
      ) : (
        <p className="chat-empty muted">Choose a channel or create one.</p>
      )}
      {dialog === 'create' && (
        <BroadcastCreateDialog
          busy={busy}
          formError={formError}
          error={error}
          onCreate={(name, url) => void s.createChannel(name, url).then((created) => created && setDialog('none'))}
          onClose={closeDialog}
        />
      )}
      {dialog === 'access' && selected && (
        <BroadcastAccessDialog
          channelName={selected.name}
          selfUserId={selfUserId}
          results={userResults}
          busy={busy}
          error={error}
          notice={notice}
          onSearch={(q) => void s.searchUsers(q)}
          onSetRole={(userId, role, granted) => void s.setChannelRole(selected.channelId, userId, role, granted)}
          onRevoke={(userId, name) => void s.revokeChannelReader(selected.channelId, userId, name)}
          onClose={closeDialog}
        />
      )}
    </div>
  );
}
