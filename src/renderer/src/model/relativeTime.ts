/**
 * Times as the UI shows them (docs/desktop.md "Look and layout"): English words, a 24-hour clock, in this
 * computer's time zone. The conversation list says "now", "14:05", "Tue" or "12 Mar" (and the year when it
 * is not this year); the timeline puts a day separator ("Today", "Yesterday", "Tuesday, 10 March") before
 * each day and the full date and time in a tooltip. Every function takes `now` so that tests are exact.
 */

// Names spelled out here rather than by Intl: ICU versions differ in punctuation ("Thursday, 12 March" or
// "Thursday 12 March"), and the window, the tests and the screenshots must agree.
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'] as const;
const weekdayOf = (d: Date) => WEEKDAYS[d.getDay()] ?? '';
const monthOf = (d: Date) => MONTHS[d.getMonth()] ?? '';
const two = (n: number) => String(n).padStart(2, '0');

const MINUTE = 60_000;

/** Midnight (local) of the day `ms` falls on. */
export function startOfDay(ms: number): number {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** Whole local days from the day of `ms` to the day of `now` (0: same day; daylight-saving safe). */
export function daysBetween(ms: number, now: number): number {
  return Math.round((startOfDay(now) - startOfDay(ms)) / 86_400_000);
}

/** "14:05". */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return `${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** The conversation list's time: "now" within a minute, the clock today, the weekday within a week, else the date. */
export function listTime(ms: number, now: number): string {
  const days = daysBetween(ms, now);
  if (days === 0) return now - ms < MINUTE ? 'now' : clockTime(ms);
  const d = new Date(ms);
  if (days > 0 && days < 7) return weekdayOf(d).slice(0, 3);
  const date = `${d.getDate()} ${monthOf(d).slice(0, 3)}`;
  return d.getFullYear() === new Date(now).getFullYear() ? date : `${date} ${d.getFullYear()}`;
}

/** A timeline day separator: "Today", "Yesterday", "Tuesday, 10 March", "Monday, 10 March 2025". */
export function dayLabel(ms: number, now: number): string {
  const days = daysBetween(ms, now);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  const d = new Date(ms);
  const date = `${weekdayOf(d)}, ${d.getDate()} ${monthOf(d)}`;
  return d.getFullYear() === new Date(now).getFullYear() ? date : `${date} ${d.getFullYear()}`;
}

/** The full date and time, for a tooltip and the accessible name: "Thursday, 12 March 2026 at 14:05". */
export function fullTime(ms: number): string {
  const d = new Date(ms);
  return `${weekdayOf(d)}, ${d.getDate()} ${monthOf(d)} ${d.getFullYear()} at ${clockTime(ms)}`;
}
