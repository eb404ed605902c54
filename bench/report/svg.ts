/**
 * The report's chart (the `.svg` of docs/benchmarks.md), drawn as plain SVG text: one bar per
 * figure that has a target, its length the ratio to the target on a log scale from 0.1x to 10x, a line
 * at 1x, green when met and red when missed; sections not measured are listed as grey rows.
 */
import type { BenchRun } from '../lib/types';
import { formatTarget, formatValue } from './format';
import { ratioToTarget, verdictOf } from './verdict';

const WIDTH = 960;
const LABEL_W = 430;
const BAR_W = 360;
const ROW_H = 22;
const TOP = 46;
const LOG_MIN = -1;
const LOG_MAX = 1;

/** Escapes text for SVG. */
export function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function xOf(ratio: number): number {
  const l = Math.min(LOG_MAX, Math.max(LOG_MIN, Math.log10(Math.max(ratio, 1e-9))));
  return LABEL_W + ((l - LOG_MIN) / (LOG_MAX - LOG_MIN)) * BAR_W;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The chart as an SVG document. */
export function renderSvg(run: BenchRun): string {
  const rows: string[] = [];
  let y = TOP;
  const x1 = xOf(1);
  for (const s of run.sections) {
    for (const f of s.figures) {
      if (!f.target) continue;
      const ratio = ratioToTarget(f.value.median, f.target);
      const met = verdictOf(f) === 'met';
      const end = xOf(ratio);
      const color = met ? '#2e7d32' : '#c62828';
      const label = clip(`${s.title}: ${f.label}`, 70);
      rows.push(
        `<text x="${LABEL_W - 8}" y="${y + 15}" text-anchor="end">${xmlEscape(label)}</text>`,
        `<rect class="bar" x="${Math.min(x1, end).toFixed(1)}" y="${y + 4}" width="${Math.max(1, Math.abs(end - x1)).toFixed(1)}" height="${ROW_H - 8}" fill="${color}"/>`,
        `<text x="${LABEL_W + BAR_W + 8}" y="${y + 15}">${xmlEscape(`${Number.isFinite(ratio) ? ratio.toFixed(2) : '∞'}x · ${formatValue(f.value.median, f.unit)} vs ${formatTarget(f.target, f.unit)} · ${met ? 'met' : 'missed'}`)}</text>`,
      );
      y += ROW_H;
    }
  }
  for (const s of run.sections) {
    if (s.status === 'measured') continue;
    rows.push(`<text class="absent" x="${LABEL_W - 8}" y="${y + 15}" text-anchor="end">${xmlEscape(clip(s.title, 70))}</text>`);
    rows.push(
      `<text class="absent" x="${LABEL_W}" y="${y + 15}">${xmlEscape(clip(`${s.status === 'partial' ? 'partly measured; not measured' : 'not measured'}: ${s.missing ?? 'unstated'}`, 95))}</text>`,
    );
    y += ROW_H;
  }
  const height = y + 36;
  const ticks = [0.1, 0.25, 0.5, 1, 2, 4, 10]
    .map(
      (t) =>
        `<line x1="${xOf(t).toFixed(1)}" y1="${TOP - 4}" x2="${xOf(t).toFixed(1)}" y2="${y}" stroke="${t === 1 ? '#000' : '#ddd'}"/><text x="${xOf(t).toFixed(1)}" y="${y + 16}" text-anchor="middle">${t}x</text>`,
    )
    .join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    '<style>.absent{fill:#777;font-style:italic}</style>',
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text x="12" y="22" font-size="15" font-weight="bold">${xmlEscape(`Ratio to target, ${run.date} (log scale; right of 1x = met)`)}</text>`,
    ticks,
    ...rows,
    '</svg>',
    '',
  ].join('\n');
}
