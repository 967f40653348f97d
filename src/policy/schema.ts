/** schemas/policy.schema.json compiled once, the same ajv settings as the guest-file schema. */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { packagePath } from '../package-root.js';

export const POLICY_SCHEMA_PATH = packagePath('schemas', 'policy.schema.json');

let compiled: ValidateFunction | undefined;
let schemaDocument: Record<string, unknown> | undefined;

export function policySchema(): Record<string, unknown> {
  schemaDocument ??= JSON.parse(readFileSync(POLICY_SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
  return schemaDocument;
}

/** Compiled lazily: a run without a policy file never pays for it. */
export function policyValidator(): ValidateFunction {
  compiled ??= new Ajv2020({ allErrors: true, verbose: true, strict: true }).compile(policySchema());
  return compiled;
}
