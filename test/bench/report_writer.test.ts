/**
 * The benchmark report writer (docs/benchmarks.md, "Method") on a small synthetic run: the JSON record
 * round-trips, the markdown prints every figure with its target, its ratio to the target and a met /
 * missed-with-reason verdict, sections not measured say so with what is missing, and the SVG chart is
 * well-formed with one bar per targeted figure. Behaviour only: no timing is asserted.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { BenchInputError } from '../../bench/lib/errors';
import type { BenchRun } from '../../bench/lib/types';
import { ratioToTarget, verdictOf } from '../../bench/report/verdict';
import { readRun, writeReport } from '../../bench/report/write';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'bench-report-'));
  dirs.push(d);
  return d;
}

const run: BenchRun = {
  schema: 1,
  date: '2030-01-02',
  startedAt: '2030-01-02T03:04:05.000Z',
  durationMs: 61_000,
  quick: false,
  machine: {
    cpuModel: 'Test CPU',
    cores: 2,
    memoryGiB: 4,
    node: '20.0.0',
    openssl: '3.0.0',
    platform: 'Linux test x64',
    gitCommit: 'abc1234',
    loadAverage: { start: 0.5, end: 0.7 },
  },
  sections: [
    {
      id: 'message',
      title: 'Message seal <&> open',
      status: 'measured',
      durationMs: 10,
      notes: ['a note'],
      figures: [
        { id: 'seal', label: 'seal+sign', unit: 'msg/s', value: { median: 30_000, min: 29_000, max: 31_000, n: 7 }, target: { op: '>=', value: 25_000 } },
        {
          id: 'open',
          label: 'open+verify share',
          unit: '%',
          value: { median: 60, min: 58, max: 62, n: 7 },
          target: { op: '>=', value: 80 },
          missedReason: 'zod parsing costs 20 µs',
        },
        { id: 'raw', label: 'raw sign', unit: 'ops/s', value: { median: 40_000, min: 39_000, max: 41_000, n: 7 } },
      ],
    },
    {
      id: 'latency',
      title: 'Send-to-decrypted',
      status: 'partial',
      missing: 'the client core pipeline',
      durationMs: 10,
      notes: [],
      figures: [{ id: 'p99', label: 'p99', unit: 'ms', value: { median: 40, min: 40, max: 40, n: 1 }, target: { op: '<', value: 50 } }],
    },
    { id: 'renderer', title: 'Renderer', status: 'not_measured', missing: 'the conversation view', durationMs: 0, notes: [], figures: [] },
  ],
};

describe('benchmark report writer', () => {
  it('writes a JSON record that reads back unchanged', () => {
    const dir = tempDir();
    const out = writeReport(run, dir, '2030-01-02');
    expect(out.json).toBe(path.join(dir, '2030-01-02.json'));
    expect(readRun(out.json)).toEqual(run);
  });

  it('prints each figure with its target, ratio and verdict, and names what is not measured', () => {
    const md = readFileSync(writeReport(run, tempDir(), 'r').markdown, 'utf8');
    expect(md).toContain('# Performance report 2030-01-02');
    expect(md).toContain('![ratio of each figure to its target](r.svg)');
    expect(md).toContain('Targets met: 2. Targets missed: 1. Sections not (fully) measured: 2.');
    expect(md).toMatch(/\| seal\+sign \| 30,000 msg\/s \| 29,000 msg\/s – 31,000 msg\/s \(n=7\) \| ≥ 25,000 msg\/s \| 1\.20x \| met \|/);
    expect(md).toMatch(/\| open\+verify share \| 60\.0 % \| .* \| ≥ 80\.0 % \| 0\.75x \| missed: zod parsing costs 20 µs \|/);
    expect(md).toMatch(/\| p99 \| 40\.0 ms \| one sample \| < 50\.0 ms \| 1\.25x \| met \|/);
    expect(md).toContain('| raw sign | 40,000 ops/s | 39,000 ops/s – 41,000 ops/s (n=7) | – | – | – |');
    expect(md).toContain('- **Renderer**: not measured: the conversation view.');
    expect(md).toContain('Partly measured. Not measured: the client core pipeline.');
    expect(md).toContain('**Message seal <&> open — open+verify share**: 60.0 % against ≥ 80.0 % (0.75x). Why: zod parsing costs 20 µs.');
  });

  it('says so plainly when a missed figure carries no reason', () => {
    const noReason: BenchRun = {
      ...run,
      sections: [
        { ...run.sections[0]!, figures: [{ id: 'x', label: 'x', unit: 'ms', value: { median: 90, min: 90, max: 90, n: 1 }, target: { op: '<', value: 50 } }] },
      ],
    };
    const md = readFileSync(writeReport(noReason, tempDir(), 'r').markdown, 'utf8');
    expect(md).toContain('missed: reason not established by this run');
  });

  it('draws a well-formed SVG with one coloured bar per targeted figure and grey rows for what is missing', () => {
    const svg = readFileSync(writeReport(run, tempDir(), 'r').svg, 'utf8');
    expect(XMLValidator.validate(svg)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(svg) as { svg: { rect: { class?: string; fill: string }[] } };
    const bars = doc.svg.rect.filter((r) => r.class === 'bar');
    expect(bars.map((b) => b.fill)).toEqual(['#2e7d32', '#c62828', '#2e7d32']);
    expect(svg).toContain('Message seal &lt;&amp;&gt; open');
    expect(svg).toContain('not measured: the conversation view');
    expect(svg).toContain('partly measured; not measured: the client core pipeline');
  });

  it('orients ratios so that >= 1 means met for both kinds of target', () => {
    expect(ratioToTarget(30, { op: '>=', value: 20 })).toBe(1.5);
    expect(ratioToTarget(10, { op: '<', value: 20 })).toBe(2);
    expect(verdictOf({ id: 'a', label: 'a', unit: 'ms', value: { median: 20, min: 20, max: 20, n: 1 }, target: { op: '<', value: 20 } })).toBe('missed');
  });

  it('refuses a file that is not a results file', () => {
    const file = path.join(tempDir(), 'x.json');
    writeFileSync(file, JSON.stringify({ hello: 1 }));
    expect(() => readRun(file)).toThrow(BenchInputError);
  });
});

describe('comparing two runs', () => {
  it('calls a figure within noise when it moved less than the larger of 10 % and the spread, and lists verdict flips', async () => {
    const { compareRuns, renderComparison } = await import('../../bench/report/compare');
    const moved: BenchRun = {
      ...run,
      sections: run.sections.map((s) =>
        s.id !== 'message'
          ? s
          : {
              ...s,
              figures: s.figures.map((f) =>
                f.id === 'seal' ? { ...f, value: { ...f.value, median: 20_000 } } : f.id === 'raw' ? { ...f, value: { ...f.value, median: 41_000 } } : f,
              ),
            },
      ),
    };
    const rows = compareRuns(run, moved);
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(rows).toHaveLength(4);
    expect(byId.get('message.raw')?.withinNoise).toBe(true);
    expect(byId.get('message.seal')?.withinNoise).toBe(false);
    expect(byId.get('message.seal')).toMatchObject({ verdictA: 'met', verdictB: 'missed' });
    expect(renderComparison(rows, 'a', 'b')).toContain('Compared 4 figures of a and b: 3 within noise, 1 outside; verdicts that differ: message.seal.');
  });
});
