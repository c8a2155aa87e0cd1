import { describe, expect, it } from 'vitest';
import { subnetCidr } from '../../../infra/components/cidr.js';

describe('subnetCidr', () => {
  it.each([
    ['10.10.0.0/16', 2, 0, '10.10.0.0/18'],
    ['10.10.0.0/16', 2, 1, '10.10.64.0/18'],
    ['10.10.0.0/16', 2, 3, '10.10.192.0/18'],
    ['10.10.0.0/16', 4, 1, '10.10.16.0/20'],
    ['192.168.4.0/24', 2, 2, '192.168.4.128/26'],
    // A host address inside the block is treated as the block's network address.
    ['10.10.7.9/16', 2, 1, '10.10.64.0/18'],
  ])('%s split by %i bits, #%i is %s', (vpc, bits, index, expected) => {
    expect(subnetCidr(vpc, bits, index)).toBe(expected);
  });

  it.each([
    ['10.10.0.0/16', 2, 4, /has no subnet #4/],
    ['10.10.0.0/24', 6, 0, /smaller than AWS allows/],
    ['10.10.0/16', 2, 0, /not an IPv4 CIDR block/],
    ['10.10.0.300/16', 2, 0, /not an IPv4 CIDR block/],
  ])('rejects %s split by %i bits, #%i', (vpc, bits, index, message) => {
    expect(() => subnetCidr(vpc, bits, index)).toThrow(message);
  });
});
