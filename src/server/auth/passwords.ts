/**
 * Password hashing with argon2id (docs/operations.md, "Key material that exists server-side"); parameters
 * follow the OWASP password storage cheat sheet's argon2id minimum (19 MiB, 2 iterations, 1 lane).
 * Verifying against an unknown account still spends one hash so that timing does not reveal which account
 * names exist.
 */
import argon2 from 'argon2';

export interface PasswordCost {
  readonly memoryCost: number;
  readonly timeCost: number;
}

export const DEFAULT_PASSWORD_COST: PasswordCost = { memoryCost: 19_456, timeCost: 2 };

export class PasswordHasher {
  private dummy: Promise<string> | null = null;

  constructor(private readonly cost: PasswordCost = DEFAULT_PASSWORD_COST) {}

  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id, memoryCost: this.cost.memoryCost, timeCost: this.cost.timeCost, parallelism: 1 });
  }

  /** True when `password` matches `hash`; with `hash === null` spends the same time and returns false. */
  async verify(hash: string | null, password: string): Promise<boolean> {
    if (hash === null) {
      this.dummy ??= this.hash('not-a-password');
      await argon2.verify(await this.dummy, password).catch(() => false);
      return false;
    }
    return argon2.verify(hash, password).catch(() => false);
  }
}
