/**
 * Which URL the Electron window loads the renderer from (review M4). `ELECTRON_RENDERER_URL` is the
 * development server's address (electron-vite sets it for `npm run dev`). It is honoured only when the
 * app is NOT packaged, and only for an http(s) URL on loopback: a packaged, signed app always loads its
 * own renderer from `app://seed`, so a local process that starts it with the variable set cannot hand a
 * page of its choosing the bridge (and, on macOS, the app's keychain access). Fuses already close the
 * other environment paths (runAsNode, NODE_OPTIONS, inspect; electron-builder.config.cjs).
 */
import { AppError } from '../../common/errors';

export const RENDERER_URL_VARIABLE = 'ELECTRON_RENDERER_URL';

export class RendererUrlRefusedError extends AppError {
  constructor(reason: string) {
    super('renderer_url_refused', `${RENDERER_URL_VARIABLE} ignored: ${reason}`, 'permission');
  }
}

/**
 * `url`: the development server to load, or null for the packaged renderer (`app://seed`).
 * `refused`: set when the variable was present but not honoured (for the log; the app goes on with `app://seed`).
 */
export function rendererUrlDecision(facts: { isPackaged: boolean; env: NodeJS.ProcessEnv }): { url: string | null; refused: RendererUrlRefusedError | null } {
  const raw = facts.env[RENDERER_URL_VARIABLE];
  if (raw === undefined || raw === '') return { url: null, refused: null };
  if (facts.isPackaged) return { url: null, refused: new RendererUrlRefusedError('the app is packaged') };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { url: null, refused: new RendererUrlRefusedError('not a URL') };
  }
  const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !loopback || url.username || url.password) {
    return { url: null, refused: new RendererUrlRefusedError('not a development server on loopback') };
  }
  return { url: raw, refused: null };
}
