/**
 * Presentational: a windowed list for long histories (the chat's virtualized history with
 * scroll-back). Only the rows in and near the viewport are rendered; row heights are measured as rows
 * render (model/windowing.ts does the arithmetic). It stays at the bottom while the user is there, keeps
 * the visible row in place when older rows are prepended, asks for more when scrolled near the top, and
 * offers a "newest" button when rows arrive below while the user reads further up. Given `reveal` (a search
 * hit), it scrolls that row to the middle of the view, keeps it there while row heights are measured, moves
 * keyboard focus to it and marks it (`data-revealed`; styles.css flashes it briefly). Given `onSeen`, an
 * IntersectionObserver follows which rows are on screen (at least half of the row, or of the view for a
 * taller row) and reports their keys whenever that changes or the window comes back into focus — only
 * while the page is visible and the window has focus (`document.hasFocus()`).
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode, type UIEvent } from 'react';
import { computeWindow, offsetOf } from '../model/windowing';

export interface VirtualListProps<T> {
  items: readonly T[];
  keyOf(item: T): string;
  render(item: T): ReactNode;
  label: string;
  estimate?: number;
  overscan?: number;
  onNearTop?(): void;
  testId?: string;
  /**
   * The row to scroll to, focus and highlight; a new `seq` jumps again to the same row. `done` is called
   * once the row has focus (the jump is then forgotten, so coming back to the list does not jump again).
   */
  reveal?: { readonly key: string; readonly seq: number; done?(): void } | null;
  /** The keys of the rows on screen, reported only while the window has focus (read receipts). */
  onSeen?(keys: readonly string[]): void;
}

/** True when the window is in front and has focus: what is on screen now is being looked at. */
export function windowHasFocus(): boolean {
  return document.visibilityState === 'visible' && document.hasFocus();
}

const NEAR_TOP = 120;
const AT_BOTTOM = 40;

export function VirtualList<T>({ items, keyOf, render, label, estimate = 56, overscan = 6, onNearTop, testId, reveal = null, onSeen }: VirtualListProps<T>) {
  const scroller = useRef<HTMLDivElement>(null);
  const heights = useRef(new Map<string, number>());
  const [, setMeasured] = useState(0);
  const [scroll, setScroll] = useState({ top: 0, height: 600 });
  const atBottom = useRef(true);
  const anchor = useRef<{ key: string; delta: number } | null>(null);
  const lastKey = useRef<string | undefined>(undefined);
  const [newBelow, setNewBelow] = useState(false);
  const keys = useMemo(() => items.map(keyOf), [items, keyOf]);
  const heightOf = useCallback((i: number) => heights.current.get(keys[i] ?? ''), [keys]);
  const win = computeWindow({ count: items.length, heightOf, estimate, scrollTop: scroll.top, viewportHeight: scroll.height, overscan });

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setScroll({ top: el.scrollTop, height: el.clientHeight }));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const newest = keys[keys.length - 1];
    const arrived = newest !== lastKey.current && lastKey.current !== undefined;
    lastKey.current = newest;
    if (atBottom.current) {
      el.scrollTop = el.scrollHeight;
    } else if (anchor.current) {
      if (arrived) setNewBelow(true);
      const index = keys.indexOf(anchor.current.key);
      if (index >= 0) el.scrollTop = offsetOf(index, heightOf, estimate) + anchor.current.delta;
    }
  });

  // A jump to a row (after the effect above, so it wins over "stay at the bottom" on the same render).
  const revealed = useRef<number | null>(null);
  const focusKey = useRef<string | null>(null);
  const [highlighted, setHighlighted] = useState<string | null>(null);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || reveal === null || revealed.current === reveal.seq) return;
    const index = keys.indexOf(reveal.key);
    if (index < 0) return;
    revealed.current = reveal.seq;
    atBottom.current = false;
    const top = offsetOf(index, heightOf, estimate);
    const centered = Math.max(0, top - Math.max(0, (el.clientHeight - (heightOf(index) ?? estimate)) / 2));
    el.scrollTop = centered;
    // The anchor keeps the row where it is while the rows around it are measured.
    anchor.current = { key: reveal.key, delta: centered - top };
    focusKey.current = reveal.key;
    setHighlighted(reveal.key);
    setScroll({ top: el.scrollTop, height: el.clientHeight });
  });
  // After layout and after a closing dialog gave focus back to where it was (its cleanup runs first).
  useEffect(() => {
    const key = focusKey.current;
    // Once the row is rendered as the highlighted one (focusable: tabIndex -1).
    if (key === null || highlighted !== key) return;
    const row = scroller.current?.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`);
    if (!row) return;
    focusKey.current = null;
    row.focus({ preventScroll: true });
    reveal?.done?.();
  });

  // Which rows are on screen (for `onSeen`): observed as they render, forgotten as they leave the DOM.
  const seenListener = useRef(onSeen);
  seenListener.current = onSeen;
  const onScreen = useRef(new Set<string>());
  const observed = useRef(new Map<string, Element>());
  const observer = useRef<IntersectionObserver | null>(null);
  const reportSeen = useCallback(() => {
    if (seenListener.current === undefined || onScreen.current.size === 0 || !windowHasFocus()) return;
    seenListener.current([...onScreen.current]);
  }, []);
  useEffect(() => {
    const root = scroller.current;
    if (!root || typeof IntersectionObserver === 'undefined') return;
    const io = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          const key = (entry.target as HTMLElement).dataset.key;
          if (key === undefined) continue;
          const viewHeight = entry.rootBounds?.height ?? Number.POSITIVE_INFINITY;
          const shown = entry.isIntersecting && (entry.intersectionRatio >= 0.5 || entry.intersectionRect.height >= viewHeight / 2);
          if (shown) onScreen.current.add(key);
          else onScreen.current.delete(key);
        }
        reportSeen();
      },
      { root, threshold: [0, 0.5, 1] },
    );
    observer.current = io;
    const visibleNow = () => reportSeen();
    window.addEventListener('focus', visibleNow);
    document.addEventListener('visibilitychange', visibleNow);
    const tracked = observed.current;
    const shown = onScreen.current;
    return () => {
      io.disconnect();
      observer.current = null;
      tracked.clear();
      shown.clear();
      window.removeEventListener('focus', visibleNow);
      document.removeEventListener('visibilitychange', visibleNow);
    };
  }, [reportSeen]);
  useEffect(() => {
    const io = observer.current;
    const root = scroller.current;
    if (!io || !root) return;
    const present = new Set<string>();
    for (const el of root.querySelectorAll<HTMLElement>('[data-key]')) {
      const key = el.dataset.key;
      if (key === undefined) continue;
      present.add(key);
      const before = observed.current.get(key);
      if (before === el) continue;
      if (before !== undefined) io.unobserve(before);
      observed.current.set(key, el);
      io.observe(el);
    }
    for (const [key, el] of observed.current) {
      if (present.has(key)) continue;
      io.unobserve(el);
      observed.current.delete(key);
      onScreen.current.delete(key);
    }
  });

  function onScroll(e: UIEvent<HTMLDivElement>) {
    const el = e.currentTarget;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < AT_BOTTOM;
    if (atBottom.current) setNewBelow(false);
    const first = computeWindow({ count: items.length, heightOf, estimate, scrollTop: el.scrollTop, viewportHeight: 0, overscan: 0 }).start;
    const key = keys[first];
    anchor.current = key === undefined ? null : { key, delta: el.scrollTop - offsetOf(first, heightOf, estimate) };
    setScroll({ top: el.scrollTop, height: el.clientHeight });
    if (el.scrollTop < NEAR_TOP) onNearTop?.();
  }

  const measure = useCallback((key: string, el: HTMLElement | null) => {
    if (!el) return;
    const h = el.offsetHeight;
    if (h > 0 && heights.current.get(key) !== h) {
      heights.current.set(key, h);
      setMeasured((n) => n + 1);
    }
  }, []);

  function jumpToNewest() {
    const el = scroller.current;
    if (!el) return;
    atBottom.current = true;
    el.scrollTop = el.scrollHeight;
    setNewBelow(false);
  }

  return (
    <div className="virtual-list-wrap">
      <div ref={scroller} className="virtual-list" role="log" aria-live="polite" aria-label={label} tabIndex={0} onScroll={onScroll} data-testid={testId}>
        <div style={{ height: win.totalHeight, position: 'relative' }}>
          <div style={{ transform: `translateY(${win.offsetTop}px)` }}>
            {items.slice(win.start, win.end).map((item) => {
              const key = keyOf(item);
              return (
                <div
                  key={key}
                  ref={(el) => measure(key, el)}
                  data-key={key}
                  {...(highlighted === key ? { 'data-revealed': 'true', tabIndex: -1, className: 'revealed', 'aria-current': 'true' as const } : {})}
                >
                  {render(item)}
                </div>
              );
            })}
          </div>
        </div>
      </div>
      {newBelow && (
        <button type="button" className="jump-newest" onClick={jumpToNewest} data-testid="jump-newest">
          New messages ↓
        </button>
      )}
    </div>
  );
}
