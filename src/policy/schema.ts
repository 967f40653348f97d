/** schemas/policy.schema.json's validator (precompiled at build time: schema-validators.ts). */
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { POLICY_VALIDATOR, loadValidator, schemaDocument as readSchema, schemaPath } from '../schema-validators.js';

export const POLICY_SCHEMA_PATH = schemaPath(POLICY_VALIDATOR);

let compiled: ValidateFunction | undefined;
let schemaDocument: Record<string, unknown> | undefined;

export function policySchema(): Record<string, unknown> {
  schemaDocument ??= readSchema(POLICY_VALIDATOR);
  return schemaDocument;
}

/** Compiled lazily: a run without a policy file never pays for it. */
export function policyValidator(): ValidateFunction {
  compiled ??= loadValidator(POLICY_VALIDATOR);
  return compiled;
}
