/**
 * Publisher and subscriber rules of a channel descriptor (docs/broadcast.md §3): a rule grants a
 * capability to holders of a named role claim, or to a fixed list of users. The key manager evaluates
 * them against a verified claim; the creator always passes both.
 */
import { z } from 'zod';
import { UserIdSchema } from '../ids';
import { missingCase } from '../errors';

const RoleName = z.string().regex(/^[A-Za-z0-9_.:-]{1,200}$/, 'must be 1-200 characters of A-Z a-z 0-9 _ . : -');

export const ChannelRuleSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('role'), role: RoleName }),
  z.strictObject({ type: z.literal('users'), userIds: z.array(UserIdSchema).min(1).max(1000) }),
]);
export type ChannelRule = z.infer<typeof ChannelRuleSchema>;

/** Who asks: the verified subject and roles of a claim. */
export interface RuleSubject {
  readonly userId: string;
  readonly roles: readonly string[];
}

/** True when the rule grants the capability to the subject. */
export function ruleAllows(rule: ChannelRule, subject: RuleSubject): boolean {
  switch (rule.type) {
    case 'role':
      return subject.roles.includes(rule.role);
    case 'users':
      return rule.userIds.some((u) => u === subject.userId);
    default:
      return missingCase(rule);
  }
}
