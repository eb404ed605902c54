/** The error shape the UI shows: a stable code (from main's typed errors) and a message for people. */
import { BridgeError } from '../bridge/client';

export interface UiError {
  readonly code: string;
  readonly message: string;
}

export function toUiError(e: unknown): UiError {
  if (e instanceof BridgeError) return { code: e.code, message: e.message };
  const code: unknown = e instanceof Error ? (e as Error & { code?: unknown }).code : undefined;
  if (e instanceof Error && typeof code === 'string') return { code, message: e.message };
  if (e instanceof Error) return { code: 'internal', message: e.message };
  return { code: 'internal', message: String(e) };
}

/** What a person reads for an error: the main-side message, with a plainer sentence for the common codes. */
export function describeError(error: UiError): string {
  switch (error.code) {
    case 'unavailable':
      return `This feature is not available yet (${error.message}).`;
    case 'bridge_unavailable':
      return 'The app core is not reachable from this window.';
    case 'forbidden_sender':
      return `The app core refused this window: ${error.message}.`;
    default:
      return error.message;
  }
}
