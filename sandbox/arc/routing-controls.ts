import { InputError } from '../../kernel/errors.js';
import { conflict, resourceNotFound, validationError } from './errors.js';

/**
 * The state an ARC cluster holds: control panels, routing controls (On/Off) and the safety rules
 * that guard changes. One store is shared by all five cluster endpoints.
 */

export type ControlState = 'On' | 'Off';

export interface ControlPanel {
  arn: string;
  name: string;
}

export interface RoutingControl {
  arn: string;
  name: string;
  controlPanelArn: string;
  state: ControlState;
  /** The account that owns the control (from its ARN). */
  owner: string;
}

/** ARC's RuleConfig: ATLEAST `threshold` controls On, AND (all On), OR (at least one On); `inverted` negates. */
export interface RuleConfig {
  type: 'ATLEAST' | 'AND' | 'OR';
  threshold: number;
  inverted: boolean;
}

export interface AssertionRule {
  arn: string;
  name: string;
  /** Controls whose states must satisfy the rule after any change to one of them. */
  assertedControls: string[];
  config: RuleConfig;
}

export interface GatingRule {
  arn: string;
  name: string;
  /** Controls that must satisfy the rule before any target control may change. */
  gatingControls: string[];
  targetControls: string[];
  config: RuleConfig;
}

export interface StateUpdate {
  arn: string;
  state: ControlState;
}

const CONTROL_ARN = /^(arn:aws[a-z-]*:route53-recovery-control::(\d+):controlpanel\/[A-Za-z0-9_-]+)\/routingcontrol\/([A-Za-z0-9_-]+)$/;

function holds(config: RuleConfig, states: ControlState[]): boolean {
  const on = states.filter((state) => state === 'On').length;
  const result = config.type === 'AND' ? on === states.length : config.type === 'OR' ? on >= 1 : on >= config.threshold;
  return config.inverted ? !result : result;
}

export class RoutingControlStore {
  private readonly panels = new Map<string, ControlPanel>();
  private readonly controls = new Map<string, RoutingControl>();
  private readonly assertionRules = new Map<string, AssertionRule>();
  private readonly gatingRules = new Map<string, GatingRule>();

  // --- seeding --------------------------------------------------------------------------------

  /**
   * Adds a routing control; its control panel is the ARN's prefix (created when missing), as in
   * `arn:aws:route53-recovery-control::<account>:controlpanel/<panel>/routingcontrol/<control>`.
   */
  addRoutingControl(input: { arn: string; name?: string; state?: ControlState }): RoutingControl {
    const match = CONTROL_ARN.exec(input.arn);
    if (!match?.[1] || !match[2] || !match[3]) {
      throw new InputError(
        `routing control ARN "${input.arn}" is not valid; use arn:aws:route53-recovery-control::<account>:controlpanel/<panel>/routingcontrol/<control>`,
      );
    }
    if (this.controls.has(input.arn)) throw new InputError(`routing control ${input.arn} is already defined; define each control once`);
    const panelArn = match[1];
    if (!this.panels.has(panelArn)) this.panels.set(panelArn, { arn: panelArn, name: panelArn.slice(panelArn.lastIndexOf('/') + 1) });
    const control: RoutingControl = { arn: input.arn, name: input.name ?? match[3], controlPanelArn: panelArn, state: input.state ?? 'Off', owner: match[2] };
    this.controls.set(control.arn, control);
    return control;
  }

  addAssertionRule(input: { name: string; assertedControls: string[]; config: RuleConfig }): AssertionRule {
    const rule: AssertionRule = { ...input, arn: this.ruleArn(input.name, input.assertedControls, 'assertedControls') };
    this.checkConfig(rule.name, rule.config, rule.assertedControls.length);
    this.assertionRules.set(rule.arn, rule);
    return rule;
  }

  addGatingRule(input: { name: string; gatingControls: string[]; targetControls: string[]; config: RuleConfig }): GatingRule {
    const rule: GatingRule = { ...input, arn: this.ruleArn(input.name, [...input.gatingControls, ...input.targetControls], 'gatingControls/targetControls') };
    this.checkConfig(rule.name, rule.config, rule.gatingControls.length);
    this.gatingRules.set(rule.arn, rule);
    return rule;
  }

  /** A safety rule's ARN lives under the control panel of its controls, which must all exist and share it. */
  private ruleArn(name: string, controls: string[], field: string): string {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) throw new InputError(`safety rule name "${name}" is not valid; use 1-64 letters, digits, - or _`);
    const unknown = controls.filter((arn) => !this.controls.has(arn));
    if (controls.length === 0 || unknown.length > 0) {
      throw new InputError(`safety rule ${name}: ${field} must list existing routing controls (unknown: ${unknown.join(', ') || 'none listed'})`);
    }
    const panels = new Set(controls.map((arn) => this.controls.get(arn)?.controlPanelArn));
    const [panel] = panels;
    if (panels.size !== 1 || panel === undefined) throw new InputError(`safety rule ${name}: all its routing controls must be in one control panel`);
    const arn = `${panel}/safetyrule/${name}`;
    if (this.assertionRules.has(arn) || this.gatingRules.has(arn)) throw new InputError(`safety rule ${name} is already defined in ${panel}`);
    return arn;
  }

  private checkConfig(name: string, config: RuleConfig, controls: number): void {
    if (config.type === 'ATLEAST' && (!Number.isInteger(config.threshold) || config.threshold < 1 || config.threshold > controls)) {
      throw new InputError(`safety rule ${name}: threshold must be an integer from 1 to ${controls} (the number of controls it watches)`);
    }
  }

  // --- the data-plane API ---------------------------------------------------------------------

  state(arn: string): ControlState | undefined {
    return this.controls.get(arn)?.state;
  }

  control(arn: string): RoutingControl {
    const control = this.controls.get(arn);
    if (!control) throw resourceNotFound(arn, 'RoutingControl');
    return control;
  }

  panel(arn: string): ControlPanel {
    const panel = this.panels.get(arn);
    if (!panel) throw resourceNotFound(arn, 'ControlPanel');
    return panel;
  }

  /** Routing controls in a stable order, optionally of one control panel. */
  list(controlPanelArn?: string): RoutingControl[] {
    if (controlPanelArn !== undefined) this.panel(controlPanelArn);
    return [...this.controls.values()].filter((c) => controlPanelArn === undefined || c.controlPanelArn === controlPanelArn);
  }

  /** Applies a batch atomically: every control must exist and every safety rule not overridden must hold. */
  update(updates: StateUpdate[], overrides: string[]): void {
    const seen = new Set<string>();
    for (const { arn } of updates) {
      this.control(arn);
      if (seen.has(arn)) throw validationError('fieldValidationFailed', `Routing control ${arn} appears more than once in the request`, 'UpdateRoutingControlStateEntries');
      seen.add(arn);
    }
    for (const arn of overrides) {
      if (!this.assertionRules.has(arn) && !this.gatingRules.has(arn)) {
        throw validationError('fieldValidationFailed', `SafetyRulesToOverride: ${arn} is not a safety rule`, 'SafetyRulesToOverride');
      }
    }
    const changed = new Set(updates.filter((u) => this.control(u.arn).state !== u.state).map((u) => u.arn));
    const proposed = new Map(updates.map((u) => [u.arn, u.state]));
    const stateAfter = (arn: string): ControlState => proposed.get(arn) ?? this.control(arn).state;
    const stateNow = (arn: string): ControlState => this.control(arn).state;

    for (const rule of this.assertionRules.values()) {
      if (overrides.includes(rule.arn) || !rule.assertedControls.some((arn) => changed.has(arn))) continue;
      if (!holds(rule.config, rule.assertedControls.map(stateAfter))) {
        throw conflict(`The update would break assertion rule ${rule.name} (${describe(rule.config)} of its controls On)`, rule.arn, 'SafetyRule');
      }
    }
    // Gating controls are read as they are before the batch: open the gate first, then change targets.
    for (const rule of this.gatingRules.values()) {
      if (overrides.includes(rule.arn) || !rule.targetControls.some((arn) => changed.has(arn))) continue;
      if (!holds(rule.config, rule.gatingControls.map(stateNow))) {
        throw conflict(`Gating rule ${rule.name} does not allow changing its target controls now (${describe(rule.config)} gating controls must be On)`, rule.arn, 'SafetyRule');
      }
    }
    for (const { arn, state } of updates) this.control(arn).state = state;
  }
}

function describe(config: RuleConfig): string {
  const base = config.type === 'AND' ? 'all' : config.type === 'OR' ? 'at least 1' : `at least ${config.threshold}`;
  return config.inverted ? `not ${base}` : base;
}
