/** An empty view: a short title, one sentence and, where there is one, the action that fills it. */
import type { ReactNode } from 'react';

export interface EmptyStateProps {
  title: string;
  children?: ReactNode;
  /** The action (a Button) that fills the view. */
  action?: ReactNode;
  testId?: string;
}

export function EmptyState({ title, children, action, testId }: EmptyStateProps) {
  return (
    <div className="empty-state" data-testid={testId}>
      <span className="empty-state-mark" aria-hidden="true" />
      <p className="empty-state-title">{title}</p>
      {children !== undefined && <p className="empty-state-body">{children}</p>}
      {action}
    </div>
  );
}
