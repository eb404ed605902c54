/**
 * What main writes into the renderer's page at a signed-in start (src/common/view/firstPaint.ts;
 * docs/desktop.md "Start"): the kept conversation list drawn as HTML, in the theme the person chose.
 * It asks the same contract methods the renderer asks first (`session`,
 * `keptConversations`, `getSettings`), through the dispatcher without the deep-link hook (the renderer's own
 * first `session` call is what says it listens). Anything that fails, or is not answered within FIRST_PAINT_WAIT_MS (a keychain
 * prompt, a slow disk), gives the page without it.
 */
import type { ConversationSummary } from '../../common/ipc/schemas/conversations';
import { firstPaintMarkup } from '../../common/view/firstPaint';
import type { Dispatch } from '../ipc/dispatch';

/**
 * How long the rest of the page may wait for the first paint's answers (ms). The head is sent before the
 * wait, so the browser fetches and compiles the renderer meanwhile; the renderer's scripts run once the
 * page is complete, and would ask main the same questions first anyway.
 */
export const FIRST_PAINT_WAIT_MS = 1_000;

/** The block to put after the root element ('' for none). */
export type FirstPaintSource = () => Promise<string>;

type SessionAnswer = { state: string; user?: { userId: string; displayName: string; username: string } };

export function firstPaintSource(dispatch: Dispatch, platform: string): FirstPaintSource {
  const ask = async <T>(method: string): Promise<T | null> => {
    const r = await dispatch(method, []).catch(() => null);
    return r?.ok === true ? (r.value as T) : null;
  };
  const build = async (): Promise<string> => {
    const [session, kept, settings] = await Promise.all([
      ask<SessionAnswer>('session'),
      ask<ConversationSummary[]>('keptConversations'),
      ask<{ theme: 'light' | 'dark' | 'system' }>('getSettings'),
    ]);
    if (session?.state !== 'signedIn' || session.user === undefined || kept === null) return '';
    return firstPaintMarkup({ self: session.user, conversations: kept, mac: platform === 'darwin', theme: settings?.theme ?? 'system' });
  };
  return async () => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(''), FIRST_PAINT_WAIT_MS)));
    try {
      return await Promise.race([build().catch(() => ''), late]);
    } finally {
      clearTimeout(timer);
    }
  };
}
