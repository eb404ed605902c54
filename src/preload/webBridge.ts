/**
 * The web host's stand-in for the preload: the same contract-built bridge, exposed as `window.seed`,
 * forwarding each call over HTTP to the main-side services running in Node (src/main/webHost). The page
 * holds no credential: the host spent the single-use link for an HttpOnly, SameSite=Strict session cookie
 * before this page loaded, and the browser sends that cookie with these same-origin requests.
 */
import { BRIDGE_GLOBAL, buildBridge, createEventRouter } from '../common/ipc/bridge';

const events = createEventRouter();
const stream = new EventSource('/__seed/events');
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
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ args }),
    });
    return res.json();
  }, events.subscribe),
  writable: false,
  configurable: false,
});
