/**
 * Migrations (src/server/db/schema.ts, migrate.ts) run in array order and are recorded by version, so two
 * branches that each appended "the next version" must not merge silently: start-up refuses versions that do
 * not strictly ascend, naming the one to renumber.
 */
import { expect, it } from 'vitest';
import { checkMigrationOrder } from '../../src/server/db/migrate';
import { MIGRATIONS, type Migration } from '../../src/server/db/schema';

const m = (version: number, name = `m${version}`): Migration => ({ version, name, statements: [] });

it('accepts the schema as it is', () => {
  expect(() => checkMigrationOrder(MIGRATIONS)).not.toThrow();
});

it('refuses a duplicate or a version out of order, naming it', () => {
  expect(() => checkMigrationOrder([m(1), m(2), m(3), m(4, 'outbox'), m(4, 'sessions')])).toThrow(/migration 4 \(sessions\) does not follow 4/);
  expect(() => checkMigrationOrder([m(1), m(3), m(2)])).toThrow(/migration 2/);
});
