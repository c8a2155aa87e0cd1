import { formatDuration } from '../../domain/time.js';
import type { DetectionReport } from './detection.js';
import { formatOffset } from '../timeline.js';
import { WORKLOAD_KINDS } from './workload.js';

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')).join('\n');
}

const ms = (value: number | null) => (value === null ? '-' : formatDuration(value));

/** The benchmark as people read it: one row per policy, then where each policy's failovers happened. */
export function renderDetectionReport(report: DetectionReport): string {
  const injected = Object.values(report.injected).reduce((a, b) => a + b, 0);
  const header = `detection benchmark: ${report.simulatedRegionHours} simulated region-hours, seed ${report.seed}, ${injected} incidents injected; ${formatDuration(report.wallMs)} wall (${formatDuration(report.cpuMs)} CPU), ${report.regionHoursPerSecond} region-hours/s, ${report.engine.steps} engine steps in ${report.engine.episodes} stretches`;
  const summary = table([
    ['policy', 'incidents', 'detected', 'missed', 'false', 'wrong', 'late', 'ttd p50', 'ttd p99', 'ttd max'],
    ...report.policies.map((p) => [p.name, String(p.incidents), String(p.detected), String(p.missed), String(p.falseFailovers), String(p.wrongFailovers), String(p.lateFailovers), ms(p.ttdMs.p50), ms(p.ttdMs.p99), ms(p.ttdMs.max)]),
  ]);
  const kinds = [...WORKLOAD_KINDS, { label: 'noise', expectation: 'unwarranted' }];
  const byKind = table([
    ['failovers by incident kind', 'injected', 'expected', ...report.policies.map((p) => p.name)],
    ...kinds.map((k) => [k.label, String(report.injected[k.label] ?? '-'), k.expectation, ...report.policies.map((p) => String(p.failoversByKind[k.label] ?? 0))]),
  ]);
  const legend = [
    'false: failovers nothing warranted (noise, degraded-but-serving, flapping below thresholds, a standby down)',
    'wrong: failovers that cannot help (global failures, observer cut-offs); late: after the incident ended, or a second one',
  ];
  const engine = report.policies.find((p) => p.name === 'fcp');
  const mistakes = (engine?.mistakes ?? []).map((m) => {
    const incident = m.incidentOffsetMs === undefined ? '' : ` (incident began ${formatOffset(m.incidentOffsetMs)})`;
    return `  ${formatOffset(m.offsetMs)}  ${m.counted} failover ${m.from} -> ${m.to} during ${m.kind}${incident}`;
  });
  const review = mistakes.length > 0 ? ['', 'fcp failovers to look into:', ...mistakes] : [];
  return [header, '', summary, '', byKind, ...review, '', ...legend].join('\n');
}
