/**
 * The few globals that every runtime we target provides (Node >= 20, Chromium, Electron's sandboxed
 * preload, Hermes/JSC on mobile). `common` compiles against plain ES2022 plus exactly these, so code that
 * reaches for `window`, `Buffer` or `process` does not compile (see docs/architecture.md).
 */
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array): string;
}
declare function setTimeout(handler: () => void, timeout?: number): unknown;
declare function clearTimeout(handle: unknown): void;
declare function queueMicrotask(callback: () => void): void;
