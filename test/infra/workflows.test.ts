import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { MACHINERY_SUMMARY_PREFIX } from '../../infra/synth/diff.js';
import { parseError } from '../runbooks/parse-cli.js';
import { shellWords } from '../runbooks/runbook.js';
import { ROOT } from './fixtures.js';

/** The hidden marker the synth report carries when a change touches the failover machinery, and the label it leads to. */
const MACHINERY_MARKER = '<!-- fcp-failover-machinery -->';
const MACHINERY_LABEL = 'failover-machinery';

interface Step { uses?: string; run?: string; with?: Record<string, unknown>; if?: string; env?: Record<string, string> }
interface Job {
  if?: string;
  needs?: string[];
  environment?: string | { name: string };
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress'?: boolean };
  strategy?: { matrix?: Record<string, unknown> };
  env?: Record<string, string>;
  steps: Step[];
}
interface Workflow { on: Record<string, { branches?: string[] } | null>; permissions?: Record<string, string>; jobs: Record<string, Job> }

/** Parses a workflow, failing on YAML errors (GitHub would refuse the file). */
function workflow(name: string): Workflow {
  const document = YAML.parseDocument(readFileSync(`${ROOT}.github/workflows/${name}`, 'utf8'));
  expect(document.errors.map((e) => e.message)).toEqual([]);
  return document.toJS() as Workflow;
}

const job = (w: Workflow, id: string): Job => {
  const found = w.jobs[id];
  if (!found) throw new Error(`no job ${id}`);
  return found;
};
const runs = (j: Job) => j.steps.map((s) => s.run ?? '').join('\n');
const uses = (j: Job) => j.steps.map((s) => s.uses).filter((u): u is string => u !== undefined);

describe.each(['infra.yml', 'image.yml'])('%s', (name) => {
  it('pins every action to a major version and keeps the default token read-only', () => {
    const w = workflow(name);
    for (const j of Object.values(w.jobs)) for (const action of uses(j)) expect(action).toMatch(/^[\w-]+\/[\w-]+@v\d+$/);
    expect(w.permissions).toEqual({ contents: 'read' });
  });
});

describe('infra workflow', () => {
  const w = workflow('infra.yml');

  it('runs on pull requests, their reviews and on pushes to main', () => {
    expect(Object.keys(w.on).sort()).toEqual(['pull_request', 'pull_request_review', 'push']);
    expect(w.on.push?.branches).toEqual(['main']);
    // A review only re-checks the second-reviewer rule; nothing else runs again for it.
    for (const [id, j] of Object.entries(w.jobs)) if (id !== 'second-review') expect(j.if, id).toMatch(/github\.event_name [!=]= '(pull_request|push|pull_request_review)'/);
  });

  it('tests with npm ci first', () => {
    const test = job(w, 'test');
    expect(runs(test)).toMatch(/npm ci[\s\S]*npm run typecheck[\s\S]*npm run lint[\s\S]*npm test/);
  });

  it('posts the synth diff and the policy guard to the pull request, and fails on violations', () => {
    const synth = job(w, 'synth');
    expect(synth.if).toContain("github.event_name == 'pull_request'");
    expect(synth.permissions).toMatchObject({ 'pull-requests': 'write' });
    expect(runs(synth)).toContain('npm ci');
    expect(runs(synth)).toContain('.github/scripts/synth-report.sh');
    expect(uses(synth)).toContain('actions/github-script@v7');
    expect(synth.steps.at(-1)).toMatchObject({ if: "steps.synth.outputs.status != '0'" });
    const script = readFileSync(`${ROOT}.github/scripts/synth-report.sh`, 'utf8');
    expect(script).toContain('npm run -s infra:synth -- --stack "$stack_file" --json');
    expect(script).toContain('npm run -s infra:synth -- --stack "$stack_file" --diff "$base_json"');
  });

  it('labels a change to the failover machinery and requires two approvals for it', () => {
    const synth = job(w, 'synth');
    const script = readFileSync(`${ROOT}.github/scripts/synth-report.sh`, 'utf8');
    // The diff's summary line (infra/synth/diff.ts) is what the report looks for.
    expect(script).toContain(`grep -q '^${MACHINERY_SUMMARY_PREFIX}'`);
    expect(script).toContain(MACHINERY_MARKER);
    expect(runs(synth)).toContain(`grep -q '${MACHINERY_MARKER}'`);
    const label = synth.steps.find((s) => s.if === "steps.synth.outputs.machinery == 'true'" || String(s.with?.script ?? '').includes(MACHINERY_LABEL));
    expect(String(label?.with?.script)).toContain(MACHINERY_LABEL);

    const review = job(w, 'second-review');
    expect(review.needs).toEqual(['synth']);
    expect(review.if).toContain('always()');
    expect(review.if).toContain("github.event_name == 'pull_request_review'");
    expect(review.permissions).toEqual({ contents: 'read', 'pull-requests': 'read' });
    const check = String(review.steps.find((s) => s.uses === 'actions/github-script@v7')?.with?.script);
    expect(check).toContain(MACHINERY_LABEL);
    expect(check).toContain("'APPROVED'");
    expect(check).toMatch(/approvers\.size < 2/);
  });

  it('previews each stack with the policy pack and comments on the pull request', () => {
    const preview = job(w, 'preview');
    expect(preview.if).toContain("github.event_name == 'pull_request'");
    expect(preview.needs).toEqual(['test', 'synth']);
    const pulumi = preview.steps.find((s) => s.uses === 'pulumi/actions@v6');
    expect(pulumi?.with).toMatchObject({ command: 'preview', 'comment-on-pr': true, policyPacks: 'infra/policy/pack' });
  });

  it('rolls out on push to main only, behind the protected environment, with fcp rollout applying `pulumi up` one stack at a time', () => {
    const deploy = job(w, 'deploy');
    expect(deploy.if).toContain("github.event_name == 'push'");
    expect(deploy.if).toContain("github.ref == 'refs/heads/main'");
    expect(deploy.environment).toBe('production');
    expect(deploy.strategy).toBeUndefined();
    expect(deploy.concurrency).toEqual({ group: 'pulumi-rollout', 'cancel-in-progress': false });
    expect(deploy.permissions).toMatchObject({ 'id-token': 'write' });
    expect(deploy.env).toMatchObject({ FCP_API: '${{ vars.FCP_API }}', FCP_TOKEN: '${{ secrets.FCP_DEPLOY_TOKEN }}', STACKS: "${{ join(fromJSON(vars.PULUMI_STACKS), ',') }}" });
    expect(runs(deploy)).toContain('npm ci');

    const step = deploy.steps.findIndex((s) => (s.run ?? '').includes('node bin/fcp.js rollout'));
    const command = parseRollout(deploy.steps[step]!.run!);
    expect(command.stacks).toBe('$STACKS');
    expect(command.commit).toBe('${{ github.sha }}');
    expect(command.bake).toBe("${{ vars.ROLLOUT_BAKE || '10m' }}");
    expect(command.apply).toMatch(/^pulumi up --yes .*--policy-pack infra\/policy\/pack .*--stack "\$\{\{ vars\.PULUMI_ORG \}\}\/\{stack\}"$/);
    // The Pulumi CLI is installed before the rollout runs it, and no stack is applied any other way.
    const install = deploy.steps.findIndex((s) => s.uses === 'pulumi/actions@v6');
    expect(install).toBeGreaterThan(-1);
    expect(install).toBeLessThan(step);
    expect(deploy.steps[install]?.with?.command).toBeUndefined();
    expect(deploy.steps[step]?.env).toMatchObject({ PULUMI_ACCESS_TOKEN: '${{ secrets.PULUMI_ACCESS_TOKEN }}' });
  });

  it('checks every stack against the live controller\'s writer region, and the policy guard, before the rollout', () => {
    const deploy = job(w, 'deploy');
    const index = (pattern: RegExp) => deploy.steps.findIndex((s) => pattern.test(s.run ?? ''));
    const check = index(/for stack in \$\{STACKS\/\/,\/ \}; do\n\s+node bin\/fcp\.js infra topology --stack "Pulumi\.\$stack\.yaml" --check/);
    const guard = index(/npm run -s infra:synth -- --stack "Pulumi\.\$stack\.yaml"/);
    const rollout = index(/node bin\/fcp\.js rollout/);
    expect(check).toBeGreaterThan(-1);
    expect(guard).toBeGreaterThan(-1);
    expect(check).toBeLessThan(rollout);
    expect(guard).toBeLessThan(rollout);
  });

  it('previews each stack with one concurrency group per stack, never cancelling a run', () => {
    const preview = job(w, 'preview');
    expect(preview.strategy?.matrix?.stack).toBe('${{ fromJSON(vars.PULUMI_STACKS) }}');
    expect(preview.concurrency).toEqual({ group: 'pulumi-stack-${{ matrix.stack }}', 'cancel-in-progress': false });
    expect(preview.permissions).toMatchObject({ 'id-token': 'write' });
  });

  it('the rollout command line parses with the real fcp program', async () => {
    const run = job(w, 'deploy').steps.find((s) => (s.run ?? '').includes('node bin/fcp.js rollout'))!.run!;
    expect(await parseError(shellWords(run.replace(/\n/g, ' ')).slice(2))).toBeUndefined();
  });
});

/** The options of the workflow's `fcp rollout` line, as the shell would split it. */
function parseRollout(run: string): Record<string, string> {
  const words = shellWords(run.replace(/\n/g, ' '));
  const options: Record<string, string> = {};
  for (let i = 0; i < words.length; i++) if (words[i]!.startsWith('--')) options[words[i]!.slice(2)] = words[i + 1]!;
  return options;
}

describe('image workflow', () => {
  const w = workflow('image.yml');

  it('tests, then builds and pushes the controller image to every region with an immutable sha tag', () => {
    expect(w.on.push?.branches).toEqual(['main']);
    const push = job(w, 'push');
    expect(push.needs).toEqual(['test']);
    expect(push.strategy?.matrix?.region).toBe('${{ fromJSON(vars.CONTROLLER_REGIONS) }}');
    const build = push.steps.find((s) => s.uses === 'docker/build-push-action@v6');
    expect(build?.with).toMatchObject({ push: true });
    expect(String(build?.with?.tags)).toMatch(/:\$\{\{ github\.sha \}\}$/);
    expect(uses(push)).toEqual(expect.arrayContaining(['aws-actions/configure-aws-credentials@v4', 'aws-actions/amazon-ecr-login@v2']));
  });
});
