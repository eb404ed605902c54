/**
 * A bounded retry for PubNub calls a request waits on (docs/api.md, "PubNub": a token grant): a few quick
 * attempts inside a total budget, each attempt cut off at what is left of the budget, so an unreachable
 * PubNub answers the client within the budget instead of after the SDK's own exponential retries (2 + 4 +
 * … + 64 s). Timers and `Date.now` only, so a test proves the bound on a fake clock.
 */
export interface BoundedRetryPolicy {
  /** The most a caller waits in total, every attempt and pause included. */
  readonly budgetMs: number;
  /** Pauses between attempts; one attempt more than pauses, as far as the budget allows. */
  readonly pausesMs: readonly number[];
}

/** Token grants: at most 3 s; four attempts when PubNub refuses at once. */
export const GRANT_RETRY: BoundedRetryPolicy = { budgetMs: 3_000, pausesMs: [100, 300, 900] };

/** Every attempt failed or the budget ran out; `causes` are the attempts' errors. */
export class RetryBudgetExhausted extends Error {
  constructor(
    readonly attempts: number,
    readonly causes: readonly unknown[],
  ) {
    super(`gave up after ${attempts} attempt(s): ${causes.map((c) => (c instanceof Error ? c.message : String(c))).join('; ')}`);
  }
}

class AttemptTimedOut extends Error {}

/** `work`, or AttemptTimedOut once `ms` have passed (the work itself is left to finish or fail alone). */
function cutOff<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AttemptTimedOut(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `attempt` until it resolves, pausing between failures, never past the budget. */
export async function withBoundedRetry<T>(attempt: () => Promise<T>, policy: BoundedRetryPolicy): Promise<T> {
  const deadline = Date.now() + policy.budgetMs;
  const causes: unknown[] = [];
  for (let n = 0; ; n++) {
    try {
      return await cutOff(Promise.resolve().then(attempt), deadline - Date.now());
    } catch (err) {
      causes.push(err);
    }
    const wait = policy.pausesMs[n];
    if (wait === undefined || Date.now() + wait >= deadline) throw new RetryBudgetExhausted(n + 1, causes);
    await pause(wait);
  }
}
