/**
 * The web host's stand-in for the preload: the same contract-built bridge, exposed as `window.seed`,
 * forwarding each call over HTTP to the main-side services running in Node (src/main/webHost). The
 * session token arrives in the URL fragment, is kept in sessionStorage and removed from the address bar.
 */
import { BRIDGE_GLOBAL, buildBridge, createEventRouter } from '../common/ipc/bridge';

const TOKEN_KEY = 'seed.webhost.session';

function sessionToken(): string {
  const match = /(?:^#|&)session=([A-Za-z0-9_-]{16,128})/.exec(window.location.hash);
  if (match?.[1]) {
    sessionStorage.setItem(TOKEN_KEY, match[1]);
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

const token = sessionToken();
const events = createEventRouter();
const stream = new EventSource(`/__seed/events?session=${encodeURIComponent(token)}`);
stream.onmessage = (e: MessageEvent<string>) => {
  try {
    events.deliver(JSON.parse(e.data));
  } catch {
    // A frame that is not JSON is not an event of ours; the host never sends one.
  }
};

Object.defineProperty(window, BRIDGE_GLOBAL, {
  value: buildBridge(async (method, args) => {
    const res = await fetch(`/__seed/ipc/${encodeURIComponent(method)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-seed-session': token },
      body: JSON.stringify({ args }),
    });
    return res.json();
  }, events.subscribe),
  writable: false,
  configurable: false,
});
