import { describe, expect, it } from 'vitest';
import { assess, vantageHealth } from '../../../../controller/domain/assess.js';
import type { Classification, Health, WindowSummary } from '../../../../controller/domain/types.js';
import { allVantages, config, world, writerDown, writerUp } from './fixtures.js';

const detection = config.detection;
const NOW = 100_000;

describe('vantageHealth', () => {
  it.each([
    { name: 'all ok', ok: 5, failed: 0, slow: 0, lastAt: NOW, expected: 'healthy' },
    { name: 'four failures in five: even the optimistic reading is past the ratio', ok: 1, failed: 4, slow: 0, lastAt: NOW, expected: 'failed' },
    { name: 'three failures in three', ok: 0, failed: 3, slow: 0, lastAt: NOW, expected: 'failed' },
    { name: 'three failures in five reach the ratio without confidence: degraded, not failed', ok: 2, failed: 3, slow: 0, lastAt: NOW, expected: 'degraded' },
    { name: 'one failure in five is no evidence of anything', ok: 4, failed: 1, slow: 0, lastAt: NOW, expected: 'healthy' },
    { name: 'two failures in five neither', ok: 3, failed: 2, slow: 0, lastAt: NOW, expected: 'healthy' },
    { name: 'slow samples degrade, never fail', ok: 0, failed: 0, slow: 5, lastAt: NOW, expected: 'degraded' },
    { name: 'too few samples is unknown', ok: 0, failed: 2, slow: 0, lastAt: NOW, expected: 'unknown' },
    { name: 'a silent signal is unknown, never failed', ok: 0, failed: 5, slow: 0, lastAt: NOW - detection.staleAfter - 1, expected: 'unknown' },
    { name: 'a gray failure known over the ratio window', ok: 2, failed: 3, slow: 0, wider: [{ ok: 10, failed: 20, slow: 0 }], lastAt: NOW, expected: 'failed' },
    { name: 'a 15% gray failure over the ratio window', ok: 4, failed: 1, slow: 0, wider: [{ ok: 25, failed: 5, slow: 0 }], lastAt: NOW, expected: 'healthy' },
    { name: 'a 27% gray failure is not yet confidently degraded', ok: 4, failed: 1, slow: 0, wider: [{ ok: 22, failed: 8, slow: 0 }], lastAt: NOW, expected: 'healthy' },
    { name: 'a 40% gray failure over the ratio window degrades', ok: 3, failed: 2, slow: 0, wider: [{ ok: 18, failed: 12, slow: 0 }], lastAt: NOW, expected: 'degraded' },
    { name: 'a starved observer (most samples unknown) has no opinion', ok: 0, failed: 3, slow: 0, unknown: 4, lastAt: NOW, expected: 'unknown' },
  ])('$name -> $expected', ({ expected, ...counts }) => {
    expect(vantageHealth({ region: 'us-east-1', service: 'api', vantage: 'us-west-2', signal: 'http', ...counts }, detection, NOW)).toBe(expected);
  });
});

describe('assess', () => {
  const cases: { name: string; views: Parameters<typeof world>[1]; primary: Health; classification: Classification; cutOff?: string[] }[] = [
    { name: 'all healthy', views: {}, primary: 'healthy', classification: 'none' },
    { name: 'primary down from every vantage point', views: { 'us-east-1': allVantages('failed') }, primary: 'failed', classification: 'regional' },
    {
      name: 'primary down from a majority: its own replica silent, Route 53 not yet failing',
      views: { 'us-east-1': { 'us-east-1': 'stale', 'us-west-2': 'failed', 'eu-west-1': 'failed' } },
      primary: 'failed',
      classification: 'regional',
    },
    {
      name: 'two of four vantage points is no majority: seen failing only from the other regions, it is a partition',
      views: { 'us-east-1': { 'us-west-2': 'cut', 'eu-west-1': 'cut' } },
      primary: 'degraded',
      classification: 'partition',
    },
    {
      name: 'a partition with the Route 53 reading missing: failed by quorum, still no failover',
      views: { 'us-east-1': { 'us-west-2': 'cut', 'eu-west-1': 'cut', route53: 'stale' } },
      primary: 'failed',
      classification: 'partition',
    },
    {
      name: 'a partition seen from inside: the primary replica sees every other region failing (and a noisy sample of its own)',
      views: {
        'us-east-1': { 'us-west-2': 'cut', 'eu-west-1': 'cut', 'us-east-1': 'failed', route53: 'stale' },
        'us-west-2': { 'us-east-1': 'cut' },
        'eu-west-1': { 'us-east-1': 'cut' },
      },
      primary: 'failed',
      classification: 'partition',
      cutOff: ['us-east-1'],
    },
    {
      name: 'HTTP errors seen from the other regions are answers, not a cut: a gray failure is no partition',
      views: { 'us-east-1': { 'us-west-2': 'failed', 'eu-west-1': 'failed', route53: 'stale' } },
      primary: 'failed',
      classification: 'regional',
    },
    {
      name: 'failing from the other regions and from the internet is no partition',
      views: { 'us-east-1': { 'us-west-2': 'failed', 'eu-west-1': 'failed', route53: 'failed' } },
      primary: 'failed',
      classification: 'regional',
    },
    {
      name: 'one other region seeing it failing while another sees it healthy is no partition',
      views: { 'us-east-1': { 'us-west-2': 'failed', route53: 'stale' } },
      primary: 'healthy',
      classification: 'none',
    },
    { name: 'one vantage point cut off from the primary', views: { 'us-east-1': { 'us-west-2': 'failed' } }, primary: 'healthy', classification: 'none' },
    {
      name: 'one vantage point cut off from everything',
      views: { 'us-east-1': { 'eu-west-1': 'failed' }, 'us-west-2': { 'eu-west-1': 'failed' }, 'eu-west-1': { 'eu-west-1': 'failed' } },
      primary: 'healthy',
      classification: 'observer',
      cutOff: ['eu-west-1'],
    },
    {
      name: 'every region failing alike',
      views: { 'us-east-1': allVantages('failed'), 'us-west-2': allVantages('failed'), 'eu-west-1': allVantages('failed') },
      primary: 'failed',
      classification: 'global',
    },
    {
      name: 'two regions failed and the third degraded',
      views: { 'us-east-1': allVantages('failed'), 'us-west-2': allVantages('failed'), 'eu-west-1': allVantages('degraded') },
      primary: 'failed',
      classification: 'global',
    },
    { name: 'gray failure below threshold', views: { 'us-east-1': allVantages('degraded') }, primary: 'degraded', classification: 'none' },
    {
      name: 'the primary replica cut off while the primary is down',
      views: {
        'us-east-1': allVantages('failed'),
        'us-west-2': { 'us-east-1': 'failed' },
        'eu-west-1': { 'us-east-1': 'failed' },
      },
      primary: 'failed',
      classification: 'regional',
      cutOff: ['us-east-1'],
    },
    {
      name: 'stale signals are unknown, never failed',
      views: { 'us-east-1': allVantages('stale') },
      primary: 'unknown',
      classification: 'none',
    },
  ];

  it.each(cases)('$name', ({ views, primary, classification, cutOff }) => {
    const result = assess(world(NOW, views), config, NOW);
    expect(result.verdicts['us-east-1']!.health).toBe(primary);
    expect(result.classification).toBe(classification);
    expect(result.cutOffVantages).toEqual(cutOff ?? []);
    expect(result.reason).toMatch(new RegExp(`^${classification}`));
  });

  describe('who has an opinion on the primary', () => {
    const stalled: WindowSummary = { region: 'us-east-1', service: 'replication', vantage: 'database', signal: 'db', ok: 0, failed: 3, slow: 0, failStreak: 3, lastAt: NOW, lastDetail: 'lag 4.2s to us-west-2' };
    // The primary's own replica down with its region, another starved (no opinion): one replica left besides Route 53.
    const alone = { 'us-east-1': 'stale', 'us-west-2': 'cut', 'eu-west-1': 'stale' } as const;
    it.each<{ name: string; views: Parameters<typeof world>[1]; signals: WindowSummary[]; primary: Health; counted: string; summary?: string }>([
      {
        name: "the writer not answering is the database's witness: one replica seeing the app gone is then a majority against Route 53's lagging reading",
        views: { 'us-east-1': alone },
        signals: [writerDown('us-east-1', NOW)],
        primary: 'failed',
        counted: '2/3',
        summary: 'failed: api failed from 2/3 vantage points (timeout after 800ms, database: writer unreachable for 3 reads)',
      },
      { name: 'with the writer answering, one replica against Route 53 is no majority', views: { 'us-east-1': alone }, signals: writerUp('us-east-1', NOW), primary: 'degraded', counted: '1/2' },
      { name: 'a stalled replication is no witness: a partition stalls it too', views: { 'us-east-1': alone }, signals: [stalled], primary: 'degraded', counted: '1/2' },
      { name: 'the writer not answering while no vantage point sees the app failed witnesses nothing', views: {}, signals: [writerDown('us-east-1', NOW)], primary: 'healthy', counted: '0/4' },
      {
        name: "Route 53's healthy reading is no opinion on an app answering with errors",
        views: { 'us-east-1': { 'us-west-2': 'failed', 'eu-west-1': 'failed' } },
        signals: writerUp('us-east-1', NOW),
        primary: 'failed',
        counted: '2/3',
      },
      {
        name: "Route 53's healthy reading counts against an app that does not answer at all (a cut network)",
        views: { 'us-east-1': { 'us-west-2': 'cut', 'eu-west-1': 'cut' } },
        signals: writerUp('us-east-1', NOW),
        primary: 'degraded',
        counted: '2/4',
      },
      {
        name: "Route 53's failed reading always counts",
        views: { 'us-east-1': { 'us-west-2': 'failed', route53: 'failed' } },
        signals: writerUp('us-east-1', NOW),
        primary: 'degraded',
        counted: '2/4',
      },
    ])('$name', ({ views, signals, primary, counted, summary }) => {
      const verdict = assess([...world(NOW, views), ...signals], config, NOW).verdicts['us-east-1']!;
      expect(verdict.health).toBe(primary);
      expect(`${verdict.failedVantages}/${verdict.reportingVantages}`).toBe(counted);
      if (summary) expect(verdict.summary).toBe(summary);
    });
  });

  it('keeps the evidence behind a verdict and summarises it', () => {
    const result = assess(world(NOW, { 'us-east-1': allVantages('failed') }), config, NOW);
    const verdict = result.verdicts['us-east-1']!;
    expect(verdict.failedVantages).toBe(4);
    expect(verdict.evidence).toHaveLength(4);
    expect(verdict.summary).toBe('failed: api failed from 4/4 vantage points (HTTP 503)');
  });

  it('lets a non-critical service degrade a region but never fail it', () => {
    const settings = { ...config, services: [...config.services, { name: 'admin', critical: false, endpoints: config.services[0]!.endpoints }] };
    const summaries = [...world(NOW), ...['us-west-2', 'eu-west-1', 'route53'].map((vantage) => ({ region: 'us-east-1', service: 'admin', vantage, signal: 'http' as const, ok: 0, failed: 5, slow: 0, lastAt: NOW }))];
    const result = assess(summaries, settings, NOW);
    expect(result.verdicts['us-east-1']!.health).toBe('degraded');
    expect(result.classification).toBe('none');
  });
});
