/**
 * Renderer permission requests (Electron security checklist §5 "Handle session permission requests"):
 * the renderer never needs camera, microphone, geolocation, notifications (main shows them), clipboard
 * reads, MIDI, HID or serial, so every request and every check is denied. Kept as a function so the rule
 * is tested without Electron.
 */
export function permissionDecision(_permission: string): boolean {
  return false;
}
