import { describe, expect, it } from 'vitest';
import { formatInventory, formatValue, sortInventory } from '../../../infra/synth/inventory.js';

describe('inventory', () => {
  const inventory = sortInventory([
    { type: 'aws:rds/cluster:Cluster', name: 'db-us-west-2', region: 'us-west-2', props: { clusterIdentifier: 'db-w', deletionProtection: true, port: 5432 } },
    { type: 'aws:ec2/vpc:Vpc', name: 'vpc-east', region: 'us-east-1', props: { cidrBlock: '10.0.0.0/16' } },
    { type: 'aws:sns/topic:Topic', name: 'stray', region: null, props: {} },
    { type: 'aws:ec2/vpc:Vpc', name: 'a-vpc', region: 'us-east-1', props: { cidrBlock: '10.1.0.0/16' } },
  ]);

  it('sorts by type, then name', () => {
    expect(inventory.resources.map((r) => r.name)).toEqual(['a-vpc', 'vpc-east', 'db-us-west-2', 'stray']);
  });

  it('prints resources by region with their key properties only', () => {
    expect(formatInventory(inventory).split('\n')).toEqual([
      '(default provider) (1 resources)',
      '  aws:sns/topic:Topic  stray',
      'us-east-1 (2 resources)',
      '  aws:ec2/vpc:Vpc  a-vpc  cidrBlock=10.1.0.0/16',
      '  aws:ec2/vpc:Vpc  vpc-east  cidrBlock=10.0.0.0/16',
      'us-west-2 (1 resources)',
      '  aws:rds/cluster:Cluster  db-us-west-2  clusterIdentifier=db-w  deletionProtection=true',
      '4 resources in 3 regions',
    ]);
  });

  it('shortens long values', () => {
    expect(formatValue('x'.repeat(500))).toHaveLength(160);
    expect(formatValue({ a: [1, 2] })).toBe('{"a":[1,2]}');
  });
});
