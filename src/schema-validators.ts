/**
 * The JSON Schemas' validators, compiled at build time. Compiling the guest-file schema with ajv
 * took about 70 ms of every run that reads guests/ (and importing ajv 45 ms more): a third of a
 * small `validate`. `npm run build` (scripts/compile-schemas.mjs) writes each schema's standalone
 * validator — ajv's own generated code, from the very options below — next to the compiled
 * module that uses it; at run time it is loaded, not compiled. Where it is missing (a checkout
 * built without that step) the schema is compiled as before: slower, the same answers.
 */
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { packagePath } from './package-root.js';

const require = createRequire(import.meta.url);

/** Every schema is compiled with these: all errors at once, errors carrying their schema. */
export const AJV_OPTIONS = { allErrors: true, verbose: true, strict: true } as const;

export interface SchemaValidatorSpec {
  /** The schema file under schemas/. */
  readonly schemaFile: string;
  /** The standalone validator, relative to dist/src/. */
  readonly validatorFile: string;
  /** ajv-formats formats the schema uses. */
  readonly formats: readonly ('email' | 'uri')[];
}

export const GUESTS_VALIDATOR: SchemaValidatorSpec = { schemaFile: 'guests.schema.json', validatorFile: 'desired/guests-validator.cjs', formats: ['email', 'uri'] };
export const POLICY_VALIDATOR: SchemaValidatorSpec = { schemaFile: 'policy.schema.json', validatorFile: 'policy/policy-validator.cjs', formats: [] };
export const SCHEMA_VALIDATORS: readonly SchemaValidatorSpec[] = [GUESTS_VALIDATOR, POLICY_VALIDATOR];

interface AjvInstance {
  compile(schema: unknown): ValidateFunction;
}

/** An ajv instance set up for `spec` (the build script passes `code: {source: true}`). */
export function schemaAjv(spec: SchemaValidatorSpec, extra: Record<string, unknown> = {}): AjvInstance {
  // Required lazily: a run with the precompiled validator never loads ajv's compiler.
  const { Ajv2020 } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const ajv = new Ajv2020({ ...AJV_OPTIONS, ...extra });
  if (spec.formats.length > 0) (require('ajv-formats') as typeof import('ajv-formats')).default(ajv, [...spec.formats]);
  return ajv;
}

function schemaPath(spec: SchemaValidatorSpec): string {
  return packagePath('schemas', spec.schemaFile);
}

export function schemaDocument(spec: SchemaValidatorSpec): Record<string, unknown> {
  return JSON.parse(readFileSync(schemaPath(spec), 'utf8')) as Record<string, unknown>;
}

const loaded = new Map<SchemaValidatorSpec, ValidateFunction>();

/**
 * The precompiled validator of `spec`, or the schema compiled now when the build did not write it;
 * loaded on first use and kept, so a run that never reads a policy file never loads its validator.
 */
export function loadValidator(spec: SchemaValidatorSpec): ValidateFunction {
  let validate = loaded.get(spec);
  if (validate === undefined) {
    const path = fileURLToPath(new URL(spec.validatorFile, import.meta.url));
    validate = existsSync(path) ? (require(path) as ValidateFunction) : schemaAjv(spec).compile(schemaDocument(spec));
    loaded.set(spec, validate);
  }
  return validate;
}
