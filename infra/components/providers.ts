import * as aws from '@pulumi/aws';

/** How a provider's region takes part in the deployment; the policy guard reads it from the provider's tags. */
export type RegionRole = 'primary' | 'standby' | 'control-plane';

export const TAG_DEPLOYMENT = 'fcp:deployment';
export const TAG_REGION_ROLE = 'fcp:region-role';

/** Route 53's control plane (zones, records, health checks) is served from us-east-1. */
export const ROUTE53_CONTROL_REGION = 'us-east-1';
/** ARC's configuration API (clusters, control panels, routing controls, safety rules) lives in us-west-2 only. */
export const ARC_CONTROL_REGION = 'us-west-2';

/**
 * One explicit `aws.Provider` per region. No resource in this program uses the default provider, so
 * nothing lands in whatever region happens to be configured on the machine running `pulumi`.
 */
export class RegionProviders {
  private readonly providers = new Map<string, aws.Provider>();

  constructor(
    private readonly deployment: string,
    private readonly roles: ReadonlyMap<string, RegionRole>,
  ) {
    for (const region of roles.keys()) this.create(region);
  }

  /** The provider of a deployment region, or of a control-plane region the deployment does not run in. */
  forRegion(region: string): aws.Provider {
    return this.providers.get(region) ?? this.create(region);
  }

  private create(region: string): aws.Provider {
    const provider = new aws.Provider(`aws-${region}`, {
      region,
      defaultTags: { tags: { [TAG_DEPLOYMENT]: this.deployment, [TAG_REGION_ROLE]: this.roles.get(region) ?? 'control-plane' } },
    });
    this.providers.set(region, provider);
    return provider;
  }
}
