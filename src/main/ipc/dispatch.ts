/**
 * The main-side end of the IPC contract: checks the method name, validates the argument tuple against
 * the contract's zod schema, calls the service handler, and parses the result through the contract's
 * schema before it leaves main. Errors become `{ ok: false, error }`: an `AppError` keeps its code and
 * message; anything else is reported as `internal` without its message, which might name a path or a key.
 * Used by the Electron glue (src/main/electron/ipc.ts) and by the web host alike.
 */
import { contract, isMethodName, type MethodArgs, type MethodName, type MethodResult } from '../../common/ipc/contract';
import type { IpcResult } from '../../common/ipc/result';
import { AppError } from '../../common/errors';

export type Handler<K extends MethodName> = (...args: MethodArgs<K>) => Promise<MethodResult<K>>;

/**
 * The services behind the contract. A method whose service is not part of this build answers
 * `unavailable` (a typed error the UI shows), so the contract can grow before every service exists.
 */
export type Handlers = { [K in MethodName]?: Handler<K> };

export type Dispatch = (method: string, args: unknown) => Promise<IpcResult<unknown>>;

export function createDispatcher(handlers: Handlers, onInternalError: (e: unknown) => void = () => {}): Dispatch {
  return async (method, args) => {
    if (!isMethodName(method)) {
      return fail('unknown_method', `no IPC method named ${JSON.stringify(method.slice(0, 80))}`);
    }
    const spec = contract[method];
    const parsed = spec.args.safeParse(args);
    if (!parsed.success) {
      return fail('invalid_arguments', `invalid arguments for ${method}: ${parsed.error.issues[0]?.message ?? 'rejected'}`);
    }
    const handler = handlers[method] as ((...a: unknown[]) => Promise<unknown>) | undefined;
    if (handler === undefined) return fail('unavailable', `${method} is not available in this build`);
    try {
      const value = await handler(...(parsed.data as unknown[]));
      return { ok: true, value: spec.result.parse(value) };
    } catch (e) {
      if (e instanceof AppError) return fail(e.code, e.message);
      onInternalError(e);
      return fail('internal', `${method} failed`);
    }
  };
}

function fail(code: string, message: string): IpcResult<never> {
  return { ok: false, error: { code, message } };
}
