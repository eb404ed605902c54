/**
 * The desktop shell port (docs/desktop.md: tray, desktop notifications): what main's notification handlers
 * need from the operating system — whether the app window has focus, showing a notification whose click
 * calls back, and the unread count on the tray and the dock/taskbar badge. The Electron implementation is
 * src/main/electron/shell.ts. `RecordingShell` is the one browser mode and tests use: it shows nothing on
 * screen, keeps the newest notifications it was asked to show in memory, and reports the window as
 * unfocused unless told otherwise (main cannot see a browser tab's focus).
 */

export interface ShellNotification {
  title: string;
  body: string;
  /** Called when the user clicks the notification. */
  onClick(): void;
}

export interface DesktopShell {
  isWindowFocused(): boolean;
  /** Shows a notification; false when this platform cannot show one. */
  notify(notification: ShellNotification): boolean;
  /** Total unread messages, for the tray tooltip and the dock/taskbar badge. */
  setUnreadCount(count: number): void;
}

/** A notification the recording shell was asked to show; `click()` does what a user's click would. */
export interface RecordedNotification {
  readonly title: string;
  readonly body: string;
  click(): void;
}

/** Keeps the newest `KEPT` notifications (browser mode runs for long). */
export class RecordingShell implements DesktopShell {
  static readonly KEPT = 100;
  readonly notifications: RecordedNotification[] = [];
  unreadCount = 0;
  /** What `isWindowFocused` answers; false by default. */
  focused = false;

  isWindowFocused(): boolean {
    return this.focused;
  }

  notify(notification: ShellNotification): boolean {
    this.notifications.push({ title: notification.title, body: notification.body, click: () => notification.onClick() });
    if (this.notifications.length > RecordingShell.KEPT) this.notifications.shift();
    return true;
  }

  setUnreadCount(count: number): void {
    this.unreadCount = count;
  }
}
