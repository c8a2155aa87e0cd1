import { z } from 'zod';
import { parseWith } from '../../kernel/validate.js';

/**
 * The grammar of an identity-based IAM policy document, checked strictly before the evaluator sees
 * it: a policy the sandbox cannot evaluate is refused with the field named, never half-applied.
 * Single strings are read as one-element lists, as IAM reads them.
 */

const oneOrMany = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).transform((value) => (typeof value === 'string' ? [value] : value));
const conditionValue = z
  .union([z.string(), z.boolean(), z.number(), z.array(z.union([z.string(), z.boolean(), z.number()]))])
  .transform((value) => (Array.isArray(value) ? value : [value]).map(String));

const statement = z
  .strictObject({
    Sid: z.string().optional(),
    Effect: z.enum(['Allow', 'Deny'], 'must be "Allow" or "Deny"'),
    Action: oneOrMany.optional(),
    NotAction: oneOrMany.optional(),
    Resource: oneOrMany.optional(),
    NotResource: oneOrMany.optional(),
    Condition: z.record(z.string(), z.record(z.string(), conditionValue)).optional(),
  })
  .superRefine((s, ctx) => {
    if ((s.Action === undefined) === (s.NotAction === undefined)) ctx.addIssue({ code: 'custom', path: ['Action'], message: 'give exactly one of Action and NotAction' });
    if ((s.Resource === undefined) === (s.NotResource === undefined)) ctx.addIssue({ code: 'custom', path: ['Resource'], message: 'give exactly one of Resource and NotResource' });
  });

const document = z.strictObject({
  Version: z.enum(['2012-10-17', '2008-10-17'], 'must be "2012-10-17"'),
  Id: z.string().optional(),
  Statement: z.preprocess((value) => (Array.isArray(value) || value === undefined ? value : [value]), z.array(statement).min(1, 'list at least one statement')),
});

export type PolicyDocument = z.output<typeof document>;
export type PolicyStatement = PolicyDocument['Statement'][number];

/** Parses a policy document; InputError naming each bad field (`Statement[1].Effect: ...`) otherwise. */
export function parsePolicyDocument(value: unknown, source: string): PolicyDocument {
  return parseWith(document, value, `IAM policy ${source}`);
}
