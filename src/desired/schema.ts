/**
 * The JSON Schema of guest files (schemas/guests.schema.json) compiled with ajv, and the mapping
 * of ajv's errors back onto YAML nodes: each error becomes a problem at the offending node, with
 * a stable code and a message a reviewer can act on. The schema is the single source of the field
 * rules; this file only decides how to *say* what the schema refused.
 */
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type { ProblemCode } from './codes.js';
import type { TextPosition } from './source-text.js';
import type { YEntry, YMapping, YNode } from './yaml-tree.js';
import { quoteValue } from './problem-format.js';
import { lifecycleIssue } from './lifecycle-rules.js';
import { GUESTS_VALIDATOR, loadValidator } from '../schema-validators.js';

export interface SchemaIssue {
  readonly code: ProblemCode;
  readonly message: string;
  readonly position: TextPosition;
}

/** Validates the plain value of a document and places every schema error on its YAML node. */
export function checkSchema(value: unknown, root: YNode): SchemaIssue[] {
  // Precompiled at build time (schema-validators.ts); its errors carry their schema (titles, key lists).
  return checkSchemaWith(loadValidator(GUESTS_VALIDATOR), value, root);
}

/** The same mapping of errors onto nodes, for another schema (the policy file's). */
export function checkSchemaWith(validate: ValidateFunction, value: unknown, root: YNode): SchemaIssue[] {
  if (validate(value)) return [];
  const best = new Map<string, { rank: number; issue: SchemaIssue }>();
  for (const error of validate.errors ?? []) {
    const mapped = describeError(error, root);
    if (!mapped) continue;
    const prior = best.get(mapped.slot);
    if (!prior || mapped.rank < prior.rank) best.set(mapped.slot, { rank: mapped.rank, issue: mapped.issue });
  }
  return [...best.values()].map((b) => b.issue);
}

/** JSON pointer (as ajv reports `instancePath`) → segments. */
function segments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function nodeAt(root: YNode, pointer: string): YNode | undefined {
  let node: YNode | undefined = root;
  for (const seg of segments(pointer)) {
    if (!node) return undefined;
    if (node.kind === 'mapping') node = node.entries.find((e) => e.key === seg)?.value;
    else if (node.kind === 'sequence') node = node.items[Number(seg)];
    else return undefined;
  }
  return node;
}

/** `/guests/3/otherMails/1` → `guests[3].otherMails[1]`, the way a reader names a field. */
function fieldName(pointer: string): string {
  let out = '';
  for (const seg of segments(pointer)) out += /^\d+$/.test(seg) ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  return out === '' ? 'the file' : out;
}

/** The path with list indexes replaced by `*`, to look up field-specific wording. */
function fieldShape(pointer: string): string {
  return segments(pointer)
    .map((s) => (/^\d+$/.test(s) ? '*' : s))
    .join('/');
}

function describeValue(node: YNode | undefined): string {
  if (!node) return 'nothing';
  if (node.kind === 'mapping') return 'a mapping';
  if (node.kind === 'sequence') return 'a list';
  const v = node.value;
  if (v === null) return 'nothing (null)';
  if (typeof v === 'string') return `the string ${quoteValue(v)}`;
  if (typeof v === 'boolean') return `the boolean ${v}`;
  // 9007199254740993 reads as …992: show what was written, and why it cannot be used.
  if (node.source !== undefined) return `the number ${node.source} (larger than ${Number.MAX_SAFE_INTEGER}, the largest integer read exactly)`;
  return `the number ${v}`;
}

const TYPE_WORDS: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
};

function withArticle(title: string): string {
  return /^[aeiou]/i.test(title) ? `an ${title}` : `a ${title}`;
}

function titleOf(schema: unknown): string {
  const t = (schema as { title?: unknown } | undefined)?.title;
  return typeof t === 'string' ? t : 'mapping';
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length]!;
}

/** A likely intended key for a typo: same letters ignoring case, or at most two edits away. */
export function suggestKey(unknown: string, allowed: readonly string[]): string | undefined {
  const lower = unknown.toLowerCase();
  const exact = allowed.find((k) => k.toLowerCase() === lower);
  if (exact) return exact;
  let best: { key: string; d: number } | undefined;
  for (const key of allowed) {
    const d = editDistance(lower, key.toLowerCase());
    if (d <= 2 && d < Math.min(key.length, unknown.length) && (!best || d < best.d)) best = { key, d };
  }
  return best?.key;
}

/** "a space", "a line break", "a tab" …, or undefined for a character that is not white space. */
function whitespaceName(ch: string): string | undefined {
  if (ch === ' ') return 'a space';
  if (ch === '\n' || ch === '\r') return 'a line break';
  if (ch === '\t') return 'a tab';
  if (/\s/u.test(ch)) return `a white-space character (U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`;
  return undefined;
}

/**
 * The first thing in an invitation address that Graph refuses, or undefined. `allowPlus`: the
 * rule of a guest's `email`, which may hold `+` (adopting or updating such a guest sends no
 * invitation; the planner blocks a reset or invitation to it).
 */
export function forbiddenInInvitationEmail(email: string, allowPlus = false): string | undefined {
  const at = email.lastIndexOf('@');
  const local = at >= 0 ? email.slice(0, at) : email;
  const bad = (allowPlus ? /[~!#$%^&*()=[\]{}\\/|;:"<>?,\s]/u : /[~!#$%^&*()+=[\]{}\\/|;:"<>?,\s]/u).exec(local);
  if (bad) return `contains ${whitespaceName(bad[0]) ?? quoteValue(bad[0])}, which Graph refuses in an invitation address`;
  if (/^[.-]/.test(local)) return `starts with ${quoteValue(local[0]!)}, which Graph refuses at the start of the local part`;
  if (/[.-]$/.test(local)) return `ends its local part with ${quoteValue(local[local.length - 1]!)}, which Graph refuses`;
  return undefined;
}

/** Why an address failed the email format, when there is a simple reason to give. */
/**
 * A non-ASCII domain (IDN) has an ASCII form (punycode, `xn--…`) that Graph accepts; a non-ASCII
 * local part has none, so only the domain gets the hint.
 */
function emailHint(text: string): string {
  if (!/[^\x00-\x7f]/.test(text)) return '';
  const at = text.lastIndexOf('@');
  const local = at >= 0 ? text.slice(0, at) : text;
  const domain = at >= 0 ? text.slice(at + 1) : '';
  if (!/[^\x00-\x7f]/.test(local) && domain !== '') {
    let ascii: string | undefined;
    try {
      ascii = new URL(`http://${domain}`).hostname;
    } catch {
      ascii = undefined;
    }
    if (ascii && /^[\x21-\x7e]+$/.test(ascii) && ascii !== domain.toLowerCase()) {
      return ` (only ASCII addresses are supported; the domain's ASCII (punycode) form is ${quoteValue(`${local}@${ascii}`)})`;
    }
  }
  return ' (only ASCII addresses are supported)';
}

interface Mapped {
  /** Errors for the same slot compete; the lowest rank is reported. */
  readonly slot: string;
  readonly rank: number;
  readonly issue: SchemaIssue;
}

function describeError(error: ErrorObject, root: YNode): Mapped | undefined {
  const path = error.instancePath;
  const node = nodeAt(root, path) ?? root;
  const field = fieldName(path);
  const shape = fieldShape(path);
  const value = node.kind === 'scalar' ? node.value : undefined;
  const text = typeof value === 'string' ? value : '';
  const at = (code: ProblemCode, message: string, rank = 5, position: TextPosition = node.position): Mapped => ({
    slot: `${path}|value`,
    rank,
    issue: { code, message, position },
  });

  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String((error.params as { additionalProperty: string }).additionalProperty);
      const entry: YEntry | undefined = node.kind === 'mapping' ? (node as YMapping).entries.find((e) => e.key === key) : undefined;
      const allowed = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const hint = suggestKey(key, allowed);
      const where = path === '' ? `at the top of ${withArticle(titleOf(error.parentSchema))}` : `in ${withArticle(titleOf(error.parentSchema))}`;
      return {
        slot: `${path}|key|${key}`,
        rank: 0,
        issue: {
          code: 'schema-unknown-key',
          message: `unknown key ${quoteValue(key)} ${where}${hint ? `; did you mean "${hint}"?` : ''} (allowed: ${allowed.join(', ')})`,
          position: entry?.keyPosition ?? node.position,
        },
      };
    }
    case 'required': {
      const key = String((error.params as { missingProperty: string }).missingProperty);
      return {
        slot: `${path}|required|${key}`,
        rank: 0,
        issue: { code: 'schema-missing-key', message: `${withArticle(titleOf(error.parentSchema))} needs "${key}"`, position: node.position },
      };
    }
    case 'type': {
      const expected = String((error.params as { type: string }).type);
      const want = expected.split(',').map((t) => TYPE_WORDS[t] ?? t).join(' or ');
      if (shape === 'guests/*/generation') return at('invalid-generation', `generation must be an integer >= 0, not ${describeValue(node)}`, 0);
      return at('schema-type', `${field} must be ${want}, not ${describeValue(node)}`, 0);
    }
  }

  // Value rules: wording per field, so each refusal has its own stable code.
  const kw = error.keyword;
  if (shape === 'guests/*/id') return at('invalid-id', `id ${quoteValue(text)} is not an object id (a GUID such as 6f1c2d4e-0b8a-4c3e-9d1f-2a7b5c9e8d10)`);
  if (shape === 'guests/*/upn') {
    return at('invalid-upn', `upn ${quoteValue(text)} is not a user principal name (local@domain, e.g. john.doe_fabrikam.example#EXT#@contoso.onmicrosoft.com)`);
  }
  if (shape === 'guests/*/generation') return at('invalid-generation', `generation must be an integer >= 0, not ${describeValue(node)}`);
  if (shape === 'guests/*/email') {
    if (kw === 'maxLength') return at('email-too-long', `email ${quoteValue(text)} is longer than 254 characters`, 3);
    if (kw === 'pattern') {
      const why = forbiddenInInvitationEmail(text, true);
      if (why) return at('email-forbidden-character', `email ${quoteValue(text)} ${why}`, 1);
    }
    return at('invalid-email', `email ${quoteValue(text)} is not a valid email address${emailHint(text)}`, 2);
  }
  if (shape === 'guests/*/otherMails' && kw === 'maxItems') {
    const count = node.kind === 'sequence' ? node.items.length : 0;
    return at('too-many-other-mails', `otherMails has ${count} addresses; Graph stores at most 250`);
  }
  if (shape === 'guests/*/otherMails/*') {
    if (kw === 'maxLength') return at('other-mail-too-long', `${field} is ${Array.from(text).length} characters long; Graph stores at most 250`, 1);
    return at('invalid-email', `${field} ${quoteValue(text)} is not a valid email address${emailHint(text)}`, 2);
  }
  if (shape.endsWith('invitation/ccRecipients') && kw === 'maxItems') {
    const count = node.kind === 'sequence' ? node.items.length : 0;
    return at('too-many-cc-recipients', `ccRecipients has ${count} addresses; Graph supports only one cc recipient`);
  }
  if (shape.endsWith('invitation/ccRecipients/*')) {
    if (kw === 'maxLength') return at('invalid-email', `${field} is ${Array.from(text).length} characters long; an email address has at most 254`, 1);
    return at('invalid-email', `${field} ${quoteValue(text)} is not a valid email address${emailHint(text)}`, 2);
  }
  if (shape.endsWith('invitation/redirectUrl')) {
    if (/^http:\/\//i.test(text)) return at('redirect-not-https', `redirectUrl ${quoteValue(text)} uses plain http; use an https URL (anyone on the path could change where a freshly redeemed guest lands)`);
    return at('invalid-redirect-url', `redirectUrl ${quoteValue(text)} is not an absolute https URL`);
  }
  if (shape === 'formatVersion') return at('policy-format-version', `formatVersion must be 1, not ${describeValue(node)}`);
  if (shape.endsWith('allow/*') || shape.endsWith('guestDomains/*')) {
    return at('invalid-domain', `${field} ${quoteValue(text)} is not a domain (example.com) or a subdomain wildcard (*.example.com)`);
  }
  if (shape.endsWith('acknowledgeDomainChange')) {
    return at('invalid-domain-acknowledgement', `acknowledgeDomainChange ${quoteValue(text)} is not "OLD -> NEW" with two email domains, e.g. "fabrikam.example -> northwind.example"`);
  }
  if (shape.endsWith('invitation/messageLanguage')) {
    return at('invalid-message-language', `messageLanguage ${quoteValue(text)} is not a language tag such as en-US`);
  }
  const lifecycle = lifecycleIssue(shape, text, field);
  if (lifecycle) return at(lifecycle.code, lifecycle.message);
  return at('schema-invalid-value', `${field} ${error.message ?? 'is invalid'}`, 4);
}
