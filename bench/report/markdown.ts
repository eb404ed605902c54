/**
 * The markdown performance report (the `.md` of docs/benchmarks.md): summary of met and
 * missed targets with reasons, sections not measured and what they lack, then one table per section with
 * every figure, its spread, its target and its ratio to the target.
 */
import { missingCase } from '../../src/common/errors';
import type { BenchRun, Figure, SectionResult } from '../lib/types';
import { formatRatio, formatSpread, formatTarget, formatValue } from './format';
import { missedReasonOf, verdictOf } from './verdict';

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** `met` or `missed: <reason>` or `no target`. */
export function verdictLine(f: Figure): string {
  const verdict = verdictOf(f);
  switch (verdict) {
    case 'met':
      return 'met';
    case 'missed':
      return `missed: ${missedReasonOf(f)}`;
    case 'no_target':
      return '–';
    default:
      return missingCase(verdict);
  }
}

function statusLine(s: SectionResult): string {
  switch (s.status) {
    case 'measured':
      return 'Measured.';
    case 'partial':
      return `Partly measured. Not measured: ${s.missing ?? 'unstated'}.`;
    case 'not_measured':
      return `Not measured: ${s.missing ?? 'unstated'}.`;
    default:
      return missingCase(s.status);
  }
}

function figureRow(f: Figure): string {
  const target = f.target ? formatTarget(f.target, f.unit) : '–';
  const ratio = f.target ? formatRatio(f.value.median, f.target) : '–';
  const label = f.note ? `${f.label} (${f.note})` : f.label;
  return `| ${cell(label)} | ${formatValue(f.value.median, f.unit)} | ${formatSpread(f.value, f.unit)} | ${target} | ${ratio} | ${cell(verdictLine(f))} |`;
}

function sectionBlock(s: SectionResult): string[] {
  const lines = [`## ${s.title}`, '', statusLine(s), ''];
  if (s.figures.length > 0) {
    lines.push('| figure | median | spread (min – max) | target | ratio to target | verdict |', '|---|---:|---|---|---:|---|');
    lines.push(...s.figures.map(figureRow), '');
  }
  for (const n of s.notes) lines.push(`- ${n}`);
  if (s.notes.length > 0) lines.push('');
  return lines;
}

/** The whole report; `chartFile` is the SVG's file name, linked relatively. */
export function renderMarkdown(run: BenchRun, chartFile: string): string {
  const all = run.sections.flatMap((s) => s.figures.map((f) => ({ s, f })));
  const met = all.filter(({ f }) => verdictOf(f) === 'met');
  const missed = all.filter(({ f }) => verdictOf(f) === 'missed');
  const absent = run.sections.filter((s) => s.status !== 'measured');
  const m = run.machine;
  const lines = [
    `# Performance report ${run.date}`,
    '',
    `${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB; ${m.platform}; Node ${m.node}, OpenSSL ${m.openssl}; commit ${m.gitCommit}; 1-minute load average ${m.loadAverage.start.toFixed(1)} at the start, ${m.loadAverage.end.toFixed(1)} at the end.`,
    `Run started ${run.startedAt} and took ${(run.durationMs / 1000).toFixed(0)} s${run.quick ? ' (**quick run**: fewer rounds, smaller groups — not a reference result)' : ''}. Produced by \`npm run bench\`; method in docs/benchmarks.md.`,
    '',
    `![ratio of each figure to its target](${chartFile})`,
    '',
    '## Summary',
    '',
    `Targets met: ${met.length}. Targets missed: ${missed.length}. Sections not (fully) measured: ${absent.length}.`,
    '',
  ];
  if (missed.length > 0) {
    lines.push('### Missed targets', '');
    for (const { s, f } of missed) {
      lines.push(
        `- **${s.title} — ${f.label}**: ${formatValue(f.value.median, f.unit)} against ${f.target ? formatTarget(f.target, f.unit) : ''} (${f.target ? formatRatio(f.value.median, f.target) : ''}). Why: ${missedReasonOf(f)}.`,
      );
    }
    lines.push('');
  }
  if (absent.length > 0) {
    lines.push('### Not measured', '');
    for (const s of absent) lines.push(`- **${s.title}**: not measured: ${s.missing ?? 'unstated'}.`);
    lines.push('');
  }
  for (const s of run.sections) lines.push(...sectionBlock(s));
  return `${lines.join('\n').trimEnd()}\n`;
}
