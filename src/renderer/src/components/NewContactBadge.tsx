/**
 * Presentational: the small "new" badge beside a contact this user met within the last week and has not
 * verified. A name that mixes look-alike alphabets or hid invisible characters (model/displayText.ts) gets
 * "check name" and a label saying why.
 */
import { newContactLabel } from '../model/membershipLines';
import { looksDeceptive } from '../model/displayText';

export function NewContactBadge({ name }: { name: string }) {
  const deceptive = looksDeceptive(name);
  const label = deceptive
    ? `${newContactLabel(name)}; their name mixes letters of different alphabets or hides characters, so it can imitate another name: check who this is`
    : newContactLabel(name);
  return (
    <span
      className={deceptive ? 'new-badge warning' : 'new-badge'}
      role="img"
      aria-label={label}
      title={label}
      data-testid="new-contact"
      data-deceptive={deceptive || undefined}
    >
      {deceptive ? 'new · check name' : 'new'}
    </span>
  );
}
