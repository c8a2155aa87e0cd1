/**
 * Carves subnet blocks out of a VPC block: `subnetCidr('10.10.0.0/16', 4, 1)` is `10.10.16.0/20`,
 * the second /20 of the /16.
 */
export function subnetCidr(vpcCidr: string, newBits: number, index: number): string {
  const [address, prefixText] = vpcCidr.split('/');
  const prefix = Number(prefixText);
  const octets = (address ?? '').split('.').map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255) || !Number.isInteger(prefix)) {
    throw new RangeError(`${vpcCidr} is not an IPv4 CIDR block`);
  }
  const subnetPrefix = prefix + newBits;
  if (subnetPrefix > 28) throw new RangeError(`a /${subnetPrefix} subnet is smaller than AWS allows (/28)`);
  if (!Number.isInteger(index) || index < 0 || index >= 2 ** newBits) {
    throw new RangeError(`${vpcCidr} has no subnet #${index} of size /${subnetPrefix}`);
  }
  const base = octets.reduce((value, octet) => value * 256 + octet, 0);
  const network = base - (base % 2 ** (32 - prefix));
  const start = network + index * 2 ** (32 - subnetPrefix);
  const parts = [24, 16, 8, 0].map((shift) => Math.floor(start / 2 ** shift) % 256);
  return `${parts.join('.')}/${subnetPrefix}`;
}
