/**
 * Avatars: a person's or group's initials on a colour derived from their id (model/avatar.ts), and a
 * stack of the first few members with "+N". Decorative: the name is always written beside them, so they
 * are hidden from assistive technology.
 */
import { avatarColor, initialsOf } from '../../../../common/view/avatar';

export type AvatarSize = 'xs' | 'sm' | 'md' | 'lg';

export interface AvatarProps {
  /** Whose avatar: a user id, or a conversation id for a group. */
  id: string;
  name: string;
  size?: AvatarSize;
  /** A group: a rounded square instead of a circle. */
  group?: boolean;
}

export function Avatar({ id, name, size = 'md', group = false }: AvatarProps) {
  return (
    <span className={`avatar avatar-${size} avatar-c${avatarColor(id)}${group ? ' avatar-group' : ''}`} aria-hidden="true" data-testid="avatar">
      {initialsOf(name)}
    </span>
  );
}

export interface AvatarStackProps {
  people: readonly { id: string; name: string }[];
  /** How many avatars at most; the rest is "+N". */
  max?: number;
}

export function AvatarStack({ people, max = 3 }: AvatarStackProps) {
  const shown = people.slice(0, max);
  const rest = people.length - shown.length;
  return (
    <span className="avatar-stack" aria-hidden="true">
      {shown.map((p) => (
        <Avatar key={p.id} id={p.id} name={p.name} size="sm" />
      ))}
      {rest > 0 && <span className="avatar avatar-sm avatar-more">+{rest}</span>}
    </span>
  );
}
