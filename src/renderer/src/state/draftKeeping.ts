/**
 * Drafts kept across restarts (docs/desktop.md "Drafts"): once messaging runs for the signed-in user, the
 * drafts main's encrypted store kept are put into the empty composers; from then on a composer's text is
 * saved to main a short while after typing stops, or when the window closes; an emptied composer (a send)
 * deletes its draft at once. An edit in
 * progress is not a draft: the message's own text is not kept, and the composer counts as empty. Nothing
 * is written to the page's storage.
 */
import type { AppState, AppStore } from './store';

/** How long typing must pause before the text is saved (a write per pause, not per key). */
export const DRAFT_SAVE_DELAY_MS = 400;

/** The text to keep for each conversation whose composer has been touched. */
function keptTexts(state: AppState): Map<string, string> {
  const out = new Map<string, string>();
  for (const [id, text] of Object.entries(state.chat.drafts)) out.set(id, state.chat.composing[id]?.mode === 'edit' ? '' : text);
  return out;
}

export function keepDrafts(store: AppStore, setTimer = setTimeout, clearTimer = clearTimeout): () => void {
  const s = () => store.getState();
  /** What main holds, as far as this window knows (after the load, or the last save). */
  const saved = new Map<string, string>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  let loaded = false;

  const flush = (id: string) => {
    timers.delete(id);
    const text = keptTexts(s()).get(id);
    if (!loaded || text === undefined || saved.get(id) === text || (text === '' && !saved.has(id))) return;
    if (text === '') saved.delete(id);
    else saved.set(id, text);
    void s().keepDraft(id as Parameters<AppState['keepDraft']>[0], text);
  };

  const unsubscribe = store.subscribe((state, prev) => {
    if (state.chat.status === 'on' && prev.chat.status !== 'on') {
      loaded = false;
      saved.clear();
      void s()
        .loadDrafts()
        .then(() => {
          for (const [id, text] of keptTexts(s())) if (text !== '') saved.set(id, text);
          loaded = true;
        });
      return;
    }
    if (state.chat.status !== 'on') {
      // Signed out or stopped: what is pending belongs to the session that ended (its composers are cleared).
      for (const t of timers.values()) clearTimer(t);
      timers.clear();
      loaded = false;
      return;
    }
    if (!loaded || (state.chat.drafts === prev.chat.drafts && state.chat.composing === prev.chat.composing)) return;
    const before = keptTexts(prev);
    for (const [id, text] of keptTexts(state)) {
      if (before.get(id) === text) continue;
      const pending = timers.get(id);
      if (pending !== undefined) clearTimer(pending);
      // An emptied composer (a send, a cleared text) is deleted at once: a restart right after a send must
      // not bring the sent text back as a draft.
      if (text === '') flush(id);
      else
        timers.set(
          id,
          setTimer(() => flush(id), DRAFT_SAVE_DELAY_MS),
        );
    }
  });
  const flushAll = () => {
    for (const id of [...timers.keys()]) {
      clearTimer(timers.get(id)!);
      flush(id);
    }
  };
  // The window closing or reloading: what waits for the pause is saved now.
  const target = typeof window === 'undefined' ? undefined : window;
  target?.addEventListener('pagehide', flushAll);
  return () => {
    unsubscribe();
    target?.removeEventListener('pagehide', flushAll);
    flushAll();
  };
}
