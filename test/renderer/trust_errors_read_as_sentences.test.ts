/**
 * Every refusal of the membership checks (docs/protocol.md §15, §7.4) reads as one plain sentence that says
 * what happened and what to do, without the code (the UI keeps the code apart, for logs): errors through
 * `describeError`, rejected messages through their chat row.
 */
import { describe, expect, it } from 'vitest';
import { describeError, TRUST_SENTENCES } from '../../src/renderer/src/model/uiError';
import { rejectedText } from '../../src/renderer/src/model/timelineRows';

const TRUST_CODES = [
  'membership_mismatch',
  'membership_missing',
  'membership_rollback',
  'membership_fork',
  'chain_broken',
  'membership_rule',
  'member_mismatch',
  'version_rollback',
  'sender_removed',
  'sender_revoked',
  'signer_not_member',
] as const;

describe('trust errors as sentences', () => {
  it.each(TRUST_CODES)('%s: a sentence without the code or the technical message', (code) => {
    const text = describeError({ code, message: `the server says key version 3 of conv-x is current (${code})` });
    expect(text).toBe(TRUST_SENTENCES[code]);
    expect(text).not.toContain(code);
    expect(text).not.toContain('conv-x');
    expect(text).toMatch(/^[A-Z].*\.$/);
  });

  it('says what happened and what to do', () => {
    expect(describeError({ code: 'membership_mismatch', message: 'x' })).toBe(
      "The server's member list for this conversation does not match what its members signed. Nothing was sent. Tell your IT team; the conversation stays blocked until it matches.",
    );
    for (const code of ['membership_rollback', 'membership_fork', 'chain_broken'])
      expect(describeError({ code, message: 'x' })).toMatch(/^The server sent an altered or outdated member history.*Tell your IT team/);
    expect(describeError({ code: 'membership_missing', message: 'x' })).toMatch(/cannot be checked\. Nothing was sent\. Tell your IT team/);
    expect(describeError({ code: 'version_rollback', message: 'x' })).toMatch(/^The server offered an older key that a removed member may still hold\./);
  });

  it('rejected messages say why they are hidden; other codes get a generic sentence', () => {
    expect(rejectedText('sender_removed')).toBe('This message was sent by someone after they were removed. It is not shown.');
    expect(rejectedText('sender_revoked')).toMatch(/^This message was sent from a device its owner had signed out\. It is not shown/);
    expect(rejectedText('signer_not_member')).toMatch(/^This message was signed by someone who is not a member of this conversation\. It is not shown/);
    expect(rejectedText('bad_signature')).toBe('This message could not be verified and is not shown. Tell your IT team if this keeps happening.');
    // A version lost in an account reset (docs/protocol.md §18.9) is said as such, not as an attack.
    expect(rejectedText('lost_in_reset')).toMatch(/^This message was sent before your account was reset\. .*cannot be read\.$/);
    for (const code of [...TRUST_CODES, 'bad_signature', 'unsupported_body', 'lost_in_reset']) expect(rejectedText(code)).not.toContain(code);
  });

  it('other codes keep their existing wording', () => {
    expect(describeError({ code: 'bridge_unavailable', message: 'x' })).toBe('The app core is not reachable from this window.');
    expect(describeError({ code: 'not_found', message: 'no such conversation' })).toBe('no such conversation');
  });
});
