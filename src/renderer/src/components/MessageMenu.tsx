/**
 * Presentational: the actions of one message as a menu (WAI-ARIA menu pattern), opened by the message's
 * "More actions" button, a right-click on the message, or Shift+F10 / the ContextMenu key while focus is
 * in it. Focus moves to the first item; ArrowUp/ArrowDown/Home/End move between items; Escape closes it and
 * gives focus back to the "More actions" button; Tab or a click elsewhere closes it.
 */
import { useEffect, useRef } from 'react';

export interface MessageMenuItem {
  readonly label: string;
  readonly danger?: boolean;
  readonly testId: string;
  act(): void;
}

export interface MessageMenuProps {
  /** "Actions for Alice's message at 09:41". */
  label: string;
  items: readonly MessageMenuItem[];
  /** `refocus`: give focus back to the button that opened the menu (Escape, or after an action). */
  onClose(refocus: boolean): void;
}

export function MessageMenu({ label, items, onClose }: MessageMenuProps) {
  const ref = useRef<HTMLDivElement>(null);
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    function outside(e: MouseEvent) {
      if (ref.current && e.target instanceof Node && !ref.current.contains(e.target)) close.current(false);
    }
    document.addEventListener('mousedown', outside);
    return () => document.removeEventListener('mousedown', outside);
  }, []);
  function onKeyDown(e: React.KeyboardEvent<HTMLDivElement>) {
    const entries = [...(ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = entries.findIndex((el) => el === document.activeElement);
    const move = (to: number) => entries[(to + entries.length) % entries.length]?.focus();
    switch (e.key) {
      case 'ArrowDown':
        e.preventDefault();
        return move(at + 1);
      case 'ArrowUp':
        e.preventDefault();
        return move(at - 1);
      case 'Home':
        e.preventDefault();
        return move(0);
      case 'End':
        e.preventDefault();
        return move(entries.length - 1);
      case 'Escape':
        e.preventDefault();
        e.stopPropagation();
        return close.current(true);
      case 'Tab':
        return close.current(false);
      default:
        return undefined;
    }
  }
  return (
    <div ref={ref} role="menu" aria-label={label} className="message-menu" onKeyDown={onKeyDown} data-testid="message-menu">
      {items.map((item) => (
        <button
          key={item.testId}
          type="button"
          role="menuitem"
          tabIndex={-1}
          className={item.danger ? 'danger' : undefined}
          onClick={() => {
            close.current(true);
            item.act();
          }}
          data-testid={item.testId}
        >
          {item.label}
        </button>
      ))}
    </div>
  );
}
