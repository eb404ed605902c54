/**
 * IPC handlers `showNotification` and `setUnreadCount` (tray and desktop notifications;
 * docs/desktop.md §Desktop notifications). The renderer asks for a notification about a message it
 * decrypted; main shows nothing while the app window has focus, decides the content by the effective
 * `notificationContent` setting (notificationContent.ts), limits the rate per conversation
 * (notificationCoalescer.ts), and turns a click into a `navigate` event to that conversation.
 */
import type { NotificationArgs, NotificationResult } from '../../common/ipc/schemas/notifications';
import type { Handler } from '../ipc/dispatch';
import type { EventSink } from '../ipc/eventHub';
import type { PolicyHolder } from '../services/policyHolder';
import { NotificationCoalescer, systemClock, type Clock } from './notificationCoalescer';
import { notificationContent } from './notificationContent';
import type { DesktopShell } from './shell';

export interface NotificationDeps {
  shell: DesktopShell;
  policy: PolicyHolder;
  events: EventSink;
  clock?: Clock;
}

export interface NotificationHandlers {
  showNotification: Handler<'showNotification'>;
  setUnreadCount: Handler<'setUnreadCount'>;
}

export function createNotificationHandlers(deps: NotificationDeps): NotificationHandlers {
  const { shell, events } = deps;

  function show(args: NotificationArgs, count: number): boolean {
    const content = notificationContent(deps.policy.current(), args, count);
    const navigate = () => events.emit('navigate', { kind: 'conversation', conversationId: args.conversationId });
    return shell.notify({ ...content, onClick: navigate });
  }

  const coalescer = new NotificationCoalescer<NotificationArgs>(
    deps.clock ?? systemClock,
    (_key, newest, count) => !shell.isWindowFocused() && show(newest, count),
  );

  return {
    /**
     * `{ shown: true }` also for a message held for its conversation's summary notification, which is
     * shown when the window ends unless the app window has focus by then.
     */
    async showNotification(args): Promise<NotificationResult> {
      if (shell.isWindowFocused()) return { shown: false, reason: 'window-focused' };
      if (coalescer.offer(args.conversationId, args) === 'held') return { shown: true, reason: 'shown' };
      if (!show(args, 1)) return { shown: false, reason: 'unsupported' };
      coalescer.shown(args.conversationId);
      return { shown: true, reason: 'shown' };
    },
    async setUnreadCount(count) {
      shell.setUnreadCount(count);
      return null;
    },
  };
}
