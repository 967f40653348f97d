/**
 * Policy file bytes → Policy or located problems. Pure, like a guest file's parse: the same UTF-8
 * and YAML rules (no anchors, aliases, tags, duplicate keys), then schemas/policy.schema.json,
 * then the typed values. Problems use the `FILE:LINE:COL: error CODE: message` of `validate`.
 */
import type { Problem, SourceLocation } from '../desired/types.js';
import { decodeUtf8 } from '../desired/source-text.js';
import { parseYaml, type YMapping, type YNode } from '../desired/yaml-tree.js';
import { checkSchemaWith } from '../desired/schema.js';
import { toPlain } from '../desired/resolve.js';
import { compareProblems, fileStart, problem } from '../desired/problems.js';
import { deepFreeze } from '../desired/deep-freeze.js';
import { POLICY_VALIDATOR, loadValidator } from '../schema-validators.js';
import { DEFAULT_MAX_DISABLES, DEFAULT_MAX_EMAIL_CHANGES, type DomainRule, type Policy } from './types.js';

export type PolicyResult = { readonly ok: true; readonly policy: Policy } | { readonly ok: false; readonly problems: readonly Problem[] };

function get(m: YMapping, key: string): YNode | undefined {
  return m.entries.find((e) => e.key === key)?.value;
}

function lowerStrings(node: YNode | undefined): string[] {
  return node?.kind === 'sequence' ? node.items.map((i) => (i.kind === 'scalar' ? String(i.value).toLowerCase() : '')) : [];
}

export function parsePolicy(bytes: Uint8Array, file: string): PolicyResult {
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) return { ok: false, problems: [problem(decoded.code, decoded.message, { file, ...decoded.position })] };
  const parsed = parseYaml(decoded.text);
  const at = (p: { line: number; column: number }): SourceLocation => ({ file, line: p.line, column: p.column });
  const problems: Problem[] = parsed.issues.map((i) => problem(i.code, i.message, at(i.position)));
  const root = parsed.root;
  if (root === null || root.kind !== 'mapping') {
    problems.push(problem('file-not-mapping', 'a policy file is a mapping starting with "formatVersion: 1"', root ? at(root.position) : fileStart(file)));
    return { ok: false, problems };
  }
  for (const issue of checkSchemaWith(loadValidator(POLICY_VALIDATOR), toPlain(root), root)) problems.push(problem(issue.code, issue.message, at(issue.position)));
  if (problems.length > 0) return { ok: false, problems: problems.sort(compareProblems) };

  const rules = get(root, 'emailDomains');
  const emailDomains: DomainRule[] =
    rules?.kind === 'sequence'
      ? rules.items.filter((r): r is YMapping => r.kind === 'mapping').map((r) => {
          const files = get(r, 'files');
          return { files: files?.kind === 'scalar' ? String(files.value) : '', allow: lowerStrings(get(r, 'allow')), location: at(r.position) };
        })
      : [];
  const consumer = get(root, 'allowConsumerDomains');
  const max = get(root, 'maxEmailChanges');
  const maxDisables = get(root, 'maxDisables');
  const grace = get(root, 'gracePeriod');
  const manage = get(root, 'manage');
  const policy: { -readonly [K in keyof Policy]: Policy[K] } = {
    file,
    emailDomains,
    allowConsumerDomains: consumer?.kind === 'scalar' && consumer.value === true,
    maxEmailChanges: max?.kind === 'scalar' && typeof max.value === 'number' ? max.value : DEFAULT_MAX_EMAIL_CHANGES,
    maxDisables: maxDisables?.kind === 'scalar' && typeof maxDisables.value === 'number' ? maxDisables.value : DEFAULT_MAX_DISABLES,
    // The schema admits only `<days>d`.
    gracePeriodDays: grace?.kind === 'scalar' && typeof grace.value === 'string' ? Number.parseInt(grace.value, 10) : 0,
  };
  if (manage?.kind === 'mapping') policy.manage = { guestDomains: lowerStrings(get(manage, 'guestDomains')), location: at(manage.position) };
  return { ok: true, policy: deepFreeze(policy) };
}
