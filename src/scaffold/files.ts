/**
 * The files `guestops init` scaffolds, rendered from templates/ (shipped in the package).
 * `managed` files are this version's: `guestops upgrade` moves them to a newer version. The
 * others (guests, CODEOWNERS, README) belong to the repository from the first commit on.
 */
import { readFileSync } from 'node:fs';
import { GuestopsError } from '../errors.js';
import { packagePath } from '../package-root.js';

export interface ScaffoldValues {
  /** The `uses:` line of the guestops action (see action-ref.ts). */
  readonly actionUses: string;
  readonly version: string;
  /** `OWNER/REPO` of the guests repository, or a placeholder the README asks to replace. */
  readonly repository: string;
  readonly tenantId: string;
  readonly planClientId: string;
  readonly applyClientId: string;
}

export interface ScaffoldFile {
  /** Relative to the repository root, with `/`. */
  readonly path: string;
  readonly content: string;
  readonly managed: boolean;
}

/** First line of every managed workflow: how upgrade tells its files from the repository's own. */
export const MANAGED_HEADER = '# Managed by guestops ';

export const WORKFLOWS = ['plan.yml', 'apply.yml', 'drift.yml', 'ci.yml'] as const;

/** Replaces `%%NAME%%`; a placeholder without a value is a bug in the template, never output. */
export function renderTemplate(name: string, text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/%%([A-Z_]+)%%/g, (_, key: string) => {
    const v = values[key];
    if (v === undefined) throw new GuestopsError('template-placeholder', `template ${name} uses an unknown placeholder %%${key}%%`);
    return v;
  });
}

function template(name: string, values: Readonly<Record<string, string>>): string {
  return renderTemplate(name, readFileSync(packagePath('templates', ...name.split('/')), 'utf8'), values);
}

export function scaffoldFiles(v: ScaffoldValues): ScaffoldFile[] {
  const values = {
    ACTION_USES: v.actionUses,
    VERSION: v.version,
    REPO: v.repository,
    OWNER: v.repository.split('/')[0]!,
    TENANT_ID: v.tenantId,
    PLAN_CLIENT_ID: v.planClientId,
    APPLY_CLIENT_ID: v.applyClientId,
  };
  return [
    { path: 'guests/example.yaml', content: template('guests/example.yaml', values), managed: false },
    // A copy, not a path into node_modules: editors of the repository find it without guestops installed.
    { path: 'schemas/guests.schema.json', content: readFileSync(packagePath('schemas', 'guests.schema.json'), 'utf8'), managed: true },
    { path: 'schemas/policy.schema.json', content: readFileSync(packagePath('schemas', 'policy.schema.json'), 'utf8'), managed: true },
    // The repository's own from the first commit on (like the guests): upgrade never rewrites it.
    { path: 'guestops.policy.yaml', content: template('guestops.policy.yaml', values), managed: false },
    ...WORKFLOWS.map((w) => ({ path: `.github/workflows/${w}`, content: template(`workflows/${w}`, values), managed: true })),
    { path: '.github/CODEOWNERS', content: template('CODEOWNERS', values), managed: false },
    { path: 'README.md', content: template('README.md', values), managed: false },
  ];
}
