/**
 * The one IPC contract between the sandboxed renderer and the main process (VS Code's validated IPC,
 * Signal's typed channels). Each channel names a zod schema for its argument tuple and for its result.
 * The preload builds exactly these functions and nothing else; main validates arguments before it calls a
 * service and parses results through the schema, which strips any field the contract does not name — so a
 * result can never carry key material the contract does not declare (and none declares any).
 */
import { z } from 'zod';
import type { ChannelName } from './channels';
import { policyViewSchema } from '../policy/view';

export { CHANNEL_PREFIX, channelNames, isChannelName, wireChannel, type ChannelName } from './channels';

interface ChannelSpec {
  args: z.ZodTuple;
  result: z.ZodType;
}

export const appInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  platform: z.string(),
  runtime: z.enum(['electron', 'node']),
  runtimeVersion: z.string(),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

export const keychainStatusSchema = z.object({
  available: z.boolean(),
  backend: z.string(),
  detail: z.string().optional(),
});
export type KeychainStatus = z.infer<typeof keychainStatusSchema>;

export const contract = {
  appInfo: { args: z.tuple([]), result: appInfoSchema },
  keychainStatus: { args: z.tuple([]), result: keychainStatusSchema },
  /** Effective managed policy: values, which keys IT manages (the renderer locks those), warnings. */
  policy: { args: z.tuple([]), result: policyViewSchema },
} as const satisfies Record<ChannelName, ChannelSpec>;

export type Contract = typeof contract;
/** Compile-time proof that the contract defines no channel missing from channels.ts. */
export const contractHasOnlyKnownChannels: keyof Contract extends ChannelName ? true : never = true;
export type ChannelArgs<K extends ChannelName> = z.infer<Contract[K]['args']>;
export type ChannelResult<K extends ChannelName> = z.infer<Contract[K]['result']>;
