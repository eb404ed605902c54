/**
 * A server serves its route tables exactly (docs/api.md "The key-service API as data"): every entry of
 * each mounted table has exactly one implementation, under that mount's base path, and every route comes
 * from one of the mounted tables. The key service and a standalone key manager check it when they start,
 * so a table entry without a handler (or a handler twice) stops the start instead of answering 404.
 */
import type { RouteTable } from '../../common/api/route';
import { AppError } from '../../common/errors';
import type { Route } from './route';

/** A table served under a base path ('' at the root). */
export interface Mount {
  readonly table: RouteTable;
  readonly basePath: string;
}

export class RouteTableError extends AppError {
  constructor(message: string) {
    super('route_table_mismatch', message, 'validation');
  }
}

/** Throws RouteTableError listing every entry implemented other than once and every route from no mount. */
export function checkRouteCoverage(mounts: readonly Mount[], routes: readonly Route[]): void {
  const problems: string[] = [];
  const inMount = (r: Route, m: Mount) => r.table === m.table && r.path === `${m.basePath}${r.spec.path}`;
  for (const m of mounts) {
    for (const name of Object.keys(m.table)) {
      const count = routes.filter((r) => r.name === name && inMount(r, m)).length;
      if (count !== 1) problems.push(`${m.basePath}:${name} is implemented ${count} times`);
    }
  }
  for (const r of routes) if (!mounts.some((m) => inMount(r, m))) problems.push(`${r.spec.method} ${r.path} (${r.name}) is in no mounted table`);
  if (problems.length > 0) throw new RouteTableError(`the routes do not match the route tables: ${problems.join('; ')}`);
}
