/**
 * Small status labels: an unread count (a filled pill, `count`), and word badges such as "Verified"
 * (`success`) or "Safety number changed" (`danger`). The text is the accessible name unless `label`
 * says more (a count reads "3 unread").
 */
import type { ReactNode } from 'react';

export type BadgeTone = 'count' | 'neutral' | 'accent' | 'success' | 'danger' | 'warning';

export interface BadgeProps {
  tone?: BadgeTone;
  /** A fuller accessible name than the visible text ("3 unread" for "3"). */
  label?: string;
  testId?: string;
  children: ReactNode;
}

export function Badge({ tone = 'neutral', label, testId, children }: BadgeProps) {
  return (
    <span className={`badge badge-${tone}`} aria-label={label} role={label === undefined ? undefined : 'img'} data-testid={testId}>
      {children}
    </span>
  );
}

/** "99+" above 99, so the pill keeps its size. */
export function countText(n: number): string {
  return n > 99 ? '99+' : String(n);
}
