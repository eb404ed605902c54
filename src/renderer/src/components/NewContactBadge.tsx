/** Presentational: the small "new" badge beside a contact this user met within the last week and has not verified. */
import { newContactLabel } from '../model/membershipLines';

export function NewContactBadge({ name }: { name: string }) {
  const label = newContactLabel(name);
  return (
    <span className="new-badge" role="img" aria-label={label} title={label} data-testid="new-contact">
      new
    </span>
  );
}
