/**
 * Where the messenger's notices appear (the store notice, a refused conversation, errors): one column
 * at the top of the content, styled as toasts. It only places the existing notices; each keeps its own
 * role (`status` or `alert`), so nothing here announces or dismisses anything by itself.
 */
import type { ReactNode } from 'react';

export function NoticeStack({ children }: { children: ReactNode }) {
  return <div className="notice-stack">{children}</div>;
}
