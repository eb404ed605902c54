/**
 * The error-code catalog (src/common/errorCodes.ts, docs/api.md "Error codes"): every code is declared in
 * exactly one table and so has exactly one category; an error takes its category from there, and a code
 * from the wire that this build does not know takes the one its HTTP status implies. The docs list every
 * code the key service answers and the client core throws.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CATEGORIES, categoryOfStatus } from '../../src/common/errorCategory';
import { ERROR_TABLES, errorCategory, isErrorCode } from '../../src/common/errorCodes';
import { AppError } from '../../src/common/errors';
import { KeyServiceError, KeyServiceTimeoutError, KeyServiceUnreachableError } from '../../src/client/errors';

describe('the error-code catalog', () => {
  it('declares each code once, each in a known category', () => {
    const seen = new Map<string, string>();
    for (const [table, codes] of Object.entries(ERROR_TABLES)) {
      for (const [code, category] of Object.entries(codes)) {
        expect(seen.get(code), `${code} is in ${seen.get(code) ?? ''} and ${table}`).toBeUndefined();
        seen.set(code, table);
        expect(ERROR_CATEGORIES).toContain(category);
      }
    }
    expect(seen.size).toBeGreaterThan(100);
  });

  it('gives every error its category, and an unknown wire code the category of its status', () => {
    expect(errorCategory('no_wrap')).toBe('not_found');
    expect(errorCategory('certificate_bad_signature')).toBe('crypto');
    expect(isErrorCode('certificate_bad_signature')).toBe(true);
    expect(isErrorCode('certificate_nonsense')).toBe(false);
    expect(new KeyServiceError(409, 'version_conflict', 'x').category).toBe('conflict');
    expect(new KeyServiceError(422, 'not_a_member', 'x').category).toBe('permission');
    expect(new KeyServiceError(409, 'a_code_from_a_newer_service', 'x').category).toBe('conflict');
    expect(new KeyServiceError(503, 'a_code_from_a_newer_service', 'x').category).toBe('unavailable');
    expect(new KeyServiceUnreachableError('http://x', 'refused').category).toBe('transport');
    expect(new KeyServiceTimeoutError('getKeyVersion', 15_000).category).toBe('transport');
    expect(new AppError('policy_invalid_value', 'x', 'validation').category).toBe('validation');
    expect(categoryOfStatus(401)).toBe('auth');
  });

  it('is documented: docs/api.md lists every key-service code, docs/client.md every client code', () => {
    const api = readFileSync('docs/api.md', 'utf8');
    for (const code of Object.keys(ERROR_TABLES.keyService)) expect(api, code).toContain(`\`${code}\``);
    const client = readFileSync('docs/client.md', 'utf8');
    for (const code of Object.keys(ERROR_TABLES.client)) expect(client, code).toContain(`\`${code}\``);
  });
});
