/** Container: the one open panel (new conversation, members, security, devices, settings) as a dialog. */
import { useEffect, useMemo, useState } from 'react';
import type { UserId } from '../../../common/ids';
import { DevicesPanel } from '../components/DevicesPanel';
import { windowBridge } from '../bridge/client';
import { FirstRunTour, type TourCustody } from '../components/FirstRunTour';
import { SessionsSection } from '../components/SessionsSection';
import { accountSessionsSelectors } from '../state/accountSessionsSlice';
import { DisappearingSettings } from '../components/DisappearingSettings';
import { KeyChanges } from '../components/KeyChanges';
import { CustodyNoticeContainer } from './CustodyNoticeContainer';
import { MembersPanel } from '../components/MembersPanel';
import { NewConversationDialog } from '../components/NewConversationDialog';
import { SecurityPanel } from '../components/SecurityPanel';
import { SettingsPanel } from '../components/SettingsPanel';
import { conversationsSelectors } from '../state/conversationsSlice';
import { devicesSelectors } from '../state/devicesSlice';
import { sessionSelectors } from '../state/sessionSlice';
import { notificationsLockOf, settingsSelectors } from '../state/settingsSlice';
import { trustSelectors } from '../state/trustSlice';
import { uiSelectors } from '../state/uiSlice';
import { currentTimer, timerChangesOf } from '../model/disappearing';
import { isNewContact } from '../model/people';
import { keyChanges } from '../model/timelineRows';
import { chatSelectors } from '../state/chatSlice';
import { disappearingSelectors } from '../state/disappearingSlice';
import type { DisappearingSeconds } from '../../../common/protocol/disappearing';
import { recoverySelectors } from '../state/recoverySlice';
import { RecoveryDialogContainer } from './RecoveryContainer';
import { useAppStore, useAppStoreApi } from './storeContext';

/** The tour, once the organisation's custody mode is known (its first idea depends on it). */
function TourContainer({ onClose }: { onClose(): void }) {
  const [custody, setCustody] = useState<TourCustody | undefined>(undefined);
  useEffect(() => {
    let live = true;
    windowBridge()
      .custodyStatus()
      .then(
        (s) => live && setCustody(s.mode),
        // Not known (offline): the tour shows, without claims about custody beyond the default's.
        () => live && setCustody(null),
      );
    return () => {
      live = false;
    };
  }, []);
  return custody === undefined ? null : <FirstRunTour onClose={onClose} custody={custody} />;
}

export function PanelsContainer() {
  const panel = useAppStore(uiSelectors.panel);
  const tour = useAppStore(sessionSelectors.tour);
  const store = useAppStoreApi();
  switch (panel) {
    case 'none':
      return tour ? <TourContainer onClose={() => store.getState().dismissTour()} /> : null;
    case 'newConversation':
      return <NewConversationContainer />;
    case 'members':
      return <MembersContainer />;
    case 'security':
      return <SecurityContainer />;
    case 'devices':
      return <DevicesContainer />;
    case 'settings':
      return <SettingsContainer />;
    case 'recovery':
      return <RecoveryDialogContainer />;
    default:
      throw new Error(`unknown panel ${JSON.stringify(panel satisfies never)}`);
  }
}

function NewConversationContainer() {
  const s = useAppStoreApi().getState();
  const results = useAppStore(conversationsSelectors.userSearch);
  const selfUserId = useAppStore(sessionSelectors.selfUserId);
  const busy = useAppStore(conversationsSelectors.busy);
  const error = useAppStore(conversationsSelectors.error);
  return (
    <NewConversationDialog
      results={results}
      selfUserId={selfUserId}
      busy={busy}
      error={error}
      onSearch={(q) => void s.searchUsers(q)}
      onCreate={(input) => void s.createConversation(input).then((created) => created && s.closePanel())}
      onClose={s.closePanel}
    />
  );
}

/** The disappearing-messages timer: changed by owners and admins (either person of a direct conversation), read-only for others. */
function DisappearingContainer() {
  const s = useAppStoreApi().getState();
  const conversation = useAppStore(conversationsSelectors.selected);
  const history = useAppStore(conversationsSelectors.historyOf(conversation?.conversationId ?? null));
  const busy = useAppStore(disappearingSelectors.busy);
  const error = useAppStore(disappearingSelectors.error);
  if (conversation === null) return null;
  const canChange = conversation.kind === 'direct' || conversation.myRole === 'owner' || conversation.myRole === 'admin';
  return (
    <DisappearingSettings
      seconds={currentTimer(timerChangesOf(history))}
      canChange={canChange}
      busy={busy}
      error={error}
      onChange={(seconds) => void s.setDisappearingTimer(conversation.conversationId, seconds as DisappearingSeconds)}
    />
  );
}

function MembersContainer() {
  const s = useAppStoreApi().getState();
  const conversation = useAppStore(conversationsSelectors.selected);
  const selfUserId = useAppStore(sessionSelectors.selfUserId);
  const results = useAppStore(conversationsSelectors.userSearch);
  const busy = useAppStore(conversationsSelectors.busy);
  const error = useAppStore(conversationsSelectors.error);
  const trust = useAppStore(trustSelectors.byUser);
  if (conversation === null) return null;
  const id = conversation.conversationId;
  const members = conversation.members;
  return (
    <MembersPanel
      conversation={conversation}
      isNew={(userId) => members.some((m) => m.userId === userId && isNewContact(m, trust))}
      selfUserId={selfUserId}
      results={results}
      busy={busy}
      error={error}
      onSearch={(q) => void s.searchUsers(q)}
      onAdd={(userId) => void s.addMember(id, userId)}
      onRemove={(userId) => void s.removeMember(id, userId)}
      onSetRole={(userId, role) => void s.setMemberRole(id, userId, role)}
      onRename={(name) => void s.renameConversation(id, name)}
      onLeave={() => void s.leaveConversation(id).then(s.closePanel)}
      onClose={s.closePanel}
      settings={<DisappearingContainer />}
    />
  );
}

function SecurityContainer() {
  const s = useAppStoreApi().getState();
  const conversation = useAppStore(conversationsSelectors.selected);
  const selfUserId = useAppStore(sessionSelectors.selfUserId);
  const trust = useAppStore(trustSelectors.byUser);
  const trustError = useAppStore(trustSelectors.error);
  const busy = useAppStore(conversationsSelectors.busy);
  const error = useAppStore(conversationsSelectors.error);
  const [focus, setFocus] = useState<string | null>(null);
  const view = useAppStore(chatSelectors.view(conversation?.conversationId ?? null));
  const changes = useMemo(() => keyChanges(view), [view]);
  if (conversation === null) return null;
  return (
    <SecurityPanel
      keyChanges={
        <>
          <CustodyNoticeContainer />
          <KeyChanges lines={changes} />
        </>
      }
      conversation={conversation}
      selfUserId={selfUserId}
      trust={trust}
      focusUserId={focus}
      busy={busy}
      error={trustError ?? error}
      onRotate={() => void s.rotateKey(conversation.conversationId)}
      onFocus={(userId) => {
        setFocus(userId);
        void s.loadTrust([userId as UserId]);
      }}
      onVerify={(userId, code) => void s.markVerified(userId as UserId, code)}
      onAcknowledge={(userId, code) => void s.acknowledgeIdentityChange(userId as UserId, code)}
      onClose={s.closePanel}
    />
  );
}

function DevicesContainer() {
  const store = useAppStoreApi();
  const s = store.getState();
  const devices = useAppStore(devicesSelectors.list);
  const status = useAppStore(devicesSelectors.status);
  const approval = useAppStore(devicesSelectors.approval);
  const prefillCode = useAppStore(devicesSelectors.prefillCode);
  const busy = useAppStore(devicesSelectors.busy);
  const error = useAppStore(devicesSelectors.error);
  const sessions = useAppStore(accountSessionsSelectors.list);
  const sessionsStatus = useAppStore(accountSessionsSelectors.status);
  const sessionsBusy = useAppStore(accountSessionsSelectors.busy);
  const sessionsNotice = useAppStore(accountSessionsSelectors.notice);
  const sessionsError = useAppStore(accountSessionsSelectors.error);
  const recovery = useAppStore(recoverySelectors.status);
  useEffect(() => {
    void store.getState().loadAccountSessions();
    void store.getState().loadRecoveryStatus();
  }, [store]);
  return (
    <DevicesPanel
      key={prefillCode ?? ''}
      initialCode={prefillCode ?? ''}
      devices={devices}
      loading={status === 'loading'}
      approval={approval}
      busy={busy}
      error={error}
      onRevoke={(id) => void s.revokeDevice(id)}
      onBeginApproval={(code) => void s.beginDeviceApproval(code)}
      onAnswer={(approve, code) => void s.answerDeviceApproval(approve, code)}
      onResetApproval={s.resetDeviceApproval}
      onClose={s.closePanel}
      recovery={{ state: recovery?.state ?? null, onOpen: () => s.openPanel('recovery') }}
    >
      <SessionsSection
        sessions={sessions}
        loading={sessionsStatus === 'loading'}
        busy={sessionsBusy}
        notice={sessionsNotice}
        error={sessionsError}
        onEnd={(id) => void s.endAccountSession(id)}
        onEndOthers={() => void s.endOtherAccountSessions()}
        onChangePassword={(current, next) => s.changePassword(current, next)}
      />
    </DevicesPanel>
  );
}

function SettingsContainer() {
  const s = useAppStoreApi().getState();
  const values = useAppStore(settingsSelectors.values);
  const notifications = useAppStore(settingsSelectors.effectiveNotifications);
  const policy = useAppStore(settingsSelectors.policy);
  const error = useAppStore(settingsSelectors.error);
  const lock = useMemo(() => notificationsLockOf(policy), [policy]);
  const presence = useAppStore((st) => st.presence);
  return (
    <SettingsPanel
      values={values}
      notifications={notifications}
      notificationsLock={lock}
      error={error}
      onChange={(change) => void s.updateSettings(change)}
      onClose={s.closePanel}
      {...(presence.enabled ? { status: { text: presence.statusText, onSave: (text: string) => void s.setStatusText(text) } } : {})}
    />
  );
}
