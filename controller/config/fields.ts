import { z } from 'zod';
import { regionNameSchema } from '../../kernel/region.js';
import { isHttpUrl, redactUrl } from '../../kernel/validate.js';

/** The field types the config's sections share: names, URLs, ARNs, identifiers, ratios, ports. */

export const regionName = regionNameSchema();

export const identifier = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,62}$/, 'use lower-case letters, digits and dashes, starting with a letter (at most 63 characters)');

export const httpUrl = z.string().refine(isHttpUrl, { error: (issue) => `${redactUrl(issue.input)} is not an http(s) URL` });

export const arn = (service: string) =>
  z
    .string()
    .refine((value) => new RegExp(`^arn:aws[a-z-]*:${service}:`).test(value), {
      error: (issue) => `${JSON.stringify(issue.input)} is not an ${service} ARN (it should start with "arn:aws:${service}:")`,
    });

/** RDS stores global-cluster and DB-cluster identifiers in lower case; the config holds them as RDS returns them. */
const RDS_IDENTIFIER = /^[a-z](?:-?[a-z0-9])*$/;
const validRdsIdentifier = (id: string) => id.length <= 63 && RDS_IDENTIFIER.test(id.toLowerCase());
export const rdsIdentifier = z
  .string()
  .refine(validRdsIdentifier, { error: (issue) => `${JSON.stringify(issue.input)} is not an RDS identifier: 1-63 letters, digits and single hyphens, starting with a letter and not ending with a hyphen (RDS stores it in lower case)` })
  .transform((id) => id.toLowerCase());
export const clusterArn = arn('rds')
  .refine((value) => /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:cluster:/i.test(value) && validRdsIdentifier(value.slice(value.lastIndexOf(':') + 1)), {
    error: (issue) => `${JSON.stringify(issue.input)} is not a DB cluster ARN with an RDS identifier (arn:aws:rds:<region>:<account>:cluster:<1-63 letters, digits and single hyphens>)`,
  })
  .transform((value) => value.toLowerCase());

export const ratio = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');
export const dnsName = z
  .string()
  .regex(/^([a-z0-9-]+\.)+[a-z0-9-]+\.?$/i, 'must be a DNS name such as "login.example.com"')
  .transform((name) => name.replace(/\.$/, '').toLowerCase());
export const port = z.number().int().min(0, 'must be a TCP port (0-65535)').max(65535, 'must be a TCP port (0-65535)');
export const perRegion = <T extends z.ZodType>(value: T) => z.record(regionName, value);
