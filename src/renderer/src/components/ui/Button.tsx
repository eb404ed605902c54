/**
 * A button of the design system (docs/desktop.md "Look and layout"): `primary` for the one main action
 * of a view, `secondary` (also every plain `<button>`), `danger` for what destroys or unlinks, `ghost` for
 * quiet actions in toolbars. While `loading` it is disabled, marked `aria-busy` and shows a spinner
 * beside its label, so its accessible name does not change.
 */
import type { ButtonHTMLAttributes } from 'react';

export type ButtonVariant = 'primary' | 'secondary' | 'danger' | 'ghost';
export type ButtonSize = 'sm' | 'md';

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: ButtonVariant;
  size?: ButtonSize;
  loading?: boolean;
}

/** The class list of a button (used by `Button`, and by views that render a plain `<button>`). */
export function buttonClass(variant: ButtonVariant = 'secondary', size: ButtonSize = 'md', extra?: string): string {
  return ['btn', variant, size === 'sm' ? 'btn-sm' : '', extra ?? ''].filter((c) => c !== '').join(' ');
}

export function Button({ variant = 'secondary', size = 'md', loading = false, className, disabled, type = 'button', children, ...rest }: ButtonProps) {
  return (
    <button {...rest} type={type} className={buttonClass(variant, size, className)} disabled={disabled === true || loading} aria-busy={loading || undefined}>
      {loading && <span className="spinner" aria-hidden="true" />}
      {children}
    </button>
  );
}
