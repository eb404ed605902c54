/**
 * Which renderer frames may call main (VS Code's `validatedIpcMain`): only the top-level frame of the
 * app's own page, identified by its origin — `app://seed` for the packaged renderer
 * (src/main/security/appProtocol.ts), the dev server's origin in development. A sub-frame, a
 * navigated-away page or any other origin is refused before the arguments are even looked at.
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

/**
 * Origin of a URL. `app:` is a standard scheme in Chromium (registered privileged) but not in Node's URL
 * parser, which gives it the opaque origin `null`; its origin is therefore built here as
 * `app://<lower-case host>`, with no port or credentials allowed. `file:` URLs collapse to `file://`.
 * Other opaque origins (`data:`, `blob:` of one, `about:`) and garbage are `invalid:`, which no app origin equals.
 */
export function originOf(url: string): string {
  try {
    const u = new URL(url);
    if (u.protocol === 'file:') return 'file://';
    if (u.protocol === 'app:') return u.host !== '' && !u.port && !u.username && !u.password ? `app://${u.host.toLowerCase()}` : 'invalid:';
    return u.origin === 'null' ? 'invalid:' : u.origin;
  } catch {
    return 'invalid:';
  }
}
