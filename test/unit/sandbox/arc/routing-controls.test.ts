import { describe, expect, it } from 'vitest';
import { InputError } from '../../../../kernel/errors.js';
import { ArcApiError } from '../../../../sandbox/arc/errors.js';
import { RoutingControlStore, type RuleConfig } from '../../../../sandbox/arc/routing-controls.js';

const PANEL = 'arn:aws:route53-recovery-control::000000000000:controlpanel/p';
const arn = (name: string, panel = PANEL) => `${panel}/routingcontrol/${name}`;

function store(states: Record<string, 'On' | 'Off'>): RoutingControlStore {
  const created = new RoutingControlStore();
  for (const [name, state] of Object.entries(states)) created.addRoutingControl({ arn: arn(name), state });
  return created;
}

describe('RoutingControlStore seeding', () => {
  it.each([
    { name: 'a malformed control ARN', act: (s: RoutingControlStore) => s.addRoutingControl({ arn: 'arn:aws:route53:::x' }), match: /not valid/ },
    { name: 'a duplicate control', act: (s: RoutingControlStore) => s.addRoutingControl({ arn: arn('a') }), match: /already defined/ },
    {
      name: 'a rule over an unknown control',
      act: (s: RoutingControlStore) => s.addAssertionRule({ name: 'r', assertedControls: [arn('zz')], config: { type: 'OR', threshold: 1, inverted: false } }),
      match: /unknown: .*zz/,
    },
    {
      name: 'a threshold above the number of controls',
      act: (s: RoutingControlStore) => s.addAssertionRule({ name: 'r', assertedControls: [arn('a')], config: { type: 'ATLEAST', threshold: 2, inverted: false } }),
      match: /threshold/,
    },
    {
      name: 'a rule spanning two control panels',
      act: (s: RoutingControlStore) => {
        const other = 'arn:aws:route53-recovery-control::000000000000:controlpanel/q';
        s.addRoutingControl({ arn: arn('x', other) });
        return s.addAssertionRule({ name: 'r', assertedControls: [arn('a'), arn('x', other)], config: { type: 'OR', threshold: 1, inverted: false } });
      },
      match: /one control panel/,
    },
  ])('refuses $name with an InputError', ({ act, match }) => {
    const s = store({ a: 'On' });
    expect(() => act(s)).toThrow(InputError);
    expect(() => act(store({ a: 'On' }))).toThrow(match);
  });
});

describe('RoutingControlStore safety rules', () => {
  const rule = (type: RuleConfig['type'], threshold: number, inverted = false): RuleConfig => ({ type, threshold, inverted });

  it.each([
    { config: rule('ATLEAST', 1), update: { a: 'Off' }, allowed: true },
    { config: rule('ATLEAST', 2), update: { a: 'Off' }, allowed: false },
    { config: rule('ATLEAST', 2), update: { a: 'Off', c: 'On' }, allowed: true },
    { config: rule('AND', 1), update: { c: 'On' }, allowed: true },
    { config: rule('AND', 1), update: { a: 'Off' }, allowed: false },
    { config: rule('OR', 1), update: { a: 'Off', b: 'Off' }, allowed: false },
    { config: rule('OR', 1, true), update: { a: 'Off', b: 'Off' }, allowed: true },
  ] as const)('assertion $config.type $config.threshold (inverted: $config.inverted) with $update -> allowed: $allowed', ({ config, update, allowed }) => {
    const s = store({ a: 'On', b: 'On', c: 'Off' });
    s.addAssertionRule({ name: 'rule', assertedControls: [arn('a'), arn('b'), arn('c')], config });
    const apply = () => s.update(Object.entries(update).map(([name, state]) => ({ arn: arn(name), state })), []);
    if (allowed) {
      apply();
      for (const [name, state] of Object.entries(update)) expect(s.state(arn(name))).toBe(state);
    } else {
      expect(apply).toThrow(ArcApiError);
      expect(s.state(arn('a'))).toBe('On');
    }
  });

  it('does not apply any entry of a batch that a rule refuses', () => {
    const s = store({ a: 'On', b: 'Off', gate: 'Off', target: 'Off' });
    s.addGatingRule({ name: 'gate', gatingControls: [arn('gate')], targetControls: [arn('target')], config: rule('AND', 1) });
    expect(() => s.update([{ arn: arn('b'), state: 'On' }, { arn: arn('target'), state: 'On' }], [])).toThrow(/Gating rule gate/);
    expect(s.state(arn('b'))).toBe('Off');
  });

  it('ignores a rule when the batch does not change its controls', () => {
    const s = store({ a: 'Off', b: 'On' });
    s.addAssertionRule({ name: 'both', assertedControls: [arn('a')], config: rule('AND', 1) });
    s.update([{ arn: arn('b'), state: 'Off' }], []);
    expect(s.state(arn('b'))).toBe('Off');
  });
});
