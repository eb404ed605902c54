/**
 * Main's first paint (src/common/view/firstPaint.ts; docs/desktop.md "Start"): the kept conversation list
 * drawn into the page as inert HTML before this bundle runs. It goes in the frame the renderer's own first
 * view is committed: the list (kept or verified) once signed in, or whatever shows when not signed in. So
 * the two never show at once, and the person never sees an empty window in between.
 */
import type { AppState } from '../state/store';

/** The longest the first paint stays if the renderer never gets an answer (ms). */
export const FIRST_PAINT_MAX_MS = 5_000;

/** Whether the renderer's first view is ready to replace main's first paint. */
export function firstViewReady(s: Pick<AppState, 'session' | 'conversations' | 'system'>): boolean {
  if (s.system.status === 'error' || s.session.status === 'error') return true;
  const session = s.session.current;
  if (session === null) return false;
  if (session.state !== 'signedIn') return true;
  return s.conversations.list.length > 0 || s.conversations.status === 'ready' || s.conversations.status === 'error';
}

/** Removes main's first paint from the document, if it is there. */
export function removeFirstPaint(doc: Pick<Document, 'getElementById'>): void {
  doc.getElementById('first-paint')?.remove();
}
