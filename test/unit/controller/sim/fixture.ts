import { parseScenario, type Scenario, type ScenarioInput } from '../../../../controller/sim/scenario.js';

/** Three regions with us-east-1 primary, Route 53 as a fourth vantage point, no noise unless asked. */
export const BASE: ScenarioInput = {
  name: 'test',
  seed: 11,
  duration: '4m',
  regions: [
    { name: 'us-east-1', role: 'primary' },
    { name: 'us-west-2', role: 'standby' },
    { name: 'eu-west-1', role: 'standby' },
  ],
  route53: { interval: '10s', failureThreshold: 3 },
  noise: 'none',
};

export function scenario(overrides: Partial<ScenarioInput> = {}): Scenario {
  return parseScenario({ ...BASE, ...overrides });
}

export const examplePath = (name: string) => new URL(`../../../../examples/scenarios/${name}.yaml`, import.meta.url).pathname;
