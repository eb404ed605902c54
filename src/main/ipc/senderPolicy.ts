/**
 * Which renderer frames may call main (VS Code's `validatedIpcMain`): only the top-level frame of the
 * app's own page, identified by its origin. A sub-frame, a navigated-away page or any other origin is
 * refused before the arguments are even looked at.
 */
export interface SenderFacts {
  /** URL of the frame that sent the message; null when the frame is gone. */
  frameUrl: string | null;
  /** True when the sending frame is the window's main frame. */
  isMainFrame: boolean;
}

export function isTrustedSender(sender: SenderFacts, appOrigins: readonly string[]): boolean {
  if (!sender.isMainFrame || sender.frameUrl === null) return false;
  return appOrigins.includes(originOf(sender.frameUrl));
}

/** Origin of a URL, with `file:` URLs (the packaged renderer) collapsed to `file://`. */
export function originOf(url: string): string {
  try {
    const u = new URL(url);
    return u.protocol === 'file:' ? 'file://' : u.origin;
  } catch {
    return 'invalid:';
  }
}
