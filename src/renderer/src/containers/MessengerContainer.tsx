/**
 * Container: the signed-in messenger — header (the app's mark, who is signed in, the connection state,
 * devices, settings, sign out), the notices, a toolbar with the two areas (conversations, channels) and
 * search, then the conversation list beside the selected conversation's chat.
 */
import { useMemo, useState } from 'react';
import { BroadcastAreaTabs } from '../components/BroadcastAreaTabs';
import { ConversationList, NoConversation } from '../components/ConversationList';
import { ErrorNotice } from '../components/ErrorNotice';
import { SignOutDialog, type LastDevice } from '../components/SignOutDialog';
import { Avatar } from '../components/ui/Avatar';
import { Button } from '../components/ui/Button';
import { NoticeStack } from '../components/ui/NoticeStack';
import { conversationRows, type ListFilter } from '../model/conversationRows';
import { describeError } from '../model/uiError';
import { broadcastSelectors } from '../state/broadcastSlice';
import { chatSelectors } from '../state/chatSlice';
import { conversationsSelectors } from '../state/conversationsSlice';
import { departuresSelectors } from '../state/departuresSlice';
import { disappearingSelectors } from '../state/disappearingSlice';
import { recoverySelectors } from '../state/recoverySlice';
import { prefsSelectors } from '../state/prefsSlice';
import { sessionSelectors } from '../state/sessionSlice';
import { BroadcastContainer } from './BroadcastContainer';
import { ChatContainer } from './ChatContainer';
import { CustodyNoticeContainer } from './CustodyNoticeContainer';
import { RecoveryReminderContainer } from './RecoveryContainer';
import { SearchContainer } from './SearchContainer';
import { useAppStore, useAppStoreApi } from './storeContext';

export function MessengerContainer() {
  const store = useAppStoreApi();
  const session = useAppStore(sessionSelectors.current);
  const selfUserId = useAppStore(sessionSelectors.selfUserId);
  const list = useAppStore(conversationsSelectors.list);
  const status = useAppStore(conversationsSelectors.status);
  const query = useAppStore(conversationsSelectors.query);
  const selectedId = useAppStore(conversationsSelectors.selectedId);
  const presence = useAppStore((st) => st.presence);
  const views = useAppStore(chatSelectors.views);
  const error = useAppStore(conversationsSelectors.error);
  const refused = useAppStore(conversationsSelectors.refused);
  const sessionError = useAppStore(sessionSelectors.error);
  const chatStatus = useAppStore(chatSelectors.status);
  const network = useAppStore(chatSelectors.network);
  const storeFailed = useAppStore(chatSelectors.storeFailed);
  const devices = useAppStore((st) => st.devices.list);
  const devicesStatus = useAppStore((st) => st.devices.status);
  const area = useAppStore(broadcastSelectors.area);
  // The list's times move on once a minute (the store's clock ticks more often).
  const minute = useAppStore((st) => Math.floor(disappearingSelectors.now(st) / 60_000));
  const removed = useAppStore(departuresSelectors.removed);
  const recovery = useAppStore(recoverySelectors.status);
  const prefs = useAppStore(prefsSelectors.byId);
  const [filter, setFilter] = useState<ListFilter>('all');
  // A conversation this user was removed from stays listed (its chat says so).
  const rows = useMemo(() => {
    const listed = new Set(list.map((c) => c.conversationId as string));
    const departed = Object.values(removed).filter((c) => !listed.has(c.conversationId));
    return conversationRows(departed.length === 0 ? list : [...list, ...departed], views, selfUserId, query, prefs, filter, selectedId);
  }, [list, removed, views, selfUserId, query, prefs, filter, selectedId]);
  const s = store.getState();
  const user = session?.state === 'signedIn' ? session.user : null;
  const [confirmSignOut, setConfirmSignOut] = useState(false);
  const [signingOut, setSigningOut] = useState(false);
  const lastDevice: LastDevice =
    devicesStatus === 'loading' || devicesStatus === 'idle'
      ? 'checking'
      : devicesStatus === 'error'
        ? 'unknown'
        : devices.filter((d) => d.revokedAt === null).length <= 1
          ? 'yes'
          : 'no';
  return (
    <div className="messenger">
      <header className="app-header">
        <h1 className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Seed Messenger
        </h1>
        {(network === 'offline' || chatStatus === 'error') && (
          <p className="connection-state" role="status" data-testid="connection-state">
            Offline — messages will be sent when you&apos;re back online
          </p>
        )}
        <p className="account" data-testid="signed-in-as">
          {user && <Avatar id={user.userId} name={user.displayName} size="sm" />}
          <span>
            {user ? `${user.displayName} (@${user.username})` : ''}
            {chatStatus === 'starting' ? ' · connecting…' : chatStatus === 'error' ? ' · messaging offline' : ''}
          </span>
        </p>
        <nav aria-label="Account" className="app-actions">
          <Button variant="ghost" onClick={() => s.openPanel('devices')} data-testid="open-devices">
            Devices
          </Button>
          <Button variant="ghost" onClick={() => s.openPanel('settings')} data-testid="open-settings">
            Settings
          </Button>
          <Button
            variant="ghost"
            onClick={() => {
              setConfirmSignOut(true);
              void s.loadDevices();
              void s.loadRecoveryStatus();
            }}
            data-testid="sign-out"
          >
            Sign out
          </Button>
        </nav>
      </header>
      {confirmSignOut ? (
        <SignOutDialog
          busy={signingOut}
          lastDevice={lastDevice}
          onCancel={() => setConfirmSignOut(false)}
          recovery={recovery?.state ?? null}
          onCheckRecoveryKey={() => {
            setConfirmSignOut(false);
            s.openPanel('recovery');
          }}
          onConfirm={() => {
            setSigningOut(true);
            void s.signOut().finally(() => {
              setSigningOut(false);
              setConfirmSignOut(false);
            });
          }}
        />
      ) : null}
      <main className="messenger-main">
        <NoticeStack>
          {session?.state === 'signedIn' && <CustodyNoticeContainer compact />}
          {session?.state === 'signedIn' && session.warning === 'revocationUnproven' && (
            <p role="alert" className="banner warning" data-testid="revocation-unproven">
              The server claimed this device was removed from your account but could not prove it, so this device kept its keys. If you did not remove it,
              someone may be interfering with the server: check your devices and sessions from another device.
            </p>
          )}
          {session?.state === 'signedIn' && session.warning === 'accountDeactivated' && (
            <p role="alert" className="banner warning" data-testid="account-deactivated">
              Your organisation has deactivated this account, so it cannot send or receive new messages. What is already on this computer stays readable here.
              Ask your IT team if this is a mistake.
            </p>
          )}
          {storeFailed && (
            <p role="status" className="banner notice" data-testid="store-notice">
              Messages could not be saved on this computer; they are still shown, but may not be here after the app restarts.
            </p>
          )}
          <RecoveryReminderContainer />
          <ErrorNotice error={sessionError} testId="session-error" />
          <ErrorNotice error={error} testId="conversations-error" />
          {refused.map((r) => (
            <p key={r.conversationId} role="alert" className="banner warning" data-testid="refused-conversation" data-code={r.code}>
              A conversation is hidden because it could not be checked: {describeError(r)}
            </p>
          ))}
        </NoticeStack>
        <div className="messenger-toolbar">
          <BroadcastAreaTabs area={area} onArea={s.showArea} />
          <SearchContainer />
        </div>
        {area === 'channels' && <BroadcastContainer />}
        <div className="messenger-body" hidden={area === 'channels'}>
          <ConversationList
            rows={rows}
            selectedId={selectedId}
            query={query}
            loading={status === 'loading'}
            now={Math.max(minute * 60_000, Date.now())}
            onQuery={s.setConversationQuery}
            onSelect={s.selectConversation}
            onNew={() => s.openPanel('newConversation')}
            filter={filter}
            onFilter={setFilter}
            onPref={s.setConversationPref}
            presenceOf={presence.enabled ? (userId) => presence.peers[userId] : undefined}
          />
          {selectedId ? <ChatContainer conversationId={selectedId} /> : <NoConversation onNew={() => s.openPanel('newConversation')} />}
        </div>
      </main>
    </div>
  );
}
