/**
 * The envelope every IPC answer travels in, Signal-style: `{ ok: true, value }` or
 * `{ ok: false, error: { code, message } }`. Plain data only, so it crosses Electron's contextBridge and
 * the web host's HTTP hop unchanged.
 */
import { z } from 'zod';

export const ipcErrorCodes = ['unknown_method', 'invalid_arguments', 'forbidden_sender', 'keychain_unavailable', 'internal'] as const;

export const ipcErrorSchema = z.object({
  code: z.string().min(1).max(64),
  message: z.string().max(2000),
});

export type IpcError = z.infer<typeof ipcErrorSchema>;

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

export const ipcResultSchema = z.union([z.object({ ok: z.literal(true), value: z.unknown() }), z.object({ ok: z.literal(false), error: ipcErrorSchema })]);
