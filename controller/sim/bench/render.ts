import { formatDuration } from '../../../kernel/time.js';
import { formatOffset } from '../timeline.js';
import { BLIP_MODES } from './blip-curve.js';
import type { DetectionReport } from './detection.js';
import { WORKLOAD_KINDS, type TargetGroup } from './workload.js';

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')).join('\n');
}

const ms = (value: number | null | undefined) => (value === null || value === undefined ? '-' : formatDuration(value));

const GROUPS: { group: TargetGroup; title: string }[] = [
  { group: 'region', title: 'region-level outage' },
  { group: 'app', title: 'app-only outage' },
  { group: 'slow-onset', title: 'slow onset (from crossing)' },
];

/** One profile's run as people read it: the policies side by side, then detection per target group, blips, targets. */
export function renderDetectionReport(report: DetectionReport): string {
  const injected = Object.values(report.injected).reduce((a, b) => a + b, 0);
  const header = [
    `detection benchmark, profile ${report.profile.name}: ${report.profile.description}`,
    `${report.simulatedRegionHours} simulated region-hours, seed ${report.seed}, ${injected} incidents injected; ${formatDuration(report.wallMs)} wall (${formatDuration(report.cpuMs)} CPU), ${report.regionHoursPerSecond} region-hours/s, ${report.engine.steps} engine steps in ${report.engine.episodes} stretches`,
  ].join('\n');
  const summary = table([
    ['policy', 'incidents', 'detected', 'missed', 'false', 'wrong', 'late', 'ttd p50', 'ttd p99', 'ttd max'],
    ...report.policies.map((p) => [p.name, String(p.incidents), String(p.detected), String(p.missed), String(p.falseFailovers), String(p.wrongFailovers), String(p.lateFailovers), ms(p.ttdMs.p50), ms(p.ttdMs.p99), ms(p.ttdMs.max)]),
  ]);
  const groups = table([
    ['time to decision', ...report.policies.map((p) => p.name)],
    ...GROUPS.flatMap(({ group, title }) => [
      [`${title}: detected`, ...report.policies.map((p) => (p.groups[group] ? `${p.groups[group]!.detected}/${p.groups[group]!.incidents}` : '-'))],
      [`${title}: p50 / p99`, ...report.policies.map((p) => `${ms(p.groups[group]?.ttdMs.p50)} / ${ms(p.groups[group]?.ttdMs.p99)}`)],
    ]),
  ]);
  const kinds = [...WORKLOAD_KINDS, { label: 'noise', expectation: 'unwarranted' }];
  const byKind = table([
    ['failovers by incident kind', 'injected', 'expected', ...report.policies.map((p) => p.name)],
    ...kinds.map((k) => [k.label, String(report.injected[k.label] ?? '-'), k.expectation, ...report.policies.map((p) => String(p.failoversByKind[k.label] ?? 0))]),
  ]);
  const curve = report.blipCurve;
  const blips = curve
    ? [
        '',
        table([
          ['shortest blip that moved traffic', ...report.policies.map((p) => p.name)],
          ...BLIP_MODES.map((mode) => [`blip ${mode}`, ...report.policies.map((p) => (curve[mode][p.name] === null ? 'none <= 1m' : ms(curve[mode][p.name])))]),
        ]),
        `(blips of 1 s up, a second at a time, each on several seeds; ${formatDuration(report.curveCpuMs ?? 0)} CPU)`,
      ]
    : [];
  const targets = ['', 'targets:', ...report.targets.map((t) => `  ${t.met ? 'met    ' : 'NOT MET'}  ${t.target}: ${t.measured}`)];
  const engine = report.policies.find((p) => p.name === 'fcp');
  const mistakes = (engine?.mistakes ?? []).map((m) => {
    const incident = m.incidentOffsetMs === undefined ? '' : ` (incident began ${formatOffset(m.incidentOffsetMs)})`;
    return `  ${formatOffset(m.offsetMs)}  ${m.counted} failover ${m.from} -> ${m.to} during ${m.kind}${incident}`;
  });
  const review = mistakes.length > 0 ? ['', 'fcp failovers to look into:', ...mistakes] : [];
  const legend = [
    'false: failovers nothing warranted (noise, app blips, degraded-but-serving, flapping below thresholds, a standby down)',
    'wrong: failovers that cannot help (global failures, observer cut-offs, partitions); late: after the incident ended, or a second one',
  ];
  return [header, '', summary, '', groups, '', byKind, ...blips, ...targets, ...review, '', ...legend].join('\n');
}
