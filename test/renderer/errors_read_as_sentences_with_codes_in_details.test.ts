/**
 * Every error a person can see is a sentence that says what happened and what to do (model/uiError.ts):
 * known codes have their own; other catalog codes fall back to their category's sentence when main's message
 * is engineering text (a socket error, an address, JSON) or a network failure; codes are never in the sentence.
 */
import { describe, expect, it } from 'vitest';
import { CATEGORY_SENTENCES, describeError, isNetworkError, SENTENCES } from '../../src/renderer/src/model/uiError';
import { ERROR_CATEGORIES } from '../../src/common/errorCategory';

describe('errors as sentences', () => {
  it('a network failure reads as a calm sentence without the socket error, and is shown as a status line', () => {
    const e = { code: 'key_service_unreachable', message: 'cannot reach the key service at http://127.0.0.1:7001: connect ECONNREFUSED 127.0.0.1:7001' };
    const text = describeError(e);
    expect(text).toBe(CATEGORY_SENTENCES.transport);
    expect(text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|key_service_unreachable/);
    expect(isNetworkError(e)).toBe(true);
    expect(isNetworkError({ code: 'bad_credentials', message: 'x' })).toBe(false);
  });

  it('the codes people meet most have their own sentence, whatever main said', () => {
    expect(describeError({ code: 'needs_device_link', message: 'alice already has devices: link this one (link-device here, approve-device there)' })).toBe(
      SENTENCES.needs_device_link,
    );
    expect(describeError({ code: 'invalid_body', message: 'body.memberUserIds[0]: Invalid' })).toMatch(/^The app sent something the server could not accept\./);
    expect(describeError({ code: 'too_large', message: 'envelope of 31000 bytes exceeds 30000' })).toMatch(/too long to send/);
  });

  it('a catalog code with engineering text falls back to its category; a readable message stays', () => {
    expect(describeError({ code: 'version_conflict', message: 'HTTP 409 {"error":"version_conflict"}' })).toBe(CATEGORY_SENTENCES.conflict);
    expect(describeError({ code: 'not_found', message: 'no such conversation' })).toBe('no such conversation');
    expect(describeError({ code: 'internal', message: 'signIn failed' })).toMatch(/^Something went wrong inside the app\./);
  });

  it('every sentence starts with a capital, ends with a period and names no code', () => {
    const all = { ...SENTENCES, ...CATEGORY_SENTENCES };
    for (const [code, sentence] of Object.entries(all)) {
      expect(sentence, code).toMatch(/^[A-Z].*[.]$/);
      expect(sentence, code).not.toMatch(/\b[a-z]+_[a-z_]+\b/);
    }
    expect(Object.keys(CATEGORY_SENTENCES).sort()).toEqual([...ERROR_CATEGORIES].sort());
  });
});
