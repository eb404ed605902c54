import { bridgeBodyBytes, MAX_BRIDGE_BODY } from '../../../common/ipc/schemas/messages';

/** Composer keyboard rule: Enter sends, Shift+Enter (or Enter while composing with an IME) is a newline. */

export type ComposerKeyAction = 'send' | 'newline' | 'none';

export interface ComposerKey {
  key: string;
  shiftKey: boolean;
  isComposing: boolean;
}

export function composerKeyAction(event: ComposerKey): ComposerKeyAction {
  if (event.key !== 'Enter') return 'none';
  if (event.shiftKey || event.isComposing) return 'newline';
  return 'send';
}

/** A draft worth sending: not only whitespace, within the bridge's body limit. */
export function sendableDraft(draft: string): string | null {
  const text = draft.replace(/^\s*\n|\s+$/g, '');
  if (text.trim().length === 0 || bridgeBodyBytes({ type: 'string', body: text }) > MAX_BRIDGE_BODY) return null;
  return text;
}
