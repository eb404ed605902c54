/**
 * Windowing of a long list with rows of different heights (the chat's virtualized history): from the
 * measured heights (an estimate for rows not measured yet), the scroll position and the viewport height,
 * which rows to render and where. Pure, so the arithmetic is tested without a DOM.
 */

export interface ListWindow {
  /** First rendered index (inclusive). */
  start: number;
  /** Last rendered index (exclusive). */
  end: number;
  /** Pixels above the first rendered row. */
  offsetTop: number;
  /** Pixels of the whole list. */
  totalHeight: number;
}

export interface WindowInput {
  count: number;
  heightOf: (index: number) => number | undefined;
  estimate: number;
  scrollTop: number;
  viewportHeight: number;
  overscan: number;
}

export function computeWindow(input: WindowInput): ListWindow {
  const { count, estimate, overscan } = input;
  const height = (i: number) => input.heightOf(i) ?? estimate;
  const top = Math.max(0, input.scrollTop);
  const bottom = top + Math.max(0, input.viewportHeight);
  let y = 0;
  let first = count;
  let last = count;
  for (let i = 0; i < count; i += 1) {
    const h = height(i);
    if (first === count && y + h > top) first = i;
    if (y >= bottom) {
      last = i;
      break;
    }
    y += h;
  }
  if (first === count) first = Math.max(0, count - 1);
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, last + overscan);
  let offsetTop = 0;
  for (let i = 0; i < start; i += 1) offsetTop += height(i);
  let totalHeight = 0;
  for (let i = 0; i < count; i += 1) totalHeight += height(i);
  return { start, end: Math.max(start, end), offsetTop, totalHeight };
}

/** Sum of heights of rows before `index`: where row `index` starts. */
export function offsetOf(index: number, heightOf: (i: number) => number | undefined, estimate: number): number {
  let y = 0;
  for (let i = 0; i < index; i += 1) y += heightOf(i) ?? estimate;
  return y;
}
